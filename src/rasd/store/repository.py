"""The store: one object over a SQLite file or a PostgreSQL database, the same rows in both.

    store = Store("rasd.db")                      # or "sqlite:///x.db", "postgresql://user@host/db"
    with store.write() as conn:                   # one transaction
        status = store.save_article(conn, article_row, doc_json)
    store.counts()

SQLite runs in WAL mode (readers never wait for the writer; a killed writer
leaves the last committed state) with ``synchronous=NORMAL`` and foreign keys
on; write transactions take the write lock at once (``BEGIN IMMEDIATE``).
PostgreSQL is reached through psycopg 3 (``postgresql://`` URLs are given
that driver) and needs PostGIS (see ``migrations.py``).
"""
from __future__ import annotations

import json
import os
from contextlib import contextmanager
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Iterator

from sqlalchemy import create_engine, event, func, select, text
from sqlalchemy.engine import Connection, Engine

from . import migrations, schema
from .schema import actors, article_versions, articles, event_sources, events, ingest_log, places

DEFAULT_DB = "rasd.db"
_MERGE_LOCK = 7_273_837_002


class StoreError(RuntimeError):
    pass


def db_url(value: str | None = None) -> str:
    """A SQLAlchemy URL from ``--db`` (a URL or a file path), ``$RASD_DB``, else ``rasd.db`` here."""
    value = value or os.environ.get("RASD_DB") or DEFAULT_DB
    if "://" not in value:
        return f"sqlite:///{Path(value).expanduser().absolute()}"
    scheme, rest = value.split("://", 1)
    if scheme in ("postgresql", "postgres"):
        return f"postgresql+psycopg://{rest}"
    return value


def redact(url: str) -> str:
    """The URL without its password, for messages."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return url


def _sqlite_setup(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None          # we say BEGIN ourselves (below)
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=60000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")


def _json(v) -> str | None:
    return None if v is None else json.dumps(v, ensure_ascii=False, separators=(",", ":"))


def _d(v) -> date | None:
    if v is None or isinstance(v, date):
        return v
    return date.fromisoformat(str(v)[:10])


class Store:
    def __init__(self, url: str | None = None, *, migrate: bool = True) -> None:
        self.url = db_url(url)
        kw = {}
        if self.url.startswith("sqlite"):
            path = self.url.split(":///", 1)[-1]
            if path and path != ":memory:" and not Path(path).parent.is_dir():
                raise StoreError(f"cannot create the database {path}: no directory {str(Path(path).parent)!r}")
        else:
            kw["pool_pre_ping"] = True
        try:
            self.engine = create_engine(self.url, **kw)
        except Exception as e:   # unknown dialect, missing driver
            raise StoreError(f"cannot use database {redact(self.url)}: {e}") from None
        if self.dialect == "sqlite":
            _sqlite_setup(self.engine)
        self._place_ids: dict[str, int] = {}
        self._actor_ids: dict[str, int] = {}
        if migrate:
            try:
                migrations.migrate(self.engine)
            except migrations.MigrationError as e:
                raise StoreError(str(e)) from None
            except Exception as e:
                if type(e).__module__.startswith(("sqlalchemy", "psycopg", "sqlite3")):
                    raise StoreError(f"cannot open database {redact(self.url)}: "
                                     f"{str(e).splitlines()[0]}") from None
                raise

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------------ transactions
    @contextmanager
    def write(self, lock: str | None = None) -> Iterator[Connection]:
        """One write transaction; everything in it is committed together or not at all."""
        with self.engine.connect().execution_options(sqlite_begin="IMMEDIATE") as conn:
            try:
                with conn.begin():
                    if lock == "merge" and self.dialect == "postgresql":
                        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MERGE_LOCK})
                    yield conn
            except BaseException:
                self._place_ids.clear()     # ids from a rolled-back transaction are not real
                self._actor_ids.clear()
                raise

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            yield conn

    # ------------------------------------------------------------------ articles
    def lookup(self, conn: Connection, keys: list[str]) -> dict[str, set[str]]:
        """article_key -> the hashes of every text it was stored with, for the keys already stored."""
        out: dict[str, set[str]] = {}
        for i in range(0, len(keys), 500):
            chunk = keys[i:i + 500]
            q = (select(articles.c.article_key, article_versions.c.text_hash)
                 .select_from(articles.join(article_versions, article_versions.c.article_id == articles.c.id))
                 .where(articles.c.article_key.in_(chunk)))
            for k, h in conn.execute(q):
                out.setdefault(k, set()).add(h)
        return out

    def save_article(self, conn: Connection, row: dict, doc: dict) -> str:
        """Store one extracted article: ``new``, ``updated`` (its old events replaced) or ``unchanged``.

        A text the article was already stored with at some time (the current one, or an
        older version met again, as when a crawl holds two versions of a page) is not a
        change: ingesting the same inputs again, in any order, changes nothing.

        ``row``: article_key, text_hash, url, doc_id, outlet, title, published, published_date,
        text, source, extractor, warnings (list).  ``doc``: ``Document.to_json()``.
        """
        key = row["article_key"]
        old = conn.execute(select(articles.c.id, articles.c.text_hash)
                           .where(articles.c.article_key == key)).first()
        if old is not None:
            seen = conn.execute(select(article_versions.c.text_hash).where(
                article_versions.c.article_id == old.id, article_versions.c.text_hash == row["text_hash"])).first()
            if seen is not None:     # the current text, or an older one met again: not a change
                return "unchanged"
        now = datetime.now(timezone.utc)
        values = {k: row.get(k) for k in ("article_key", "text_hash", "url", "doc_id", "outlet", "title",
                                          "published", "text", "source", "extractor")}
        values.update(published_date=_d(row.get("published_date")), n_chars=len(row["text"]),
                      n_events=len(doc.get("events") or ()), places=_json(doc.get("places") or []),
                      warnings=_json(row.get("warnings") or []), updated_at=now)
        if old is not None:
            aid = old.id
            self._unmerge_article(conn, aid)
            conn.execute(event_sources.delete().where(event_sources.c.article_id == aid))
            conn.execute(articles.update().where(articles.c.id == aid).values(**values))
            status = "updated"
        else:
            values["first_seen"] = now
            aid = conn.execute(articles.insert().values(**values).returning(articles.c.id)).scalar_one()
            status = "new"
        conn.execute(article_versions.insert().values(article_id=aid, text_hash=row["text_hash"], seen_at=now))
        rows = [self._source_row(conn, aid, key, i, e) for i, e in enumerate(doc.get("events") or ())]
        if rows:
            conn.execute(event_sources.insert(), rows)
        return status

    def _unmerge_article(self, conn: Connection, aid: int) -> None:
        """Dissolve the merged events an article's sources belong to (``merge`` regroups them)."""
        ids = list(conn.execute(select(event_sources.c.event_id).distinct().where(
            event_sources.c.article_id == aid, event_sources.c.event_id.is_not(None))).scalars())
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            conn.execute(event_sources.update().where(event_sources.c.event_id.in_(chunk)).values(event_id=None))
            conn.execute(events.delete().where(events.c.event_id.in_(chunk)))

    def _source_row(self, conn: Connection, aid: int, akey: str, idx: int, e: dict) -> dict:
        loc = e.get("location") or {}
        a1, a2 = e.get("actor1"), e.get("actor2")
        spans = dict(e.get("spans") or {})
        ev = spans.pop("evidence", None) or (None, None)
        return {
            "source_key": f"{akey}#{idx}", "article_id": aid, "idx": idx, "event_id": None,
            "event_type": e["event_type"], "sub_event_type": e["sub_event_type"],
            "date_start": _d(e["date_start"]), "date_end": _d(e["date_end"]),
            "time_precision": e.get("time_precision") or 1,
            "actor1_id": self.actor_id(conn, a1), "actor1_name": (a1 or {}).get("name"),
            "actor2_id": self.actor_id(conn, a2), "actor2_name": (a2 or {}).get("name"),
            "place_id": self.place_id(conn, loc) if loc else None,
            "location_name": loc.get("name"), "geo_precision": loc.get("geo_precision"),
            "country": loc.get("country"), "admin1": loc.get("admin1"),
            "lat": loc.get("lat"), "lon": loc.get("lon"),
            "civilian_targeting": bool(e.get("civilian_targeting")),
            "fatalities": e.get("fatalities"), "fatalities_text": e.get("fatalities_text"),
            "injuries": e.get("injuries"), "injuries_text": e.get("injuries_text"),
            "children_killed": e.get("children_killed"), "women_killed": e.get("women_killed"),
            "children_injured": e.get("children_injured"), "women_injured": e.get("women_injured"),
            "reported_by": _json(e.get("reported_by") or []), "evidence": e.get("evidence") or "",
            "evidence_start": ev[0], "evidence_end": ev[1], "spans": _json(spans),
        }

    # ------------------------------------------------------------------ places and actors
    def _insert_ignore(self, table, values: dict, key_col: str):
        if self.dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        return insert(table).values(**values).on_conflict_do_nothing(index_elements=[key_col])

    @staticmethod
    def place_key(loc: dict) -> str:
        lat, lon = loc.get("lat"), loc.get("lon")
        coord = f"{lat:.4f},{lon:.4f}" if lat is not None and lon is not None else ""
        gid = loc.get("geonameid")
        parts = [str(gid or ""), loc.get("kind") or "settlement", loc.get("country") or "",
                 loc.get("admin1_code") or "", coord, "" if gid and coord else (loc.get("name") or "")]
        return "|".join(parts)

    def place_id(self, conn: Connection, loc: dict) -> int:
        key = self.place_key(loc)
        pid = self._place_ids.get(key)
        if pid is None:
            conn.execute(self._insert_ignore(places, {
                "place_key": key, "name": loc.get("name") or "", "kind": loc.get("kind") or "settlement",
                "country": loc.get("country"), "admin1": loc.get("admin1"),
                "admin1_code": loc.get("admin1_code"), "admin2": loc.get("admin2"),
                "geonameid": loc.get("geonameid"), "lat": loc.get("lat"), "lon": loc.get("lon")},
                "place_key"))
            pid = conn.execute(select(places.c.id).where(places.c.place_key == key)).scalar_one()
            self._place_ids[key] = pid
        return pid

    def actor_id(self, conn: Connection, a: dict | None) -> int | None:
        if not a:
            return None
        key = f"{a.get('inter') or ''}|{a.get('country') or ''}|{a.get('canonical') or a.get('name') or ''}"
        aid = self._actor_ids.get(key)
        if aid is None:
            conn.execute(self._insert_ignore(actors, {
                "actor_key": key, "canonical": a.get("canonical") or a.get("name") or "",
                "inter": a.get("inter") or "external", "country": a.get("country"), "name": a.get("name")},
                "actor_key"))
            aid = conn.execute(select(actors.c.id).where(actors.c.actor_key == key)).scalar_one()
            self._actor_ids[key] = aid
        return aid

    # ------------------------------------------------------------------ events (merge.py writes them)
    def upsert_events(self, conn: Connection, rows: list[dict]) -> None:
        if not rows:
            return
        if self.dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        cols = [c.name for c in events.columns if c.name != "event_id"]
        for i in range(0, len(rows), 500):
            stmt = insert(events)
            stmt = stmt.on_conflict_do_update(index_elements=["event_id"],
                                              set_={c: stmt.excluded[c] for c in cols})
            conn.execute(stmt, rows[i:i + 500])

    # ------------------------------------------------------------------ log
    def log(self, conn: Connection, run_id: str, level: str, where: str, reason: str) -> None:
        source, item = split_where(where)
        conn.execute(ingest_log.insert().values(run_id=run_id, at=datetime.now(timezone.utc), level=level,
                                                source=source, item=item, reason=reason))

    # ------------------------------------------------------------------ figures
    def counts(self) -> dict[str, int]:
        with self.read() as conn:
            out = {t: conn.execute(select(func.count()).select_from(schema.metadata.tables[t])).scalar()
                   for t in schema.TABLES}
            out["unmerged"] = conn.execute(select(func.count()).select_from(event_sources)
                                           .where(event_sources.c.event_id.is_(None))).scalar()
        return out

    def size_bytes(self) -> int | None:
        """The database's size on disk (SQLite: the file and its WAL; PostgreSQL: pg_database_size)."""
        if self.dialect == "sqlite":
            path = Path(self.url.split(":///", 1)[-1])
            return sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists())
        with self.read() as conn:
            return conn.execute(text("SELECT pg_database_size(current_database())")).scalar()


def split_where(where: str) -> tuple[str, str | None]:
    """``FILE:7`` -> (FILE, "line 7"); ``FILE[record 3] URL`` -> (FILE, "record 3 URL")."""
    import re

    m = re.match(r"^(.*?)\[(.+?)\](.*)$", where)
    if m:
        return m.group(1), (m.group(2) + m.group(3)).strip()
    m = re.match(r"^(.*):(\d+)$", where)
    if m:
        return m.group(1), f"line {m.group(2)}"
    return where, None
