"""The web API's reads over the store: filters, event lists, map points, stats, facets, detail, articles.

Every filter value reaches the database as a bound parameter; full-text and
actor filters go through ``rasd.store.search`` (folded, plain words), so no
filter value can change a query's shape.
"""
from __future__ import annotations

import json
import re
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Numeric, String, and_, case, cast, func, literal, or_, select, type_coerce
from sqlalchemy.engine import Connection

from ..store import search
from ..store.schema import articles, event_sources, events

SORTS = {"date_start": events.c.date_start, "fatalities": events.c.fatalities, "event_type": events.c.event_type,
         "country": events.c.country, "admin1": events.c.admin1}


@dataclass
class EventFilters:
    country: list[str] = field(default_factory=list)
    admin1: list[str] = field(default_factory=list)
    event_type: list[str] = field(default_factory=list)
    sub_event_type: list[str] = field(default_factory=list)
    outlet: list[str] = field(default_factory=list)
    actor: str | None = None
    q: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    bbox: tuple[float, float, float, float] | None = None
    include_rejected: bool = False


class Matches:
    """The events a full-text or actor filter finds, found once per data version.

    The page asks three questions per filter change (table, map, stats) and each asks the database
    two or three: without this, the same search would run five times.  An entry is valid while
    the database file and its write-ahead log are unchanged (SQLite; any commit, by any process,
    changes them) or the write-ahead log's position has not moved (PostgreSQL); a lock per key makes
    concurrent requests wait for the first instead of repeating it."""

    def __init__(self, path: str | None, size: int = 64, postgresql: bool = False) -> None:
        import threading
        from collections import OrderedDict

        self.path = path
        self.postgresql = postgresql
        self.size = size
        self._d: OrderedDict = OrderedDict()
        self._lock = threading.Lock()
        self._keys: dict = {}

    def version(self, conn: Connection):
        import os

        if self.postgresql:     # the write-ahead log's position: any commit moves it
            from sqlalchemy import text

            return conn.execute(text("SELECT pg_current_wal_lsn()::text")).scalar()
        if not self.path:
            return None
        out = []
        for p in (self.path, self.path + "-wal"):
            try:
                st = os.stat(p)
                out.append((st.st_mtime_ns, st.st_size))
            except OSError:
                out.append(None)
        return tuple(out)

    def clear(self) -> None:
        with self._lock:
            self._d.clear()

    def __call__(self, conn: Connection, key, compute):
        v = self.version(conn)
        if v is None:
            return compute()
        with self._lock:
            lock = self._keys.setdefault(key, __import__("threading").Lock())
        with lock:
            with self._lock:
                hit = self._d.get(key)
                if hit is not None and hit[0] == v:
                    self._d.move_to_end(key)
                    return hit[1]
            value = compute()
            with self._lock:
                self._d[key] = (v, value)
                while len(self._d) > self.size:
                    self._d.popitem(last=False)
                if len(self._keys) > 4 * self.size:
                    self._keys = {k: self._keys[k] for k in self._d if k in self._keys}
            return value


def where(conn: Connection, f: EventFilters, memo: Matches | None = None):
    conds = []
    if not f.include_rejected:
        conds.append(events.c.status != "rejected")
    if f.country:
        conds.append(events.c.country.in_([c.upper() for c in f.country]))
    if f.admin1:
        conds.append(events.c.admin1.in_(f.admin1))
    if f.event_type:
        conds.append(events.c.event_type.in_(f.event_type))
    if f.sub_event_type:
        conds.append(events.c.sub_event_type.in_(f.sub_event_type))
    if f.outlet:
        conds.append(or_(*[events.c.outlets.like(
            "%" + search.like_escape(json.dumps(o, ensure_ascii=False)) + "%", escape="\\") for o in f.outlet]))
    if f.date_from:
        conds.append(events.c.date_end >= f.date_from)
    if f.date_to:
        conds.append(events.c.date_start <= f.date_to)
    if f.bbox:
        minlon, minlat, maxlon, maxlat = f.bbox
        conds += [events.c.lon >= minlon, events.c.lon <= maxlon, events.c.lat >= minlat, events.c.lat <= maxlat]
    if f.actor:
        c = search.actor_clause(conn, f.actor, memo)
        if c is not None:
            conds.append(c)
    if f.q is not None and f.q.strip():
        conds.append(search.match_clause(conn, f.q, memo))
    return and_(True, *conds)


def _page(stmt):
    """SQLite: read ``ix_events_page``, the index that covers the page's columns in date order.  Left
    to itself the planner takes a one-column index (country, type) and then reads and sorts thousands
    of wide rows to show fifty."""
    return stmt.with_hint(events, "INDEXED BY ix_events_page", dialect_name="sqlite")


def _sqlite_indexed_by() -> None:
    """Teach SQLAlchemy's SQLite compiler to write an ``INDEXED BY`` table hint (it writes none)."""
    from sqlalchemy.dialects.sqlite.base import SQLiteCompiler

    if getattr(SQLiteCompiler, "_rasd_indexed_by", False):
        return
    base = SQLiteCompiler.get_from_hint_text

    def get_from_hint_text(self, table, text):
        if text and text.startswith("INDEXED BY "):
            return text
        return base(self, table, text)

    SQLiteCompiler.get_from_hint_text = get_from_hint_text
    SQLiteCompiler._rasd_indexed_by = True


_sqlite_indexed_by()


def _iso(v) -> str | None:
    if v is None:
        return None
    return v.isoformat() if isinstance(v, date) else str(v)[:10]


def _list(s) -> list:
    return json.loads(s) if s else []


_LIST_COLS = [events.c.event_id, events.c.event_type, events.c.sub_event_type,
              type_coerce(events.c.date_start, String).label("date_start"),
              type_coerce(events.c.date_end, String).label("date_end"), events.c.time_precision,
              events.c.actor1_name, events.c.actor2_name, events.c.location_name, events.c.admin1,
              events.c.country, events.c.lat, events.c.lon, events.c.geo_precision, events.c.fatalities,
              events.c.injuries, events.c.n_sources, events.c.outlets, events.c.status,
              (events.c.original.is_not(None)).label("corrected")]


def _summary(r) -> dict:
    return {"event_id": r.event_id, "event_type": r.event_type, "sub_event_type": r.sub_event_type,
            "date_start": _iso(r.date_start), "date_end": _iso(r.date_end), "time_precision": r.time_precision,
            "actor1": r.actor1_name, "actor2": r.actor2_name, "location_name": r.location_name,
            "admin1": r.admin1, "country": r.country, "lat": r.lat, "lon": r.lon,
            "geo_precision": r.geo_precision, "fatalities": r.fatalities, "injuries": r.injuries,
            "n_sources": r.n_sources, "outlets": _list(r.outlets), "status": r.status,
            "corrected": bool(r.corrected)}


def count(conn: Connection, f: EventFilters, memo: Matches | None = None) -> int:
    return conn.execute(_page(select(func.count()).select_from(events).where(where(conn, f, memo)))).scalar()


def list_events(conn: Connection, f: EventFilters, sort: str = "date_start", order: str = "desc",
                limit: int = 50, offset: int = 0, memo: Matches | None = None) -> dict:
    w = where(conn, f, memo)
    total = conn.execute(_page(select(func.count()).select_from(events).where(w))).scalar()
    col = SORTS[sort]
    key = col.desc().nulls_last() if order == "desc" else col.asc().nulls_last()
    tie = events.c.event_id.desc() if order == "desc" else events.c.event_id.asc()
    rows = conn.execute(_page(select(*_LIST_COLS).where(w).order_by(key, tie).limit(limit).offset(offset)))
    return {"total": total, "limit": limit, "offset": offset, "events": [_summary(r) for r in rows]}


def geojson(conn: Connection, f: EventFilters, limit: int = 100_000, offset: int = 0,
            memo: Matches | None = None) -> str:
    """The map's points as a GeoJSON FeatureCollection, a string the database concatenates from
    ``events.feature`` (written with each event: 50,000 points formatted per request would cost more
    than finding them; built here in SQL for a row that lacks it).  Events without coordinates count
    in ``total`` but give no feature; coordinates are rounded to 5 decimals (about 1 m)."""
    pg = conn.dialect.name == "postgresql"
    w = where(conn, f, memo)
    quote = (lambda c: cast(func.to_json(c), String)) if pg else func.json_quote
    eid = events.c.event_id
    built = case(
        (and_(events.c.lat.is_not(None), events.c.lon.is_not(None)),
         literal('{"type":"Feature","id":"') + eid + literal('","geometry":{"type":"Point","coordinates":[')
         + cast(func.round(_num(events.c.lon, pg), 5), String) + literal(",")
         + cast(func.round(_num(events.c.lat, pg), 5), String)
         + literal(']},"properties":{"event_id":"') + eid + literal('","event_type":') + quote(events.c.event_type)
         + literal(',"fatalities":') + func.coalesce(cast(events.c.fatalities, String), literal("null"))
         + literal(',"date_start":"') + cast(events.c.date_start, String) + literal('"}}')),
        else_=None)
    feature = func.coalesce(events.c.feature, built).label("f")
    inner = _page(select(feature).where(w).order_by(events.c.date_start.desc())   # the index's order: no sort
                  .limit(limit).offset(offset)).subquery()
    agg = func.string_agg(inner.c.f, literal(",")) if pg else func.group_concat(inner.c.f, literal(","))
    n, body = conn.execute(select(func.count(), agg).select_from(inner)).one()
    total = n if n < limit and not offset else \
        conn.execute(_page(select(func.count()).select_from(events).where(w))).scalar()
    return ('{"type":"FeatureCollection","total":' + str(total) + ',"limit":' + str(limit) +
            ',"offset":' + str(offset) + ',"features":[' + (body or "") + "]}")


def _num(col, pg: bool):
    """PostgreSQL rounds to n places only a numeric."""
    return cast(col, Numeric) if pg else col


def stats(conn: Connection, f: EventFilters, memo: Matches | None = None) -> dict:
    """Counts by day (with fatalities), type and country of the matching events: two passes over the
    page's index, the first in its order (day, type: no sort), the second by country."""
    w = where(conn, f, memo)
    ds = type_coerce(events.c.date_start, String)
    by_day: dict[str, list] = {}
    by_type: dict[str, int] = {}
    for d, t, n, k in conn.execute(_page(select(ds, events.c.event_type, func.count(), func.sum(events.c.fatalities))
                                         .where(w).group_by(ds, events.c.event_type))):
        day = _iso(d)
        x = by_day.get(day)
        if x is None:
            x = by_day[day] = [day, 0, 0]
        x[1] += n
        x[2] += int(k or 0)
        by_type[t] = by_type.get(t, 0) + n
    by_country = {c or "": n for c, n in conn.execute(_page(
        select(events.c.country, func.count()).where(w).group_by(events.c.country).order_by(func.count().desc())))}
    return {"total": sum(by_type.values()), "by_day": [by_day[d] for d in sorted(by_day)],
            "by_type": dict(sorted(by_type.items(), key=lambda x: -x[1])), "by_country": by_country}


def facets(conn: Connection) -> dict:
    from ..store.corrections import FIELDS, taxonomy

    active = events.c.status != "rejected"
    n = func.count()
    countries = [[c, k] for c, k in conn.execute(
        select(events.c.country, n).where(active, events.c.country.is_not(None))
        .group_by(events.c.country).order_by(n.desc()))]
    admin1 = [[c, a, k] for c, a, k in conn.execute(
        select(events.c.country, events.c.admin1, n).where(active, events.c.admin1.is_not(None))
        .group_by(events.c.country, events.c.admin1).order_by(events.c.country, n.desc()))]
    types = [[t, k] for t, k in conn.execute(
        select(events.c.event_type, n).where(active).group_by(events.c.event_type).order_by(n.desc()))]
    subs = [[t, s, k] for t, s, k in conn.execute(
        select(events.c.event_type, events.c.sub_event_type, n).where(active)
        .group_by(events.c.event_type, events.c.sub_event_type).order_by(n.desc()))]
    outlets = [[o, k] for o, k in conn.execute(
        select(articles.c.outlet, func.count(func.distinct(event_sources.c.event_id)))
        .select_from(event_sources.join(articles, event_sources.c.article_id == articles.c.id))
        .where(articles.c.outlet.is_not(None), event_sources.c.event_id.is_not(None))
        .group_by(articles.c.outlet).order_by(func.count(func.distinct(event_sources.c.event_id)).desc()))]
    return {"countries": countries, "admin1": admin1, "event_types": types, "sub_event_types": subs,
            "outlets": outlets, "fields": list(FIELDS), "taxonomy": taxonomy()}


# --------------------------------------------------------------------------- one event, one article

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def utf16_offsets(text: str, evidence: tuple | list | None, spans: dict) -> dict | None:
    """The offsets in UTF-16 code units (JavaScript string indices), or None where they are the same."""
    astral = [m.start() for m in _ASTRAL.finditer(text or "")]
    if not astral:
        return None

    def conv(i):
        return None if i is None else i + bisect_left(astral, i)

    def pair(p):
        return [conv(p[0]), conv(p[1])] if p and len(p) == 2 else p
    return {"evidence": pair(evidence), "spans": {k: pair(v) for k, v in spans.items()}}


def event_detail(store, event_id: str) -> dict | None:
    from ..store.corrections import history, original_fields
    from ..store.merge import event_detail as merged_detail

    d = merged_detail(store, event_id)
    if d is None:
        return None
    e = d["event"]
    eid = e["event_id"]
    with store.read() as conn:
        extra = {r.source_key: r for r in conn.execute(
            select(event_sources.c.source_key, event_sources.c.article_id, event_sources.c.idx,
                   event_sources.c.spans, event_sources.c.actor1_name, event_sources.c.actor2_name,
                   event_sources.c.fatalities_text, event_sources.c.injuries_text,
                   event_sources.c.civilian_targeting, articles.c.text)
            .select_from(event_sources.join(articles, event_sources.c.article_id == articles.c.id))
            .where(event_sources.c.event_id == eid))}
        corrections = history(conn, eid)
    out = {k: v for k, v in e.items()
           if k not in ("original", "actor1_id", "actor2_id", "place_id", "merged_at", "feature", "rid")}
    out.update(actor1=e.get("actor1_name"), actor2=e.get("actor2_name"), corrected=e.get("original") is not None,
               merged_at=e.get("merged_at"), original=original_fields(e.get("original")),
               corrections=corrections, merge_rule=d["rule"])
    sources = []
    for s in d["sources"]:
        x = extra[s["source_key"]]
        spans = json.loads(x.spans) if x.spans else {}
        a = s["article"]
        sources.append({
            "source_key": s["source_key"], "article_id": x.article_id, "idx": x.idx,
            "outlet": a["outlet"], "url": a["url"], "title": a["title"], "published": a["published"],
            "doc_id": a["doc_id"], "evidence": s["evidence"],
            "evidence_start": s["evidence_span"][0], "evidence_end": s["evidence_span"][1], "spans": spans,
            "utf16": utf16_offsets(x.text, s["evidence_span"], spans),
            "event_type": s["event_type"], "sub_event_type": s["sub_event_type"],
            "date_start": s["date_start"], "date_end": s["date_end"], "location_name": s["location"],
            "geo_precision": s["geo_precision"], "lat": s["lat"], "lon": s["lon"],
            "actor1": x.actor1_name, "actor2": x.actor2_name, "actor1_coded": s["actor1"],
            "actor2_coded": s["actor2"], "fatalities": s["fatalities"], "fatalities_text": x.fatalities_text,
            "injuries": s["injuries"], "injuries_text": x.injuries_text,
            "civilian_targeting": bool(x.civilian_targeting), "reported_by": s["reported_by"], "why": s["why"]})
    out["sources"] = sources
    return out


def article(conn: Connection, article_id: int) -> dict | None:
    a = conn.execute(select(articles.c.id, articles.c.title, articles.c.outlet, articles.c.url,
                            articles.c.published, articles.c.doc_id, articles.c.text)
                     .where(articles.c.id == article_id)).first()
    if a is None:
        return None
    evs = []
    for s in conn.execute(select(event_sources.c.event_id, event_sources.c.idx, event_sources.c.source_key,
                                 event_sources.c.event_type, event_sources.c.sub_event_type,
                                 event_sources.c.evidence_start, event_sources.c.evidence_end,
                                 event_sources.c.spans)
                          .where(event_sources.c.article_id == article_id).order_by(event_sources.c.idx)):
        spans = json.loads(s.spans) if s.spans else {}
        ev = [s.evidence_start, s.evidence_end]
        evs.append({"event_id": s.event_id, "idx": s.idx, "source_key": s.source_key,
                    "event_type": s.event_type, "sub_event_type": s.sub_event_type,
                    "evidence_start": s.evidence_start, "evidence_end": s.evidence_end, "spans": spans,
                    "utf16": utf16_offsets(a.text, ev, spans)})
    return {"article_id": a.id, "title": a.title, "outlet": a.outlet, "url": a.url, "published": a.published,
            "doc_id": a.doc_id, "text": a.text, "events": evs}
