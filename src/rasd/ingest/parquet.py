"""Parquet files of articles -> articles: one row per article, the JSON Lines fields as columns.

Columns ``text`` (required), ``doc_id``, ``outlet``, ``url``, ``published``
(a string, a date or a timestamp), ``title``; others are passed over.  Each
row is checked as a JSON Lines record is (``rasd.io``): a row without text is
a :class:`rasd.io.Skipped` named ``FILE[row N]``, and reading goes on.  A row
without ``doc_id`` gets ``STEM:N``.  Read in batches, so a large file never
sits in memory.
"""
from __future__ import annotations

from pathlib import Path
from typing import BinaryIO, Iterator

from .. import io as rio
from ..io import Article, Skipped

FIELDS = ("doc_id", "outlet", "url", "published", "title", "text")


def looks_like_parquet(head: bytes) -> bool:
    return head.startswith(b"PAR1")


def read_parquet(stream: BinaryIO, where: str, *, published=None, outlet: str | None = None,
                 max_chars: int = rio.MAX_CHARS) -> Iterator[Article | Skipped]:
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(stream)
    except Exception as e:      # not Parquet after all, or a truncated file
        yield Skipped(where, f"not a readable Parquet file ({type(e).__name__}: {e})")
        return
    names = pf.schema_arrow.names
    if "text" not in names:
        yield Skipped(where, f"no \"text\" column (columns: {', '.join(names[:8]) or 'none'})")
        return
    stem = Path(where).name.split(".", 1)[0]
    defaults = {"published": published, "outlet": outlet}
    n = 0
    for batch in pf.iter_batches(columns=[c for c in FIELDS if c in names], batch_size=512):
        for rec in batch.to_pylist():
            n += 1
            yield rio._record_article(rec, f"{where}[row {n}]", f"{stem}:{n}", defaults, max_chars)
    if n == 0:
        yield Skipped(where, "no rows")
