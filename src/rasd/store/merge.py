"""The same event reported by several articles -> one event with all its sources.

Two raw events (``event_sources`` rows: one article's reading of an event) are
the same event when all of these hold (issue 4's rule):

1. they come from different articles (one article's events are already
   distinct: the assembler merges within an article);
2. the same ``event_type``;
3. their dates overlap, give or take one day;
4. their places are within 10 km of each other, or are the same place at
   precision 2-3 (the same gazetteer place, or the same governorate, or the
   same country); an event without a place merges with nothing;
5. their sides are compatible: each side is unknown in one of them, or has
   the same ACLED ``inter`` (and, where both name one, the same country); for
   Battles the two sides may come in either order.

Deterministic and order-free: raw events are taken in the order of
``(date_start, date_end, source_key)`` (content, not insertion order) and
each joins the best existing event it is compatible with, *every* source of
that event included (complete link: no chains of "A like B like C" that end
far from A); the best is the nearest in place, then in date, then the
earliest.  An event's id comes from its first source, so it is stable while
that source stays.  Re-running on the same sources gives the same events.

Incremental: a new (or re-extracted) source at date ``t`` cannot change how
earlier sources were grouped, so ``merge`` re-groups only sources dated from
the earliest unmerged one on, against the groups as they stood just before
``t`` — the same result as regrouping everything (``rasd merge --full``).

Figures across sources: fatalities and injuries as low / best / high (the
UCDP convention: the lowest, the median, the highest figure reported), with
ACLED's ``fatalities`` the lowest credible figure; ``reported_by`` and the
outlets are unions.  Date, place and sides come from the most precise source.
"""
from __future__ import annotations

import hashlib
import json
import math
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any, Iterable

MAX_KM = 10.0
DATE_SLACK = timedelta(days=1)
_CELL = 0.1      # degrees: a 10 km radius never spans more than the 3x3 cells around a point


# --------------------------------------------------------------------------- raw events

@dataclass(slots=True)
class Side:
    inter: str
    country: str | None
    canonical: str
    name: str | None = None

    def label(self) -> str:
        return f"{self.inter}{' ' + self.country if self.country else ''} ({self.canonical})"


@dataclass(slots=True)
class Raw:
    """One article's report of an event, as merging sees it."""
    key: str                        # source_key: article_key#index
    article: Any                    # article id (or key): sources of one article never merge
    event_type: str
    sub_event_type: str
    date_start: date
    date_end: date
    time_precision: int = 1
    lat: float | None = None
    lon: float | None = None
    geo_precision: int | None = None
    place: str | None = None        # identity of the place at precision 2-3 (see place_identity)
    location_name: str | None = None
    actor1: Side | None = None
    actor2: Side | None = None
    id: Any = None                  # the row id in the store
    event_id: str | None = None     # current merged event
    data: dict = field(default_factory=dict)   # the rest of the row (counts, evidence, ...)

    @property
    def order(self) -> tuple:
        return (self.date_start, self.date_end, self.key)


def place_identity(kind: str | None, geo_precision: int | None, country: str | None,
                   admin1_code: str | None, geonameid: int | None, name: str | None) -> str | None:
    """What "the same place" means at precision 2-3: the same gazetteer place, governorate or country."""
    if geo_precision is None or geo_precision < 2:
        return None
    if geo_precision >= 3:
        if kind == "country":
            return f"country:{country}" if country else None
        if admin1_code:
            return f"admin1:{admin1_code}"
        return f"name:{country}:{name}" if name else None
    if geonameid:
        return f"geonameid:{geonameid}:{kind or 'settlement'}"
    return f"name:{country}:{admin1_code}:{name}" if name else None


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


# --------------------------------------------------------------------------- the rule

def _sides_ok(a: Side | None, b: Side | None) -> bool:
    if a is None or b is None:
        return True
    if a.inter != b.inter:
        return False
    return a.country is None or b.country is None or a.country == b.country


def sides_compatible(x: Raw, y: Raw) -> bool:
    straight = _sides_ok(x.actor1, y.actor1) and _sides_ok(x.actor2, y.actor2)
    if straight or x.event_type != "Battles":
        return straight
    return _sides_ok(x.actor1, y.actor2) and _sides_ok(x.actor2, y.actor1)


def distance_km(x: Raw, y: Raw) -> float | None:
    if None in (x.lat, x.lon, y.lat, y.lon):
        return None
    return haversine_km(x.lat, x.lon, y.lat, y.lon)


def date_gap_days(x: Raw, y: Raw) -> int:
    """Days between the two date ranges (0 when they overlap)."""
    if x.date_start <= y.date_end and y.date_start <= x.date_end:
        return 0
    return min(abs((x.date_start - y.date_end).days), abs((y.date_start - x.date_end).days))


def check(x: Raw, y: Raw) -> tuple[bool, str]:
    """Whether two sources may be one event, and why (or why not), in words."""
    if x.article == y.article:
        return False, "same article (its events are distinct by construction)"
    if x.event_type != y.event_type:
        return False, f"different types ({x.event_type} / {y.event_type})"
    gap = date_gap_days(x, y)
    if gap > DATE_SLACK.days:
        return False, f"dates {gap} days apart"
    d = distance_km(x, y)
    same_place = x.place is not None and x.place == y.place
    if d is not None and d <= MAX_KM:
        where = f"places {d:.1f} km apart"
    elif same_place:
        where = f"the same place at precision {x.geo_precision}/{y.geo_precision} ({x.place})"
    elif d is None and not same_place:
        return False, "a place is unknown"
    else:
        return False, f"places {d:.0f} km apart"
    if not sides_compatible(x, y):
        return False, f"sides differ ({_sides(x)} / {_sides(y)})"
    when = "dates overlap" if gap == 0 else "dates 1 day apart"
    return True, f"same type; {when}; {where}; sides compatible ({_sides(x)} / {_sides(y)})"


def _sides(x: Raw) -> str:
    return " -> ".join(s.label() if s else "?" for s in (x.actor1, x.actor2))


# --------------------------------------------------------------------------- grouping

def event_id_for(anchor_key: str) -> str:
    return "E" + hashlib.sha1(anchor_key.encode("utf-8")).hexdigest()[:12]


class Cluster:
    __slots__ = ("members", "min_end")

    def __init__(self, members: list[Raw]) -> None:
        self.members = sorted(members, key=lambda r: r.order)
        self.min_end = min(m.date_end for m in self.members)

    @property
    def anchor(self) -> Raw:
        return self.members[0]

    @property
    def event_id(self) -> str:
        return event_id_for(self.anchor.key)

    def add(self, r: Raw) -> None:
        self.members.append(r)
        if r.date_end < self.min_end:
            self.min_end = r.date_end


def _cells(r: Raw) -> list[tuple[int, int]]:
    if r.lat is None or r.lon is None:
        return []
    return [(math.floor(r.lat / _CELL), math.floor(r.lon / _CELL))]


def _neighbour_cells(r: Raw) -> list[tuple[int, int]]:
    if r.lat is None or r.lon is None:
        return []
    i, j = math.floor(r.lat / _CELL), math.floor(r.lon / _CELL)
    # a degree of longitude shrinks with latitude: widen the search accordingly
    dj = max(1, math.ceil(1 / max(0.05, math.cos(math.radians(r.lat)))))
    return [(i + a, j + b) for a in (-1, 0, 1) for b in range(-dj, dj + 1)]


def group(raws: Iterable[Raw], prior: Iterable[Cluster] = ()) -> list[Cluster]:
    """Group ``raws`` (any order) into clusters, starting from ``prior`` clusters (of earlier sources)."""
    clusters: list[Cluster] = list(prior)
    by_cell: dict[tuple, list[Cluster]] = defaultdict(list)
    by_place: dict[tuple, list[Cluster]] = defaultdict(list)

    def index(c: Cluster) -> None:
        a = c.anchor          # complete link: a candidate must be compatible with the anchor too
        for cell in _cells(a):
            by_cell[(a.event_type, cell)].append(c)
        if a.place:
            by_place[(a.event_type, a.place)].append(c)

    for c in clusters:
        index(c)
    for r in sorted(raws, key=lambda r: r.order):
        horizon = r.date_start - DATE_SLACK
        seen: set[int] = set()
        best = None
        best_score = None
        buckets = [by_cell.get((r.event_type, cell)) for cell in _neighbour_cells(r)]
        if r.place:
            buckets.append(by_place.get((r.event_type, r.place)))
        for bucket in buckets:
            if not bucket:
                continue
            bucket[:] = [c for c in bucket if c.min_end >= horizon]   # closed events drop out
            for c in bucket:
                if id(c) in seen:
                    continue
                seen.add(id(c))
                score = _fit(r, c)
                if score is not None and (best_score is None or score < best_score):
                    best, best_score = c, score
        if best is None:
            c = Cluster([r])
            clusters.append(c)
            index(c)
        else:
            best.add(r)
    return clusters


def _fit(r: Raw, c: Cluster) -> tuple | None:
    """How well ``r`` fits ``c`` (smaller is better), None if it is incompatible with any member."""
    far = 0.0
    gap = 0
    for m in c.members:
        ok, _ = check(r, m)
        if not ok:
            return None
        d = distance_km(r, m)
        far = max(far, d if d is not None else 0.0)
        gap = max(gap, date_gap_days(r, m))
    return (round(far, 3), gap, c.anchor.order)


# --------------------------------------------------------------------------- the merged event

def _low_best_high(values: list[int]) -> tuple[int | None, int | None, int | None]:
    if not values:
        return None, None, None
    return min(values), statistics.median_low(values), max(values)


def representative_order(m: Raw) -> tuple:
    """Most precise first: day-precise date, then the most precise place, then most sides known."""
    known = (m.actor1 is not None) + (m.actor2 is not None)
    return (m.time_precision or 9, m.geo_precision or 9, -known, m.order)


def summarize(c: Cluster) -> dict:
    """The merged event's fields (columns of ``events``, without ids of places/actors)."""
    ms = c.members
    ranked = sorted(ms, key=representative_order)
    rep = ranked[0]
    start = max(m.date_start for m in ms)
    end = min(m.date_end for m in ms)
    if start <= end:
        precise = [m.time_precision for m in ms if (m.date_start, m.date_end) == (start, end)]
        tp = min(precise) if precise else rep.time_precision
    else:
        start, end, tp = rep.date_start, rep.date_end, rep.time_precision
    subs = Counter(m.sub_event_type for m in ms)
    top = max(subs.values())
    sub = rep.sub_event_type if subs[rep.sub_event_type] == top else \
        min(s for s, n in subs.items() if n == top)
    where = min(ms, key=lambda m: (m.geo_precision or 9, m.lat is None, representative_order(m)))
    sides = min(ms, key=lambda m: (-((m.actor1 is not None) + (m.actor2 is not None)), representative_order(m)))

    def nums(k):
        return [m.data.get(k) for m in ms if m.data.get(k) is not None]

    f_low, f_best, f_high = _low_best_high(nums("fatalities"))
    i_low, i_best, i_high = _low_best_high(nums("injuries"))
    reported: list[str] = []
    outlets: list[str] = []
    for m in ms:
        for r in m.data.get("reported_by") or ():
            if r not in reported:
                reported.append(r)
        o = m.data.get("outlet")
        if o and o not in outlets:
            outlets.append(o)
    ftext = next((m.data.get("fatalities_text") for m in ranked if m.data.get("fatalities_text")), None)
    out = {
        "event_id": c.event_id, "anchor_key": c.anchor.key,
        "event_type": rep.event_type, "sub_event_type": sub,
        "date_start": start, "date_end": end, "time_precision": tp,
        "actor1_id": sides.data.get("actor1_id"), "actor1_name": sides.data.get("actor1_name"),
        "actor2_id": sides.data.get("actor2_id"), "actor2_name": sides.data.get("actor2_name"),
        "place_id": where.data.get("place_id"), "location_name": where.location_name,
        "geo_precision": where.geo_precision, "country": where.data.get("country"),
        "admin1": where.data.get("admin1"), "lat": where.lat, "lon": where.lon,
        "civilian_targeting": any(bool(m.data.get("civilian_targeting")) for m in ms),
        "fatalities": f_low, "fatalities_low": f_low, "fatalities_best": f_best, "fatalities_high": f_high,
        "fatalities_text": ftext if f_low is None else None,
        "injuries": i_low, "injuries_low": i_low, "injuries_best": i_best, "injuries_high": i_high,
        "reported_by": json.dumps(reported, ensure_ascii=False),
        "outlets": json.dumps(outlets, ensure_ascii=False),
        "n_sources": len(ms), "n_articles": len({m.article for m in ms}),
        "evidence": rep.data.get("evidence"),
    }
    for k in ("children_killed", "women_killed", "children_injured", "women_injured"):
        out[k] = min(nums(k)) if nums(k) else None
    return out


def explain(members: list[Raw]) -> list[str]:
    """Why each source after the first belongs with the others, in words."""
    ms = sorted(members, key=lambda r: r.order)
    lines = []
    for i, m in enumerate(ms):
        if i == 0:
            lines.append(f"{m.key}: first report (gives the event its id)")
            continue
        ok, why = check(m, ms[0])
        verdict = why if ok else f"NOT compatible with the first report: {why}"
        rest = [check(m, o)[0] for o in ms[:i] if o is not ms[0]]
        also = f"; compatible with all {i} earlier reports" if ok and all(rest) else ""
        lines.append(f"{m.key}: {verdict}{also}")
    return lines


# --------------------------------------------------------------------------- in the store

@dataclass
class MergeStats:
    sources: int = 0          # raw events in the store
    events: int = 0           # merged events in the store
    regrouped: int = 0        # sources (re)grouped by this run
    written: int = 0          # events written (new or changed)
    removed: int = 0          # events that no longer exist
    since: date | None = None  # regrouped from this date on (None: everything)

    def as_dict(self) -> dict:
        d = dict(self.__dict__)
        d["since"] = self.since.isoformat() if self.since else None
        return d


def raw_from_row(row) -> Raw:
    m = row._mapping if hasattr(row, "_mapping") else row
    a1 = Side(m["a1_inter"], m["a1_country"], m["a1_canonical"], m["actor1_name"]) if m["a1_inter"] else None
    a2 = Side(m["a2_inter"], m["a2_country"], m["a2_canonical"], m["actor2_name"]) if m["a2_inter"] else None
    data = {k: m[k] for k in ("fatalities", "injuries", "fatalities_text", "children_killed", "women_killed",
                              "children_injured", "women_injured", "civilian_targeting", "evidence",
                              "actor1_id", "actor1_name", "actor2_id", "actor2_name", "place_id",
                              "country", "admin1", "outlet")}
    data["reported_by"] = json.loads(m["reported_by"]) if m["reported_by"] else []
    return Raw(key=m["source_key"], article=m["article_id"], event_type=m["event_type"],
               sub_event_type=m["sub_event_type"], date_start=_as_date(m["date_start"]),
               date_end=_as_date(m["date_end"]), time_precision=m["time_precision"],
               lat=m["lat"], lon=m["lon"], geo_precision=m["geo_precision"],
               place=place_identity(m["p_kind"], m["geo_precision"], m["country"], m["p_admin1_code"],
                                    m["p_geonameid"], m["location_name"]),
               location_name=m["location_name"], actor1=a1, actor2=a2, id=m["id"],
               event_id=m["event_id"], data=data)


def _as_date(v) -> date:
    return v if isinstance(v, date) else date.fromisoformat(str(v)[:10])


def source_query():
    """event_sources with what merging needs from places, actors and articles."""
    from sqlalchemy import select

    from .schema import actors, articles, event_sources as es, places

    a1 = actors.alias("a1")
    a2 = actors.alias("a2")
    return (select(es, a1.c.inter.label("a1_inter"), a1.c.country.label("a1_country"),
                   a1.c.canonical.label("a1_canonical"), a2.c.inter.label("a2_inter"),
                   a2.c.country.label("a2_country"), a2.c.canonical.label("a2_canonical"),
                   places.c.kind.label("p_kind"), places.c.admin1_code.label("p_admin1_code"),
                   places.c.geonameid.label("p_geonameid"), articles.c.outlet.label("outlet"))
            .select_from(es.outerjoin(a1, es.c.actor1_id == a1.c.id)
                         .outerjoin(a2, es.c.actor2_id == a2.c.id)
                         .outerjoin(places, es.c.place_id == places.c.id)
                         .join(articles, es.c.article_id == articles.c.id)))


def merge_store(store, full: bool = False) -> MergeStats:
    """Group the store's unmerged sources (all of them with ``full``) into events, in one transaction."""
    from sqlalchemy import func, select, update

    from .schema import event_sources as es, events

    stats = MergeStats()
    with store.write(lock="merge") as conn:
        since = None
        if not full:
            since = conn.execute(select(func.min(es.c.date_start)).where(es.c.event_id.is_(None))).scalar()
            if since is None:
                stats.sources = conn.execute(select(func.count()).select_from(es)).scalar()
                stats.events = conn.execute(select(func.count()).select_from(events)).scalar()
                return stats
            since = _as_date(since)
        q = source_query()
        if since is None:
            todo = [raw_from_row(r) for r in conn.execute(q)]
            prior_rows = []
        else:
            todo = [raw_from_row(r) for r in conn.execute(q.where(es.c.date_start >= since))]
            open_ids = set(conn.execute(select(es.c.event_id).distinct().where(
                es.c.date_start < since, es.c.date_end >= since - DATE_SLACK,
                es.c.event_id.is_not(None))).scalars())
            wanted = open_ids | {r.event_id for r in todo if r.event_id}
            prior_rows = []
            wanted_list = sorted(wanted)
            for i in range(0, len(wanted_list), 500):
                chunk = wanted_list[i:i + 500]
                prior_rows += [raw_from_row(r) for r in conn.execute(
                    q.where(es.c.date_start < since, es.c.event_id.in_(chunk)))]
        old_ids = {r.event_id for r in todo if r.event_id} | {r.event_id for r in prior_rows}
        if since is None:
            old_ids |= set(conn.execute(select(events.c.event_id)).scalars())
        by_event: dict[str, list[Raw]] = defaultdict(list)
        for r in prior_rows:
            by_event[r.event_id].append(r)
        prior = [Cluster(ms) for _, ms in sorted(by_event.items())]
        clusters = group(todo, prior)
        now = datetime.now(timezone.utc)
        rows = []
        assign = []
        new_ids = set()
        for c in clusters:
            row = summarize(c)
            row["merged_at"] = now
            rows.append(row)
            new_ids.add(row["event_id"])
            for m in c.members:
                if m.event_id != row["event_id"]:
                    assign.append({"sid": m.id, "eid": row["event_id"]})
        from . import search
        from .corrections import overlay

        overlay(conn, rows, {c.event_id: [m.key for m in c.members] for c in clusters})   # coders' decisions
        for row in rows:
            row["feature"] = search.feature(row)       # the web page's map point
            row["rid"] = search.rowid(row["event_id"])  # its full-text rowid
        store.upsert_events(conn, rows)
        if assign:
            from sqlalchemy import bindparam

            conn.execute(update(es).where(es.c.id == bindparam("sid")).values(event_id=bindparam("eid")),
                         assign)
        gone = sorted(old_ids - new_ids)
        for i in range(0, len(gone), 500):
            conn.execute(events.delete().where(events.c.event_id.in_(gone[i:i + 500])))
        search.remove(conn, gone)
        search.index_events(conn, new_ids)
        stats.regrouped = len(todo)
        stats.written = len(rows)
        stats.removed = len(gone)
        stats.since = since
        stats.sources = conn.execute(select(func.count()).select_from(es)).scalar()
        stats.events = conn.execute(select(func.count()).select_from(events)).scalar()
    return stats


def event_detail(store, event_id: str) -> dict | None:
    """A merged event, its sources (each with its article and evidence) and why they were merged.

    ``event_id`` is the store's id (``E3f2a...``) or the ACLED-style ``event_id_cnty`` (``SYR-E3f2a...``).
    """
    from sqlalchemy import select

    from .schema import articles, event_sources as es, events

    eid = event_id.strip().rsplit("-", 1)[-1]
    with store.read() as conn:
        ev = conn.execute(select(events).where(events.c.event_id == eid)).first()
        if ev is None:
            return None
        raws = [raw_from_row(r) for r in conn.execute(source_query().where(es.c.event_id == eid))]
        raws.sort(key=lambda r: r.order)
        arts = {a.id: a for a in conn.execute(
            select(articles.c.id, articles.c.url, articles.c.outlet, articles.c.title, articles.c.published,
                   articles.c.doc_id, articles.c.source).where(
                articles.c.id.in_(sorted({r.article for r in raws}))))}
        extra = {r.id: r for r in conn.execute(
            select(es.c.id, es.c.evidence_start, es.c.evidence_end, es.c.geo_precision)
            .where(es.c.event_id == eid))}
    why = explain(raws)
    sources = []
    for r, reason in zip(raws, why):
        a = arts[r.article]
        sources.append({
            "source_key": r.key, "article": {"url": a.url, "outlet": a.outlet, "title": a.title,
                                             "published": a.published, "doc_id": a.doc_id, "read_from": a.source},
            "event_type": r.event_type, "sub_event_type": r.sub_event_type,
            "date_start": r.date_start.isoformat(), "date_end": r.date_end.isoformat(),
            "location": r.location_name, "geo_precision": r.geo_precision, "lat": r.lat, "lon": r.lon,
            "actor1": r.actor1.label() if r.actor1 else None, "actor2": r.actor2.label() if r.actor2 else None,
            "fatalities": r.data.get("fatalities"), "injuries": r.data.get("injuries"),
            "reported_by": r.data.get("reported_by") or [], "evidence": r.data.get("evidence"),
            "evidence_span": [extra[r.id].evidence_start, extra[r.id].evidence_end],
            "why": reason.split(": ", 1)[1] if ": " in reason else reason,
        })
    e = dict(ev._mapping)
    for k in ("date_start", "date_end", "merged_at"):
        if e.get(k) is not None and hasattr(e[k], "isoformat"):
            e[k] = e[k].isoformat()
    for k in ("reported_by", "outlets"):
        e[k] = json.loads(e[k]) if e.get(k) else []
    e.pop("geog", None)
    return {"event": e, "sources": sources,
            "rule": "same type; dates within 1 day; places within 10 km or the same place at precision 2-3; "
                    "compatible sides; different articles; every source compatible with every other"}
