"""``rasd ingest --events OUTPUT``: a Spark job's output into the store, as ``rasd ingest`` would leave it.

The job's ``articles/`` dataset holds every article it read, in input order,
with its text, metadata and extracted document (``doc``: what ``rasd extract``
prints, spans included); ``errors/`` the bad inputs.  Loading goes through the
store's own ingest code (``rasd.store.loader``: the same identity checks,
batches, transactions, log and merge), with the extraction already done, so
that the store ends as ``rasd ingest INPUT`` would leave it: the same articles,
raw events, merged events and event ids.  Loading again adds nothing (every
article is known with its text), and so does ``rasd ingest INPUT`` after it.
Needs pyarrow only, not Spark.
"""
from __future__ import annotations

import json
import sys
import time
import uuid
from pathlib import Path
from typing import Callable, Iterator

from ..io import Article, Skipped
from ..store.loader import BATCH, IngestReport, _batches, _Loader
from ..store.merge import merge_store

ORDINAL = ("input_index", "input_file", "input_item")


class LoadError(Exception):
    pass


def _datasets(path: str) -> tuple[Path, Path | None]:
    p = Path(path)
    if not p.exists():
        raise LoadError(f"{path}: no such file or directory")
    if (p / "articles").is_dir():
        return p / "articles", (p / "errors" if (p / "errors").is_dir() else None)
    return p, None


def _files(root: Path, suffix: str) -> list[Path]:
    if root.is_file():
        return [root]
    return sorted(f for f in root.rglob(f"*{suffix}")
                  if not any(part.startswith((".", "_")) for part in f.relative_to(root).parts))


def _ordinal(r: dict) -> tuple:
    return tuple(r[c] for c in ORDINAL)


def _sorted_rows(f: Path) -> Iterator[dict]:
    """The rows of one part file in input order (rasd spark writes them so; others are sorted here)."""
    import pyarrow.parquet as pq

    keys = [_ordinal(r) for r in pq.read_table(f, columns=list(ORDINAL)).to_pylist()]
    if all(a <= b for a, b in zip(keys, keys[1:])):
        for batch in pq.ParquetFile(f).iter_batches(batch_size=BATCH):
            yield from batch.to_pylist()
    else:
        yield from sorted(pq.read_table(f).to_pylist(), key=_ordinal)


def article_rows(root: Path) -> Iterator[dict]:
    """The article rows in input order: the part files merged by it, one batch of each in memory."""
    import heapq

    files = _files(root, ".parquet")
    if not files:
        raise LoadError(f"{root}: no Parquet files (is it the OUTPUT of rasd spark?)")
    yield from heapq.merge(*(_sorted_rows(f) for f in files), key=_ordinal)


def _error_rows(root: Path | None) -> Iterator[dict]:
    if root is None:
        return
    for f in _files(root, ".json"):
        with open(f, encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    yield json.loads(line)


def _items(path: str) -> Iterator[tuple]:
    """(Article or Skipped, extraction result or None), bad inputs first, then the articles in input order."""
    arts, errs = _datasets(path)
    for e in _error_rows(errs):
        if e.get("kind") == "bad":
            yield Skipped(e["where"], e["reason"]), None
    for r in article_rows(arts):
        it = Article(text=r["text"], where=r["where"], doc_id=r["doc_id"], outlet=r["outlet"], url=r["url"],
                     title=r["title"], published=r["published"], warnings=list(r["read_warnings"] or ()))
        if r.get("error"):
            res = {"ok": False, "error": r["error"]}
        else:
            pd = r["published_date"]
            res = {"ok": True, "doc": json.loads(r["doc"]), "warnings": list(r["warnings"] or ()),
                   "published_date": pd.isoformat() if hasattr(pd, "isoformat") else pd}
        yield it, res


def load(store, path: str, *, batch_size: int = BATCH, merge: bool = True, progress: bool = False,
         say: Callable[[str], None] = lambda m: print(f"rasd: {m}", file=sys.stderr)) -> IngestReport:
    """Load the output of ``rasd spark`` at ``path`` into ``store`` (see the module doc)."""
    from tqdm import tqdm

    report = IngestReport(run_id=uuid.uuid4().hex[:16])
    t0 = time.perf_counter()
    bar = tqdm(unit=" articles", file=sys.stderr, dynamic_ncols=True, leave=False, disable=not progress)
    loader = _Loader(store, report, say, bar)
    try:
        for batch in _batches(_items(path), batch_size):
            results = {id(it): res for it, res in batch}
            plan, _ = loader.prepare([it for it, _ in batch])
            loader.write(plan, [results[id(it)] for action, it, _, _ in plan if action == "extract"])
    except KeyboardInterrupt:
        report.interrupted = True
        raise
    finally:
        bar.close()
        report.seconds = time.perf_counter() - t0
        if not report.interrupted:
            with store.write() as conn:
                store.log(conn, report.run_id, "info", path,
                          f"loaded from rasd spark output: {report.read} read, {report.new} new, "
                          f"{report.updated} updated, {report.unchanged} unchanged; {report.bad} bad inputs, "
                          f"{report.failed} failed; {report.raw_events} raw events in {report.seconds:.1f} s")
    if merge:
        report.merge = merge_store(store)
    return report
