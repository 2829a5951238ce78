"""A coder's corrections and rejections, kept apart from the pipeline's output and re-applied over it.

Every decision is a row of ``corrections`` (field, old and new value, coder,
note, when), appended, never edited.  It is keyed on the event's *anchor
source* (``anchor_key``: the first article report of the event, from which its
id comes) and follows that source: whenever ``merge_store`` writes an event
(re-merge, re-extraction of an article, a new report joining it), the
decisions of every source in it are applied again, in the order they were
made, before the row is written.  So the pipeline's output never overwrites a
human decision, even where a new earlier report changes the event's anchor and
id.  A decision also records its anchor's article and evidence sentence: when
the article is re-extracted and its events renumbered (``ARTICLE#1`` is now
another event), the decision follows the sentence to its new source; where
the sentence is gone, the decision stays on record and applies to nothing.

The events table holds the values in force: the coded fields as corrected,
``status`` (``active`` | ``rejected``) and ``original`` (JSON: the pipeline's
values of the corrected columns), so filters, the page and the exports all see
corrected values without a join.  Rejected events are hidden by default and
left out of exports.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import date, datetime, timezone
from functools import lru_cache
from typing import Any, Callable, Iterable

from sqlalchemy import select
from sqlalchemy.engine import Connection

from .schema import corrections, event_sources, events


class CorrectionError(ValueError):
    """A correction that cannot be made (unknown field, bad value): the message says why."""


@lru_cache(maxsize=1)
def taxonomy() -> dict[str, list[str]]:
    """ACLED event type -> its sub-event types (``knowledge/acled_taxonomy.yaml``)."""
    from ..resources import load

    return {k: list(v) for k, v in load("acled_taxonomy.yaml").items()}


def parent_type(sub: str) -> str | None:
    return next((t for t, subs in taxonomy().items() if sub in subs), None)


# --------------------------------------------------------------------------- fields and their values

def _text(name: str, nullable: bool = True, max_len: int = 300) -> Callable[[Any], Any]:
    def check(v):
        if v is None or (isinstance(v, str) and not v.strip()):
            if nullable:
                return None
            raise CorrectionError(f"{name} cannot be empty")
        if not isinstance(v, str):
            raise CorrectionError(f"{name} must be a string")
        v = v.strip()
        if len(v) > max_len:
            raise CorrectionError(f"{name} is longer than {max_len} characters")
        return v
    return check


def _int(name: str, lo: int = 0, hi: int = 10_000_000, nullable: bool = True) -> Callable[[Any], Any]:
    def check(v):
        if v is None:
            if nullable:
                return None
            raise CorrectionError(f"{name} cannot be null")
        if isinstance(v, bool) or not isinstance(v, (int, float, str)):
            raise CorrectionError(f"{name} must be a whole number")
        try:
            f = float(v)
        except ValueError:
            raise CorrectionError(f"{name} must be a whole number, got {v!r}") from None
        if not math.isfinite(f) or f != int(f):
            raise CorrectionError(f"{name} must be a whole number, got {v!r}")
        if not lo <= int(f) <= hi:
            raise CorrectionError(f"{name} must be between {lo} and {hi}, got {int(f)}")
        return int(f)
    return check


def _float(name: str, lo: float, hi: float) -> Callable[[Any], Any]:
    def check(v):
        if v is None:
            return None
        if isinstance(v, bool):
            raise CorrectionError(f"{name} must be a number")
        try:
            f = float(v)
        except (TypeError, ValueError):
            raise CorrectionError(f"{name} must be a number, got {v!r}") from None
        if not math.isfinite(f) or not lo <= f <= hi:
            raise CorrectionError(f"{name} must be between {lo} and {hi}, got {v!r}")
        return f
    return check


def _date(name: str) -> Callable[[Any], Any]:
    def check(v):
        if not isinstance(v, str):
            raise CorrectionError(f"{name} must be a date YYYY-MM-DD")
        try:
            d = date.fromisoformat(v.strip())
        except ValueError:
            raise CorrectionError(f"{name} must be a date YYYY-MM-DD, got {v!r}") from None
        if not 1900 <= d.year <= 2100:
            raise CorrectionError(f"{name} {v!r} is out of range")
        return d.isoformat()
    return check


def _bool(name: str) -> Callable[[Any], Any]:
    def check(v):
        if isinstance(v, bool):
            return v
        if v in (0, 1, "true", "false"):
            return v in (1, "true")
        raise CorrectionError(f"{name} must be true or false")
    return check


def _country(v):
    if v is None:
        return None
    if not isinstance(v, str):
        raise CorrectionError("country must be an ISO 3166-1 alpha-2 code (SY)")
    from ..export.rows import country_info

    code = v.strip().upper()
    if len(code) != 2 or not country_info(code):
        raise CorrectionError(f"country must be an ISO 3166-1 alpha-2 code (SY), got {v!r}")
    return code


def _event_type(v):
    if v not in taxonomy():
        raise CorrectionError(f"event_type must be one of {', '.join(taxonomy())}; got {v!r}")
    return v


def _sub_event_type(v):
    if not isinstance(v, str) or parent_type(v) is None:
        raise CorrectionError(f"sub_event_type must be an ACLED sub-event type "
                              f"(see /api/facets 'taxonomy'); got {v!r}")
    return v


def _set(col: str) -> Callable[[Any], dict]:
    def cols(v):
        if col in ("date_start", "date_end") and v is not None:
            v = date.fromisoformat(v)
        return {col: v}
    return cols


def _actor(n: int) -> Callable[[Any], dict]:
    # a coder's side is a name: it no longer points at the recognised actor (canonical name, inter)
    return lambda v: {f"actor{n}_name": v, f"actor{n}_id": None}


def _count(col: str) -> Callable[[Any], dict]:
    # a coder's figure is the figure: low = best = high
    def cols(v):
        out = {col: v, f"{col}_low": v, f"{col}_best": v, f"{col}_high": v}
        if col == "fatalities":
            out["fatalities_text"] = None
        return out
    return cols


@dataclass(frozen=True)
class Field:
    check: Callable[[Any], Any]     # API value -> clean JSON value (or CorrectionError)
    columns: Callable[[Any], dict]  # clean value -> events columns
    column: str                     # the column that shows the value


FIELDS: dict[str, Field] = {
    "event_type": Field(_event_type, _set("event_type"), "event_type"),
    "sub_event_type": Field(_sub_event_type, _set("sub_event_type"), "sub_event_type"),
    "date_start": Field(_date("date_start"), _set("date_start"), "date_start"),
    "date_end": Field(_date("date_end"), _set("date_end"), "date_end"),
    "time_precision": Field(_int("time_precision", 1, 3, nullable=False), _set("time_precision"), "time_precision"),
    "actor1": Field(_text("actor1"), _actor(1), "actor1_name"),
    "actor2": Field(_text("actor2"), _actor(2), "actor2_name"),
    "location_name": Field(_text("location_name"), _set("location_name"), "location_name"),
    "admin1": Field(_text("admin1"), _set("admin1"), "admin1"),
    "country": Field(_country, _set("country"), "country"),
    "lat": Field(_float("lat", -90, 90), _set("lat"), "lat"),
    "lon": Field(_float("lon", -180, 180), _set("lon"), "lon"),
    "geo_precision": Field(_int("geo_precision", 1, 3), _set("geo_precision"), "geo_precision"),
    "fatalities": Field(_int("fatalities"), _count("fatalities"), "fatalities"),
    "injuries": Field(_int("injuries"), _count("injuries"), "injuries"),
    "children_killed": Field(_int("children_killed"), _set("children_killed"), "children_killed"),
    "women_killed": Field(_int("women_killed"), _set("women_killed"), "women_killed"),
    "children_injured": Field(_int("children_injured"), _set("children_injured"), "children_injured"),
    "women_injured": Field(_int("women_injured"), _set("women_injured"), "women_injured"),
    "civilian_targeting": Field(_bool("civilian_targeting"), _set("civilian_targeting"), "civilian_targeting"),
}
STATUSES = ("active", "rejected")


def _plain(v):
    """A column value as JSON can hold it."""
    if isinstance(v, (date, datetime)):
        return v.isoformat()[:10] if isinstance(v, date) and not isinstance(v, datetime) else v.isoformat()
    return v


def _load(s):
    return None if s is None else json.loads(s)


def _dump(v) -> str:
    return json.dumps(v, ensure_ascii=False)


# --------------------------------------------------------------------------- applying decisions to rows

def apply(row: dict, decisions: Iterable) -> dict:
    """Apply decisions (``corrections`` rows, in order) to an events row (a dict, changed in place).

    Sets ``status`` and ``original`` (the row's own values of the columns changed, JSON)."""
    original: dict[str, Any] = _load(row.get("original")) if isinstance(row.get("original"), str) else {}
    row["status"] = row.get("status") or "active"
    for d in decisions:
        value = _load(d.new_value)
        if d.field == "status":
            row["status"] = value if value in STATUSES else "active"
            continue
        f = FIELDS.get(d.field)
        if f is None:
            continue
        for col, v in f.columns(value).items():
            if col not in original:
                original[col] = _plain(row.get(col))
            row[col] = v
    row["original"] = _dump(original) if original else None
    return row


def _article(source_key: str) -> str:
    return source_key.rsplit("#", 1)[0]


def _decisions(conn: Connection, source_keys: Iterable[str]) -> dict[str, list]:
    """The decisions that may concern these sources, by the source each now follows: its anchor
    source; or, where that source's sentence is no longer the one the coder saw (the article was
    re-extracted and its events renumbered), the first source of the same article with that
    sentence; or none, where the sentence is gone (the decision stays on record)."""
    from .schema import articles

    keys = sorted(set(source_keys))
    arts = sorted({_article(k) for k in keys})
    cands = []
    for i in range(0, len(arts), 500):
        cands += conn.execute(select(corrections).where(corrections.c.anchor_article.in_(arts[i:i + 500]))).all()
    for i in range(0, len(keys), 500):       # rows without the article (none are written so now)
        cands += conn.execute(select(corrections).where(corrections.c.anchor_article.is_(None),
                                                        corrections.c.anchor_key.in_(keys[i:i + 500]))).all()
    checked = sorted({d.anchor_key for d in cands if d.anchor_evidence is not None})
    current: dict[str, str] = {}
    for i in range(0, len(checked), 500):
        current.update(conn.execute(select(event_sources.c.source_key, event_sources.c.evidence)
                                    .where(event_sources.c.source_key.in_(checked[i:i + 500]))).all())
    moved: dict[tuple, str | None] = {}
    out: dict[str, list] = {}
    for d in cands:
        target = d.anchor_key
        if d.anchor_evidence is not None and current.get(d.anchor_key) != d.anchor_evidence:
            k = (d.anchor_article, d.anchor_evidence)
            if k not in moved:
                moved[k] = conn.execute(
                    select(event_sources.c.source_key)
                    .select_from(event_sources.join(articles, event_sources.c.article_id == articles.c.id))
                    .where(articles.c.article_key == d.anchor_article, event_sources.c.evidence == d.anchor_evidence)
                    .order_by(event_sources.c.idx).limit(1)).scalar()
            target = moved[k]
        if target is not None:
            out.setdefault(target, []).append(d)
    return out


def overlay(conn: Connection, rows: list[dict], members: dict[str, list[str]]) -> None:
    """Before ``merge_store`` writes events: apply the decisions on any of each event's sources.

    ``members``: event_id -> the source keys of its sources."""
    found = _decisions(conn, (k for ks in members.values() for k in ks))
    for row in rows:
        ds = sorted((d for k in members.get(row["event_id"], ()) for d in found.get(k, ())),
                    key=lambda d: d.id)
        row["status"] = "active"
        row["original"] = None
        if ds:
            apply(row, ds)


# --------------------------------------------------------------------------- a coder's decision

def _now() -> datetime:
    return datetime.now(timezone.utc)


def correct(store, event_id: str, field: str, value: Any, coder: str, note: str | None = None) -> list[dict]:
    """Record and apply a correction; returns the correction rows written (one, or two where a
    sub-event type of another event type also changes the event type).  CorrectionError if not
    possible; LookupError if there is no such event."""
    if field == "status":
        if value not in STATUSES:
            raise CorrectionError(f"status must be one of {', '.join(STATUSES)}")
    elif field not in FIELDS:
        raise CorrectionError(f"unknown field {field!r}; correctable fields: {', '.join(FIELDS)}")
    coder = _text("coder", nullable=False, max_len=100)(coder)
    note = _text("note", max_len=2000)(note)
    clean = value if field == "status" else FIELDS[field].check(value)
    with store.write(lock="merge") as conn:
        ev = conn.execute(select(events).where(events.c.event_id == event_id)).first()
        if ev is None:
            raise LookupError(event_id)
        row = dict(ev._mapping)
        row.pop("geog", None)
        todo = [(field, clean)]
        if field == "sub_event_type" and parent_type(clean) != row["event_type"]:
            todo.append(("event_type", parent_type(clean)))
        if field == "event_type" and row["sub_event_type"] not in taxonomy()[clean]:
            raise CorrectionError(f"sub_event_type {row['sub_event_type']!r} is not a kind of {clean!r}: "
                                  f"correct sub_event_type instead (it sets the event type too)")
        start = clean if field == "date_start" else _plain(row["date_start"])
        end = clean if field == "date_end" else _plain(row["date_end"])
        if str(start) > str(end):
            raise CorrectionError(f"date_start {start} would be after date_end {end}: "
                                  f"correct the other date first")
        written = []
        now = _now()
        anchor_evidence = conn.execute(select(event_sources.c.evidence)
                                       .where(event_sources.c.source_key == row["anchor_key"])).scalar()
        for f, v in todo:
            old = row["status"] if f == "status" else _plain(row[FIELDS[f].column])
            rec = {"event_id": event_id, "anchor_key": row["anchor_key"], "field": f,
                   "anchor_article": _article(row["anchor_key"]), "anchor_evidence": anchor_evidence,
                   "old_value": _dump(old), "new_value": _dump(v), "coder": coder, "note": note,
                   "created_at": now}
            rid = conn.execute(corrections.insert().values(**rec).returning(corrections.c.id)).scalar_one()
            written.append({**rec, "id": rid})
        before = {k: row[k] for k in row}
        apply(row, [_Decision(w["field"], w["new_value"]) for w in written])
        from .search import feature, index_events

        row["feature"] = feature(row)
        changed = {k: v for k, v in row.items()
                   if k in before and v != before[k] or k in ("status", "original", "feature")}
        conn.execute(events.update().where(events.c.event_id == event_id).values(**changed))
        index_events(conn, [event_id])
    return written


@dataclass
class _Decision:
    field: str
    new_value: str


def history(conn: Connection, event_id: str) -> list[dict]:
    """The decisions that apply to an event (on any of its sources), oldest first."""
    keys = list(conn.execute(select(event_sources.c.source_key).where(event_sources.c.event_id == event_id))
                .scalars())
    anchor = conn.execute(select(events.c.anchor_key).where(events.c.event_id == event_id)).scalar()
    if anchor:
        keys.append(anchor)
    found = _decisions(conn, keys)
    ds = sorted((d for k in set(keys) for d in found.get(k, ())), key=lambda d: d.id)
    return [{"field": d.field, "old_value": _load(d.old_value), "new_value": _load(d.new_value),
             "coder": d.coder, "note": d.note,
             "created_at": _utc(d.created_at),
             "event_id": d.event_id}
            for d in ds]


def _utc(v) -> str:
    """ISO 8601 in UTC (SQLite gives the stored UTC time back without its zone)."""
    if isinstance(v, datetime):
        return (v if v.tzinfo else v.replace(tzinfo=timezone.utc)).astimezone(timezone.utc).isoformat()
    return str(v)


def original_fields(original: str | None) -> dict[str, Any]:
    """The pipeline's values of the corrected fields, by API field name."""
    cols = _load(original) or {}
    out = {}
    for name, f in FIELDS.items():
        if f.column in cols:
            out[name] = cols[f.column]
    return out
