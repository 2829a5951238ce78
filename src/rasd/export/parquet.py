"""Parquet (pyarrow): the CSV's columns with types (dates as ``date32``, counts as nullable
integers, coordinates as doubles), written in row groups so a large export never sits in memory.
Loads in pandas (``read_parquet``), DuckDB, Polars, R (arrow)."""
from __future__ import annotations

from datetime import date
from typing import BinaryIO, Iterable

from .rows import COLUMNS, DATE_COLUMNS, FLOAT_COLUMNS, INT_COLUMNS, flat

ROW_GROUP = 10_000


def arrow_schema():
    import pyarrow as pa

    fields = []
    for c in COLUMNS:
        if c in INT_COLUMNS:
            t = pa.int64()
        elif c in FLOAT_COLUMNS:
            t = pa.float64()
        elif c in DATE_COLUMNS:
            t = pa.date32()
        else:
            t = pa.string()
        fields.append(pa.field(c, t))
    return pa.schema(fields)


def _value(c: str, v):
    if c in DATE_COLUMNS:
        return v if v is None or isinstance(v, date) else date.fromisoformat(v)
    if v == "" and c in INT_COLUMNS | FLOAT_COLUMNS:
        return None
    return v


def write(records: Iterable[dict], out: BinaryIO) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = arrow_schema()
    n = 0
    with pq.ParquetWriter(out, schema, compression="zstd") as w:
        buf: dict[str, list] = {c: [] for c in COLUMNS}
        for rec in records:
            for c, v in flat(rec).items():
                buf[c].append(_value(c, v))
            n += 1
            if len(buf["event_id"]) >= ROW_GROUP:
                w.write_table(pa.table(buf, schema=schema))
                buf = {c: [] for c in COLUMNS}
        if buf["event_id"] or n == 0:
            w.write_table(pa.table(buf, schema=schema))
    return n
