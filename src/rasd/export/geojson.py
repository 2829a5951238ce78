"""GeoJSON (RFC 7946): a FeatureCollection of points, one feature per merged event.

Coordinates are ``[longitude, latitude]`` (WGS 84); properties are the CSV's
columns (numbers as numbers, missing values as null).  An event without
coordinates has a null geometry, which RFC 7946 allows and QGIS, GDAL and
geopandas read.  Written as a stream: one feature per line inside the
collection, so a large export never sits in memory.
"""
from __future__ import annotations

import json
from typing import BinaryIO, Iterable

from .rows import flat


def feature(rec: dict) -> dict:
    props = flat(rec)
    lat, lon = rec.get("latitude"), rec.get("longitude")
    geom = {"type": "Point", "coordinates": [lon, lat]} if lat is not None and lon is not None else None
    return {"type": "Feature", "id": rec["event_id"], "geometry": geom, "properties": props}


def write(records: Iterable[dict], out: BinaryIO) -> int:
    out.write(b'{"type": "FeatureCollection", "features": [\n')
    n = 0
    for rec in records:
        if n:
            out.write(b",\n")
        out.write(json.dumps(feature(rec), ensure_ascii=False).encode("utf-8"))
        n += 1
    out.write(b"\n]}\n")
    return n
