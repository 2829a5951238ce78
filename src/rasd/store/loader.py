"""``rasd ingest``: read inputs, extract events (in N processes), store them, merge.

* Idempotent: an article is known by ``article_key`` (canonical URL, else a
  hash of its normalised text); a known article with a text it was already
  stored with is passed over without extraction; one whose text changed is
  re-extracted and its old events replaced, in one transaction.
* Resumable: articles are written in batches, each batch one transaction (its
  articles, their events, their log lines), so an interrupted run (Ctrl-C,
  ``kill -9``) leaves the database as of the last committed batch, and running
  the same command again does only the rest.
* Parallel: with ``workers > 1`` a pool of processes runs the pipeline (each
  builds its own once); reading, identity checks and writing stay in this
  process, in input order, so the result does not depend on the number of
  workers.
* Bad input never stops the batch: each bad file, line or record is counted,
  reported in the summary and written to ``ingest_log`` (file, line/record,
  reason), and the run goes on.
"""
from __future__ import annotations

import multiprocessing as mp
import signal
import sys
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

from ..io import Article, Skipped
from ..ingest.identity import article_key, text_hash
from ..ingest.readers import Reader
from .merge import MergeStats, merge_store
from .repository import Store

BATCH = 64


@dataclass
class IngestReport:
    run_id: str
    read: int = 0            # articles read (good ones)
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    bad: int = 0             # inputs, lines or records that could not be used
    failed: int = 0          # articles the pipeline failed on (a bug)
    raw_events: int = 0      # raw events written by this run
    seconds: float = 0.0
    interrupted: bool = False
    problems: list[str] = field(default_factory=list)
    merge: MergeStats | None = None

    @property
    def extracted(self) -> int:
        return self.new + self.updated

    def as_dict(self) -> dict:
        d = {k: v for k, v in self.__dict__.items() if k not in ("problems", "merge")}
        d["problems"] = self.problems[:100]
        d["merge"] = self.merge.as_dict() if self.merge else None
        return d


# --------------------------------------------------------------------------- extraction (workers)

_PIPE = None


def _init_worker() -> None:
    global _PIPE
    signal.signal(signal.SIGINT, signal.SIG_IGN)     # Ctrl-C is the parent's to handle
    from ..pipeline import Pipeline, settle_for_batch

    _PIPE = Pipeline()
    settle_for_batch()


def _extract(task: tuple[str, dict, list[str]]) -> dict:
    global _PIPE
    if _PIPE is None:
        from .. import get_pipeline
        from ..pipeline import settle_for_batch

        _PIPE = get_pipeline()
        settle_for_batch()
    text, meta, warnings = task
    try:
        doc = _PIPE.make_document(text, **meta)
        doc.warnings.extend(warnings)
        _PIPE.run(doc)
        return {"ok": True, "doc": doc.to_json(with_spans=True),
                "published_date": doc.published.isoformat() if doc.published else None,
                "warnings": list(doc.warnings)}
    except Exception as e:  # a bug in a stage must not cost the other articles
        return {"ok": False, "error": f"{type(e).__name__}: {e}"}


# --------------------------------------------------------------------------- the run

def _batches(items: Iterator, n: int) -> Iterator[list]:
    batch = []
    for it in items:
        batch.append(it)
        if len(batch) >= n:
            yield batch
            batch = []
    if batch:
        yield batch


class _Loader:
    def __init__(self, store: Store, report: IngestReport, say: Callable[[str], None], bar) -> None:
        from .. import __version__

        self.store = store
        self.report = report
        self.say = say
        self.bar = bar
        self.version = __version__

    def prepare(self, batch: list) -> tuple[list, list]:
        """(plan, tasks): what to do with each item, and the articles that need extracting."""
        arts = [(it, article_key(it.url, it.text), text_hash(it.text)) for it in batch if isinstance(it, Article)]
        with self.store.read() as conn:
            known = self.store.lookup(conn, [k for _, k, _ in arts])
        plan, tasks = [], []
        for it in batch:
            if isinstance(it, Skipped):
                plan.append(("bad", it, None, None))
                continue
            _, key, h = arts.pop(0)
            if h in known.get(key, ()):
                plan.append(("unchanged", it, key, h))
                continue
            known.setdefault(key, set()).add(h)
            plan.append(("extract", it, key, h))
            tasks.append((it.text, it.meta(), list(it.warnings)))
        return plan, tasks

    def write(self, plan: list, results: list[dict]) -> None:
        rep, store = self.report, self.store
        results = iter(results)
        counts = {"new": 0, "updated": 0, "unchanged": 0, "bad": 0, "failed": 0, "events": 0}
        problems = []
        with store.write() as conn:
            for action, it, key, h in plan:
                if action == "bad":
                    counts["bad"] += 1
                    problems.append(str(it))
                    store.log(conn, rep.run_id, "error", it.where, it.reason)
                    continue
                if action == "unchanged":
                    counts["unchanged"] += 1
                    continue
                res = next(results)
                if not res["ok"]:
                    counts["failed"] += 1
                    msg = f"internal error while extracting ({res['error']}); please report it"
                    problems.append(f"{it.where}: {msg}")
                    store.log(conn, rep.run_id, "error", it.where, msg)
                    continue
                doc = res["doc"]
                row = {"article_key": key, "text_hash": h, "url": it.url, "doc_id": it.doc_id,
                       "outlet": it.outlet, "title": it.title,
                       "published": it.published if isinstance(it.published, str) or it.published is None
                       else str(it.published),
                       "published_date": res["published_date"], "text": it.text, "source": it.where,
                       "extractor": self.version, "warnings": res["warnings"]}
                status = store.save_article(conn, row, doc)
                counts[status] += 1
                if status != "unchanged":
                    counts["events"] += len(doc.get("events") or ())
                for w in it.warnings:
                    store.log(conn, rep.run_id, "warning", it.where, w)
        rep.new += counts["new"]
        rep.updated += counts["updated"]
        rep.unchanged += counts["unchanged"]
        rep.bad += counts["bad"]
        rep.failed += counts["failed"]
        rep.raw_events += counts["events"]
        rep.read += counts["new"] + counts["updated"] + counts["unchanged"] + counts["failed"]
        for p in problems:
            rep.problems.append(p)
            if self.bar is not None and not self.bar.disable:
                self.bar.write(f"rasd: {p}", file=sys.stderr)
            else:
                self.say(p)
        if self.bar is not None:
            self.bar.update(len(plan))
            self.bar.set_postfix(new=rep.new, updated=rep.updated, unchanged=rep.unchanged,
                                 bad=rep.bad + rep.failed, refresh=False)


def ingest(store: Store, paths: Iterable[str], *, workers: int = 1, reader: Reader | None = None,
           batch_size: int = BATCH, merge: bool = True, progress: bool = False, total: int | None = None,
           say: Callable[[str], None] = lambda m: print(f"rasd: {m}", file=sys.stderr)) -> IngestReport:
    """Read ``paths``, extract and store every new or changed article, then merge (see the module doc)."""
    from tqdm import tqdm

    reader = reader or Reader()
    report = IngestReport(run_id=uuid.uuid4().hex[:16])
    t0 = time.perf_counter()
    pool = None
    if workers > 1:     # before any thread or database connection exists in this process
        ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context("spawn")
        pool = ctx.Pool(workers, initializer=_init_worker)
    bar = tqdm(total=total, unit=" articles", file=sys.stderr, dynamic_ncols=True, leave=False,
               disable=not progress, smoothing=0.1)
    loader = _Loader(store, report, say, bar)
    in_flight: deque = deque()
    try:
        for batch in _batches(reader.read(paths), batch_size):
            plan, tasks = loader.prepare(batch)
            if pool is None:
                loader.write(plan, [_extract(t) for t in tasks])
                continue
            chunk = max(1, len(tasks) // (workers * 4))
            in_flight.append((plan, pool.map_async(_extract, tasks, chunksize=chunk)))
            while len(in_flight) > 2:         # keep the workers busy while this process writes
                p, res = in_flight.popleft()
                loader.write(p, res.get())
        while in_flight:
            p, res = in_flight.popleft()
            loader.write(p, res.get())
        if pool is not None:
            pool.close()
            pool.join()
            pool = None
    except KeyboardInterrupt:
        report.interrupted = True
        raise
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
        bar.close()
        report.seconds = time.perf_counter() - t0
        if not report.interrupted:
            with store.write() as conn:
                store.log(conn, report.run_id, "info", "<run>",
                          f"read {report.read}: {report.new} new, {report.updated} updated, "
                          f"{report.unchanged} unchanged; {report.bad} bad inputs, {report.failed} failed; "
                          f"{report.raw_events} raw events in {report.seconds:.1f} s")
    if merge:
        report.merge = merge_store(store)
    return report


def ingest_articles(store: Store, items: list, *, merge: bool = True) -> tuple[IngestReport, list[dict]]:
    """Extract, store and merge articles given in memory (``rasd.io.Article``), as ``ingest`` does
    (idempotent; one transaction), in this process; for ``rasd serve``'s ``POST /api/articles``.

    Returns the report and, for each item, ``{"status", "article_key"}``."""
    report = IngestReport(run_id=uuid.uuid4().hex[:16])
    t0 = time.perf_counter()
    loader = _Loader(store, report, lambda m: None, None)
    plan, tasks = loader.prepare(list(items))
    with store.read() as conn:
        existed = store.lookup(conn, [key for action, _, key, _ in plan if action == "extract"])
    results = [_extract(t) for t in tasks]
    loader.write(plan, results)
    report.seconds = time.perf_counter() - t0
    out = []
    res = iter(results)
    for action, it, key, _ in plan:
        status = action
        if action == "extract":
            r = next(res)
            status = ("updated" if key in existed else "new") if r["ok"] else "failed"
        out.append({"status": status, "article_key": key, "where": it.where})
    if merge:
        report.merge = merge_store(store)
    return report, out
