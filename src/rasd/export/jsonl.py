"""JSON Lines: one merged event per line, nested: sides and place as objects, and every source
(article URL, outlet, its own date, counts, reported_by and evidence sentence with offsets)."""
from __future__ import annotations

import json
from typing import BinaryIO, Iterable

from .rows import ACLED_COLUMNS


def event_object(rec: dict) -> dict:
    a1, a2 = rec["_actors"]
    return {
        "event_id": rec["event_id"], "event_id_cnty": rec["event_id_cnty"],
        "event_type": rec["event_type"], "sub_event_type": rec["sub_event_type"],
        "date_start": rec["event_date"], "date_end": rec["date_end"], "time_precision": rec["time_precision"],
        "actor1": a1, "actor2": a2, "location": rec["_place"],
        "civilian_targeting": bool(rec["civilian_targeting"]),
        "fatalities": rec["fatalities"],
        "fatalities_low": rec["fatalities_low"], "fatalities_best": rec["fatalities_best"],
        "fatalities_high": rec["fatalities_high"], "fatalities_text": rec["fatalities_text"] or None,
        "injuries": rec["injuries"], "injuries_best": rec["injuries_best"], "injuries_high": rec["injuries_high"],
        **{k: rec[k] for k in ("children_killed", "women_killed", "children_injured", "women_injured")
           if rec[k] is not None},
        "reported_by": rec["_reported_by"], "outlets": rec["_outlets"],
        "evidence": rec["notes"], "sources": rec["_sources"],
    }


def write(records: Iterable[dict], out: BinaryIO) -> int:
    n = 0
    for rec in records:
        out.write(json.dumps(event_object(rec), ensure_ascii=False).encode("utf-8") + b"\n")
        n += 1
    return n


__all__ = ["write", "event_object", "ACLED_COLUMNS"]
