"""ACLED-style CSV: ACLED's column names where they apply, then Rasd's extra columns.

UTF-8 with a byte-order mark, so that Excel shows the Arabic (names as the
text gives them, evidence sentences) instead of mojibake; RFC 4180 quoting,
CRLF line ends (the csv module's default, which Excel expects).  Lists
(``reported_by``, ``outlets``, ``evidence``, ``article_urls``) are joined with
`` | ``.
"""
from __future__ import annotations

import csv
from typing import BinaryIO, Iterable

from .rows import COLUMNS, flat


def write(records: Iterable[dict], out: BinaryIO) -> int:
    import io

    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
    try:
        w = csv.DictWriter(text, fieldnames=COLUMNS, extrasaction="ignore")
        w.writeheader()
        n = 0
        for rec in records:
            w.writerow({k: ("" if v is None else v) for k, v in flat(rec).items()})
            n += 1
        text.flush()
    finally:
        text.detach()
    return n
