"""``rasd bench``: throughput, per-stage time shares, latency, memory and events over a corpus.

One process, one pipeline, articles read into memory first (reading and JSON
parsing are not timed).  Figures are printed as a small table, or as one JSON
object with ``--json``.
"""
from __future__ import annotations

import json
import os
import resource
import sys
import time
from collections import Counter
from importlib import resources
from pathlib import Path
from typing import Callable

from . import io as rio

DEFAULT_CORPUS = "/work/shared/data/corpus/ant-2018-conflict.jsonl"


def default_inputs() -> list[str]:
    """The shared ANT conflict corpus when it is there, else the bundled examples."""
    if Path(DEFAULT_CORPUS).is_file():
        return [DEFAULT_CORPUS]
    return [str(resources.files("rasd").joinpath("examples/articles.jsonl"))]


def _peak_rss_mb() -> float:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024  # bytes on macOS, KiB on Linux


def _current_rss_mb() -> float | None:
    try:
        with open("/proc/self/statm") as fh:
            pages = int(fh.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / (1024 * 1024)
    except (OSError, ValueError, IndexError):
        return None


def _percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return 0.0
    i = min(len(sorted_values) - 1, max(0, round(q * (len(sorted_values) - 1))))
    return sorted_values[i]


def load_articles(inputs: list[str], limit: int | None, say: Callable[[str], None]) -> list[rio.Article]:
    articles: list[rio.Article] = []
    for path in inputs:
        for item in rio.read_articles(path):
            if isinstance(item, rio.Skipped):
                say(f"{item}; line skipped")
                continue
            articles.append(item)
            if limit and len(articles) >= limit:
                return articles
    return articles


def run_bench(inputs: list[str] | None = None, *, limit: int | None = None, trace_memory: bool = False,
              as_json: bool = False, profile: int = 0, warm: bool = False,
              say: Callable[[str], None] = print) -> int:
    from .pipeline import Pipeline, settle_for_batch

    inputs = list(inputs) if inputs else default_inputs()
    t0 = time.perf_counter()
    articles = load_articles(inputs, limit, say)
    t_load = time.perf_counter() - t0
    if not articles:
        say("error: no articles to measure")
        return 1
    rss_before = _current_rss_mb()
    if trace_memory:
        import tracemalloc

        tracemalloc.start()
    t0 = time.perf_counter()
    pipe = Pipeline()
    t_build = time.perf_counter() - t0
    settle_for_batch()   # as rasd extract does
    rss_built = _current_rss_mb()
    if warm:
        # steady state: a long run has met most words before (the per-word memos are full)
        for art in articles:
            pipe.run(pipe.make_document(art.text, **art.meta()))
    before = dict(pipe.timings)
    latencies: list[tuple[float, str]] = []
    n_events = 0
    with_events = 0
    by_type: Counter[str] = Counter()
    n_chars = 0
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    t_start = time.perf_counter()
    c_start = time.process_time()
    for art in articles:
        a0 = time.perf_counter()
        doc = pipe.make_document(art.text, **art.meta())
        pipe.run(doc, timed=True)
        latencies.append((time.perf_counter() - a0, art.doc_id or art.where))
        n_chars += len(art.text)
        if doc.events:
            with_events += 1
            n_events += len(doc.events)
            by_type.update(e.event_type for e in doc.events)
    t_run = time.perf_counter() - t_start
    c_run = time.process_time() - c_start
    if profiler is not None:
        profiler.disable()
    traced_peak = None
    if trace_memory:
        import tracemalloc

        traced_peak = tracemalloc.get_traced_memory()[1] / (1024 * 1024)
        tracemalloc.stop()
    stages = {k: pipe.timings[k] - before.get(k, 0.0) for k in pipe.timings}
    staged = sum(stages.values())
    lat = sorted(t for t, _ in latencies)
    slowest = max(latencies)
    n = len(articles)
    from .compiled import compiled_modules, summary

    fig = {
        "inputs": inputs,
        "code": summary(),
        "compiled_modules": sum(compiled_modules().values()),
        "warm": warm,
        "articles": n,
        "characters": n_chars,
        "load_s": round(t_load, 3),
        "build_s": round(t_build, 3),
        "run_s": round(t_run, 3),
        "articles_per_s": round(n / t_run, 1) if t_run else None,
        "cpu_s": round(c_run, 3),
        "articles_per_cpu_s": round(n / c_run, 1) if c_run else None,
        "characters_per_s": round(n_chars / t_run) if t_run else None,
        "latency_ms": {"mean": round(1000 * t_run / n, 3), "p50": round(1000 * _percentile(lat, 0.5), 3),
                       "p95": round(1000 * _percentile(lat, 0.95), 3),
                       "p99": round(1000 * _percentile(lat, 0.99), 3),
                       "max": round(1000 * slowest[0], 3), "slowest": slowest[1]},
        "stages": {k: {"s": round(v, 4), "share": round(v / t_run, 4) if t_run else None,
                       "ms_per_article": round(1000 * v / n, 4)} for k, v in stages.items()},
        "other_s": round(max(0.0, t_run - staged), 4),
        "events": n_events,
        "articles_with_events": with_events,
        "events_by_type": dict(by_type.most_common()),
        "peak_rss_mb": round(_peak_rss_mb(), 1),
        "pipeline_rss_mb": round(rss_built - rss_before, 1) if rss_before and rss_built else None,
        "traced_peak_mb": round(traced_peak, 1) if traced_peak is not None else None,
    }
    from .geo.commands import bench_figures   # the gazetteer: build, load, one 2,000-word article

    fig["gazetteer"] = bench_figures("\n".join(a.text for a in articles[:100]))
    if profiler is not None:
        fig["profile"] = _top_functions(profiler, profile)
    if as_json:
        print(json.dumps(fig, ensure_ascii=False))
    else:
        print(format_figures(fig))
    return 0


def _top_functions(profiler, n: int) -> list[dict]:
    """The ``n`` functions with the most time of their own (cProfile: times are inflated
    by the profiler itself, the ranking is what matters)."""
    import pstats

    st = pstats.Stats(profiler)
    rows = []
    for (path, line, name), (_cc, calls, tottime, cumtime, _callers) in st.stats.items():
        where = f"{Path(path).name}:{line}({name})" if line else name
        rows.append({"function": where, "calls": calls, "own_s": round(tottime, 4), "cum_s": round(cumtime, 4)})
    rows.sort(key=lambda r: -r["own_s"])
    return rows[:n]


def format_figures(f: dict) -> str:
    names = ", ".join(Path(p).name for p in f["inputs"])
    lines = [
        f"rasd bench: {f['articles']:,} articles, {f['characters']:,} characters ({names})",
        f"  code                 {f['code']}",
        f"  read corpus          {f['load_s']:8.2f} s   (not counted below)",
        f"  build pipeline       {f['build_s']:8.2f} s",
        f"  run                  {f['run_s']:8.2f} s   one process, "
        + ("warm: a second pass, the word memos full (a long run's steady state)" if f.get("warm")
           else "cold: the word memos start empty"),
        f"  throughput           {f['articles_per_s']:>10,.1f} articles/s   "
        f"{f['characters_per_s']:>12,} characters/s",
        f"  CPU time             {f['cpu_s']:8.2f} s   {f['articles_per_cpu_s']:>10,.1f} articles per CPU-second "
        "(per core; less disturbed by other work on the machine)",
        "  latency per article  mean {mean:.2f} ms   p50 {p50:.2f}   p95 {p95:.2f}   p99 {p99:.2f}   "
        "max {max:.2f} ms ({slowest})".format(**f["latency_ms"]),
        "  stage time shares:",
    ]
    for name, s in f["stages"].items():
        share = s["share"] or 0.0
        bar = "#" * round(40 * share)
        lines.append(f"    {name:<12} {100 * share:5.1f} %  {s['s']:8.3f} s  {s['ms_per_article']:7.3f} ms/article  {bar}")
    other = f["other_s"] / f["run_s"] if f["run_s"] else 0.0
    lines.append(f"    {'(other)':<12} {100 * other:5.1f} %  {f['other_s']:8.3f} s  (document creation, loop)")
    ev = ", ".join(f"{k} {v:,}" for k, v in f["events_by_type"].items()) or "none"
    lines.append(f"  events found         {f['events']:,} in {f['articles_with_events']:,} articles ({ev})")
    mem = f"  peak memory (RSS)    {f['peak_rss_mb']:,.1f} MB"
    if f["pipeline_rss_mb"] is not None:
        mem += f"   (pipeline: {f['pipeline_rss_mb']:,.1f} MB)"
    lines.append(mem)
    g = f.get("gazetteer")
    if g:
        lines.append(f"  gazetteer            build {g['build_s']:.2f} s ({g['entries']:,} places, {g['names']:,} names)"
                     f"   load {1000 * g['load_s']:.1f} ms   {g['article_words']:,}-word article: "
                     f"lookup {g['lookup_ms']:.2f} ms, whole place stage {g['place_stage_ms']:.2f} ms")
    if f.get("profile"):
        lines.append("  profile (cProfile, own time; the profiler slows everything down):")
        for r in f["profile"]:
            lines.append(f"    {r['own_s']:8.3f} s own  {r['cum_s']:8.3f} s cum  {r['calls']:>9,} calls  {r['function']}")
    if f["traced_peak_mb"] is not None:
        lines.append(f"  peak traced (Python) {f['traced_peak_mb']:,.1f} MB   (tracemalloc on: times above are slower)")
    return "\n".join(lines)
