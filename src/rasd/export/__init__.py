"""Exports of a store's merged events: ACLED-style CSV, GeoJSON, JSON Lines, Parquet.

    from rasd.export import export, Filters
    export(store, "acled-csv", "events.csv", Filters(country="SY"))

The columns (``rows.COLUMNS``) are ACLED's where they apply, then Rasd's
extras (injuries, breakdowns, low/best/high fatalities, reported_by,
evidence, article URLs).
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from .rows import COLUMNS, Filters, records

FORMATS = {"acled-csv": "acled_csv", "csv": "acled_csv", "geojson": "geojson", "jsonl": "jsonl",
           "parquet": "parquet"}


def writer(fmt: str):
    import importlib

    try:
        return importlib.import_module(f".{FORMATS[fmt]}", __name__).write
    except KeyError:
        raise ValueError(f"unknown format {fmt!r} (one of: acled-csv, geojson, jsonl, parquet)") from None


def export(store, fmt: str, output: str | None = None, filters: Filters | None = None) -> int:
    """Write the store's events in ``fmt`` to ``output`` (atomically) or stdout; returns the count."""
    write = writer(fmt)
    recs = records(store, filters)
    if output in (None, "-"):
        out = sys.stdout.buffer
        n = write(recs, out)
        out.flush()
        return n
    target = Path(output)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent if str(target.parent) else ".")
    try:
        with os.fdopen(fd, "wb") as fh:
            n = write(recs, fh)
            fh.flush()
            os.fsync(fh.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, output)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return n


__all__ = ["export", "Filters", "records", "COLUMNS", "FORMATS"]
