"""Full-text search over events, Arabic-aware, the same on SQLite and PostgreSQL.

What is searched: the evidence sentences of an event's sources, their articles'
titles, the event's place and sides.  Everything is folded with the project's
normaliser (``rasd.text.normalize.fold``: moderation-evasion breaks repaired,
no diacritics or tatweel, alef/ya/ta-marbuta/hamza variants unified) and cut
into words; each word is indexed with its clitic-free stems as well
(``rasd.text.segment.analyses``: ``والقصف`` -> ``القصف``, ``قصف``), so a query
word finds the word however it is prefixed.

A query is plain words (operators, quotes and brackets are not syntax here:
only letters and digits are kept), folded the same way; every word must match
as a word prefix (``قصف`` finds ``قصفت``).  The query is built from those words
alone and passed as a bound parameter, so no input can inject SQL or break the
FTS syntax.

    SQLite      an FTS5 table ``event_fts(body)`` whose rowid is the event id's hex digits as
                an integer (``E0123456789ab`` -> 0x0123456789ab, kept in ``events.rid``); query
                ``"w1"* "w2"*``
    PostgreSQL  ``event_search.tsv`` (a ``tsvector`` built with ``array_to_tsvector`` from the
                words: no parser or dictionary in the way, the 'simple' behaviour) with a GIN
                index; query ``'w1':* & 'w2':*`` cast to ``tsquery``

``event_search.actors`` holds the folded names of the sides (as written and
canonical) for the ``actor`` substring filter.  The index is kept by
``merge_store`` (every event it writes or removes) and by corrections.
"""
from __future__ import annotations

import re
from typing import Iterable

from sqlalchemy import bindparam, delete, false, select, text
from sqlalchemy.engine import Connection

from .schema import actors, articles, event_search, event_sources, events

_WORD = re.compile(r"[^\W_]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
MAX_TERMS = 16
MAX_TOKEN = 64
MAX_TOKENS = 20_000          # per event (PostgreSQL caps a tsvector at 1 MB)


def fold_text(s: str | None) -> str:
    from ..text.normalize import fold

    return fold(s).text if s else ""


def words(s: str | None) -> list[str]:
    """The folded words of ``s`` (letters and digits only)."""
    return [w[:MAX_TOKEN] for w in _WORD.findall(fold_text(s))]


def doc_tokens(texts: Iterable[str | None]) -> list[str]:
    """Index terms of some texts: each folded word and its stems without proclitics."""
    from ..text.segment import analyses

    out: dict[str, None] = {}
    for t in texts:
        for w in words(t):
            out[w] = None
            for stem, _ in analyses(w):
                out[stem[:MAX_TOKEN]] = None
            if len(out) >= MAX_TOKENS:
                return list(out)
    return list(out)


def terms(q: str | None) -> list[str]:
    """The words of a query (at most ``MAX_TERMS``)."""
    return words(q)[:MAX_TERMS]


def rowid(event_id: str) -> int:
    return int(event_id[1:], 16)


# --------------------------------------------------------------------------- the index

def has_fts(conn: Connection, table: str = "event_fts") -> bool:
    """Whether this SQLite database has the FTS5 table (``event_fts`` or ``actor_fts``)."""
    if conn.dialect.name != "sqlite":
        return True
    return conn.execute(text("SELECT 1 FROM sqlite_master WHERE name = :t"), {"t": table}).first() is not None


def create(conn: Connection) -> None:
    """The dialect's full-text structures (migration 3)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("ALTER TABLE event_search ADD COLUMN IF NOT EXISTS tsv tsvector"))
        conn.execute(text("CREATE INDEX IF NOT EXISTS ix_event_search_tsv ON event_search USING GIN (tsv)"))
        return
    for ddl in ("CREATE VIRTUAL TABLE IF NOT EXISTS event_fts USING fts5(body, tokenize = 'unicode61 "
                "remove_diacritics 0')",
                "CREATE VIRTUAL TABLE IF NOT EXISTS actor_fts USING fts5(actors, tokenize = 'trigram')"):
        try:
            with conn.begin_nested():
                conn.execute(text(ddl))
        except Exception:   # an SQLite without FTS5 (or trigrams, before 3.34): LIKE over event_search
            pass


def remove(conn: Connection, event_ids: Iterable[str]) -> None:
    ids = list(event_ids)
    sqlite = conn.dialect.name == "sqlite"
    ftss = [t for t in ("event_fts", "actor_fts") if sqlite and has_fts(conn, t)]
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        conn.execute(delete(event_search).where(event_search.c.event_id.in_(chunk)))
        for t in ftss:
            conn.execute(text(f"DELETE FROM {t} WHERE rowid IN :ids")
                         .bindparams(bindparam("ids", expanding=True)), {"ids": [rowid(e) for e in chunk]})


def index_events(conn: Connection, event_ids: Iterable[str] | None) -> int:
    """(Re)index these events (None: all of them) from their current rows; returns how many."""
    if event_ids is None:
        ids = list(conn.execute(select(events.c.event_id)).scalars())
    else:
        ids = list(dict.fromkeys(event_ids))
    pg = conn.dialect.name == "postgresql"
    fts = not pg and has_fts(conn)
    afts = not pg and has_fts(conn, "actor_fts")
    a1, a2 = actors.alias("a1"), actors.alias("a2")
    n = 0
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        remove(conn, chunk)
        rows = conn.execute(
            select(events.c.event_id, events.c.location_name, events.c.admin1, events.c.actor1_name,
                   events.c.actor2_name, a1.c.canonical.label("c1"), a2.c.canonical.label("c2"))
            .select_from(events.outerjoin(a1, events.c.actor1_id == a1.c.id)
                         .outerjoin(a2, events.c.actor2_id == a2.c.id))
            .where(events.c.event_id.in_(chunk))).all()
        texts: dict[str, list[str]] = {r.event_id: [] for r in rows}
        titles: dict[str, set] = {r.event_id: set() for r in rows}
        for s in conn.execute(select(event_sources.c.event_id, event_sources.c.evidence, articles.c.title)
                              .select_from(event_sources.join(articles, event_sources.c.article_id == articles.c.id))
                              .where(event_sources.c.event_id.in_(chunk))
                              .order_by(event_sources.c.source_key)):
            if s.event_id in texts:
                texts[s.event_id].append(s.evidence)
                if s.title and s.title not in titles[s.event_id]:
                    titles[s.event_id].add(s.title)
                    texts[s.event_id].append(s.title)
        out = []
        for r in rows:
            names = [x for x in (r.actor1_name, r.actor2_name, r.c1, r.c2) if x]
            toks = doc_tokens([r.location_name, r.admin1, *names, *texts[r.event_id]])
            out.append({"event_id": r.event_id, "actors": " | ".join(fold_text(x) for x in names),
                        "body": " ".join(toks), "toks": toks})
        if not out:
            continue
        if pg:
            conn.execute(text("INSERT INTO event_search (event_id, actors, body, tsv) VALUES "
                              "(:event_id, :actors, :body, array_to_tsvector(CAST(:toks AS text[])))"), out)
        else:
            conn.execute(event_search.insert(),
                         [{"event_id": o["event_id"], "actors": o["actors"], "body": None if fts else o["body"]}
                          for o in out])
            if fts:
                conn.execute(text("INSERT INTO event_fts (rowid, body) VALUES (:rid, :body)"),
                             [{"rid": rowid(o["event_id"]), "body": o["body"]} for o in out])
            if afts:
                conn.execute(text("INSERT INTO actor_fts (rowid, actors) VALUES (:rid, :actors)"),
                             [{"rid": rowid(o["event_id"]), "actors": o["actors"]} for o in out])
        n += len(out)
    return n


# --------------------------------------------------------------------------- map features

def feature(row) -> str | None:
    """``events.feature``: the event as a GeoJSON Feature with the light properties the map needs
    (event_id, event_type, fatalities, date_start); None without coordinates."""
    import json

    m = row if isinstance(row, dict) else row._mapping
    lat, lon = m["lat"], m["lon"]
    if lat is None or lon is None:
        return None
    eid = m["event_id"]
    ds = m["date_start"]
    ds = ds.isoformat() if hasattr(ds, "isoformat") else str(ds)[:10]
    fat = m["fatalities"]
    return (f'{{"type":"Feature","id":"{eid}","geometry":{{"type":"Point","coordinates":'
            f'[{round(float(lon), 5)!r},{round(float(lat), 5)!r}]}},"properties":{{"event_id":"{eid}",'
            f'"event_type":{json.dumps(m["event_type"], ensure_ascii=False)},'
            f'"fatalities":{"null" if fat is None else int(fat)},"date_start":"{ds}"}}}}')


def fill_features(conn: Connection, event_ids: Iterable[str] | None = None) -> None:
    """Write ``events.feature`` and ``events.rid`` of these events (None: all) from their current values."""
    cols = (events.c.event_id, events.c.event_type, events.c.fatalities, events.c.date_start, events.c.lat,
            events.c.lon)
    q = select(*cols)
    if event_ids is None:
        chunks = [None]
    else:
        ids = list(event_ids)
        chunks = [ids[i:i + 500] for i in range(0, len(ids), 500)]
    for chunk in chunks:
        rows = conn.execute(q if chunk is None else q.where(events.c.event_id.in_(chunk))).all()
        if rows:
            conn.execute(events.update().where(events.c.event_id == bindparam("eid"))
                         .values(feature=bindparam("feat"), rid=bindparam("r")),
                         [{"eid": r.event_id, "feat": feature(r), "r": rowid(r.event_id)} for r in rows])


# --------------------------------------------------------------------------- filters

def _rids(conn: Connection, sql: str, params: dict, memo):
    """``events.rid IN (the rowids sql finds)``.  With ``memo`` (conn, key, compute), the rowids are
    found once per filter change and handed to each statement as a parameter: SQLite a JSON array
    (json_each), PostgreSQL an array (``= ANY``).  On PostgreSQL ``sql`` finds event ids."""
    if memo is None:
        return events.c.rid.in_(text(sql).bindparams(**params).columns(rowid=events.c.rid.type))
    import json

    key = (sql, tuple(sorted(params.items())))
    if conn.dialect.name == "postgresql":
        from sqlalchemy import BigInteger, any_
        from sqlalchemy.dialects.postgresql import ARRAY

        ids = memo(conn, key, lambda: [rowid(r[0]) for r in conn.execute(text(sql), params)])
        return events.c.rid == any_(bindparam("rids", ids, type_=ARRAY(BigInteger)))
    js = memo(conn, key, lambda: json.dumps([r[0] for r in conn.execute(text(sql), params)]))
    return events.c.rid.in_(text("SELECT value FROM json_each(:ids)").bindparams(ids=js)
                            .columns(value=events.c.rid.type))


def match_clause(conn: Connection, q: str, memo=None):
    """A WHERE clause on ``events`` for the query ``q`` (false when it has no word).  ``memo``: see
    ``_rids`` (SQLite)."""
    ws = terms(q)
    if not ws:
        return false()
    if conn.dialect.name == "postgresql":
        tsq = " & ".join(f"'{w}':*" for w in ws)
        sql = "SELECT event_id FROM event_search WHERE tsv @@ CAST(:tsq AS tsquery)"
        if memo is not None:
            return _rids(conn, sql, {"tsq": tsq}, memo)
        sub = text(sql).bindparams(tsq=tsq)
    elif has_fts(conn):
        fq = " ".join(f'"{w}"*' for w in ws)
        return _rids(conn, "SELECT rowid FROM event_fts WHERE event_fts MATCH :fq", {"fq": fq}, memo)
    else:
        conds = " AND ".join(f"(' ' || body) LIKE :w{i} ESCAPE '\\'" for i in range(len(ws)))
        sub = text(f"SELECT event_id FROM event_search WHERE {conds}").bindparams(
            **{f"w{i}": f"% {like_escape(w)}%" for i, w in enumerate(ws)})
    return events.c.event_id.in_(sub.columns(event_id=events.c.event_id.type))


def like_escape(s: str) -> str:
    return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def actor_clause(conn: Connection, value: str, memo=None):
    """Events one of whose sides contains ``value`` (folded), as written or canonical.

    SQLite: through ``actor_fts`` (FTS5 trigrams: a substring of three characters or more is found
    by the index, not by reading every name); a value with ``%`` or ``_`` (which FTS5's LIKE would
    take as wildcards: it has no ESCAPE) reads every name instead."""
    v = _CONTROL.sub("", fold_text(value)).strip()      # SQLite's LIKE would end a pattern at a NUL
    if not v:
        return false() if value.strip() else None
    if conn.dialect.name == "sqlite" and "%" not in v and "_" not in v and has_fts(conn, "actor_fts"):
        return _rids(conn, "SELECT rowid FROM actor_fts WHERE actors LIKE :pat", {"pat": f"%{v}%"}, memo)
    if conn.dialect.name == "postgresql" and memo is not None:
        return _rids(conn, "SELECT event_id FROM event_search WHERE actors LIKE :pat ESCAPE '\\'",
                     {"pat": f"%{like_escape(v)}%"}, memo)
    sub = select(event_search.c.event_id).where(event_search.c.actors.like(f"%{like_escape(v)}%", escape="\\"))
    return events.c.event_id.in_(sub)
