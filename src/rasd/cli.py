"""The ``rasd`` command: one function per subcommand.

    rasd extract INPUT [-o OUT] [--published DATE] [--outlet NAME] [--doc-id ID] [--no-spans]
    rasd normalize FILE|-
    rasd bench [JSONL ...] [--limit N]
    rasd gazetteer info | lookup NAME | add PATH... | remove PATH...
    rasd ingest PATH... [--db URL] [--workers N] [--fetch]   |   rasd ingest --events OUTPUT [--db URL]
    rasd spark INPUT... OUTPUT [--master local[*]|spark://HOST:PORT|yarn] [--partitions N]
    rasd merge [--db URL] [--full]
    rasd show EVENT_ID [--db URL]
    rasd export [--db URL] --format acled-csv|geojson|jsonl|parquet [-o FILE] [--from --to --country --type]
    rasd serve [--db URL] [--host 127.0.0.1] [--port 8000] [--token TOKEN]
    rasd bench-serve [--db URL] [--events 50000]
    rasd --version

Exit status: 0 when at least one article was processed (bad lines skipped, with
a message and a summary on stderr); 1 when nothing could be processed or an
input/output cannot be used; 2 for a wrong command line; 3 when the pipeline
itself failed on some article (a bug: please report it; the other articles are
still written); 130 when interrupted.  Bad input never ends in a traceback:
set ``RASD_DEBUG=1`` to see one for internal errors.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

from . import io as rio

PROG = "rasd"
EXIT_OK, EXIT_INPUT, EXIT_USAGE, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130


class CliError(Exception):
    """An error to print as ``rasd: error: ...`` with an exit status."""

    def __init__(self, message: str, status: int = EXIT_INPUT) -> None:
        super().__init__(message)
        self.status = status


def _err(msg: str) -> None:
    print(f"{PROG}: {msg}", file=sys.stderr, flush=True)


def _version() -> str:
    from . import __version__

    return __version__


def _valid_date(value: str) -> str:
    """argparse type for --published: keep the string, refuse what the pipeline cannot read."""
    from .pipeline import parse_published

    try:
        parse_published(value)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None
    return value


def _positive_int(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        n = 0
    if n <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {value!r}")
    return n


# --------------------------------------------------------------------------- extract

def _progress_bar(path: str):
    from tqdm import tqdm

    total = rio.count_records(path)
    return tqdm(total=total, unit=" articles", file=sys.stderr, dynamic_ncols=True,
                disable=total is not None and total <= 1, leave=False)


class _Messages:
    """stderr lines that do not break a progress bar."""

    def __init__(self, bar) -> None:
        self.bar = bar

    def __call__(self, msg: str) -> None:
        if self.bar is not None and not self.bar.disable:
            self.bar.write(f"{PROG}: {msg}", file=sys.stderr)
        else:
            _err(msg)


def cmd_extract(args: argparse.Namespace) -> int:
    """Extract events from articles and write one JSON object per article."""
    from . import get_pipeline
    from .pipeline import settle_for_batch

    source = rio.display_name(args.input)
    articles = rio.read_articles(args.input, published=args.published, outlet=args.outlet,
                                 doc_id=args.doc_id, max_chars=args.max_chars)
    to_stdout = args.output in (None, "-")
    sink = None if to_stdout else rio.open_output(args.output)
    out = sys.stdout if to_stdout else sink
    show = args.progress or (args.progress is None and sys.stderr.isatty())
    bar = None
    say = _Messages(None)
    processed = skipped = failed = events = 0
    multi = False
    t0 = time.perf_counter()
    try:
        pipe = None
        for item in articles:
            if show and bar is None and item.where != source:   # a multi-article input: show a bar
                bar = say.bar = _progress_bar(args.input)
            if bar is not None:
                bar.update(1)
            if isinstance(item, rio.Skipped):
                skipped += 1
                multi = True
                say(f"{item}; line skipped")
                continue
            multi = multi or item.where != source
            for w in item.warnings:
                say(f"warning: {item.where}: {w}")
            if pipe is None:
                pipe = get_pipeline()
                settle_for_batch()
            try:
                doc = pipe.make_document(item.text, **item.meta())
                doc.warnings.extend(item.warnings)
                pipe.run(doc)
                line = json.dumps(doc.to_json(with_spans=not args.no_spans), ensure_ascii=False)
            except Exception as e:  # a bug in a stage must not cost the other articles
                if os.environ.get("RASD_DEBUG"):
                    raise
                failed += 1
                say(f"error: {item.where}: internal error while processing this article "
                    f"({type(e).__name__}: {e}); skipped. Please report it (RASD_DEBUG=1 shows the traceback)")
                continue
            out.write(line + "\n")
            processed += 1
            events += len(doc.events)
    except BaseException:
        if bar is not None:
            bar.close()
        if sink is not None:
            sink.abort()
        raise
    if bar is not None:
        bar.close()
    if processed == 0:
        if sink is not None:
            sink.abort()
        what = "no article could be processed"
        if skipped or failed:
            what += f" (skipped {skipped + failed})"
        raise CliError(f"{source}: {what}")
    if sink is not None:
        sink.commit()
    else:
        sys.stdout.flush()
    if multi or skipped or failed:
        secs = time.perf_counter() - t0
        where = "" if to_stdout else f" -> {args.output}"
        _err(f"processed {processed}, skipped {skipped + failed}: {events} events in {secs:.1f} s{where}")
    return EXIT_INTERNAL if failed else EXIT_OK


# --------------------------------------------------------------------------- normalize

def cmd_normalize(args: argparse.Namespace) -> int:
    """Print the text with moderation-evasion breaks repaired, nothing else changed."""
    from .text.normalize import repair

    source = rio.display_name(args.input)
    stream = rio.open_binary(args.input)
    try:
        data = stream.read()
    except (OSError, EOFError) as e:
        raise CliError(f"{source}: cannot read ({e})") from None
    finally:
        if args.input != rio.STDIN:
            stream.close()
    text, warnings = rio.decode_text(data, source) if data else ("", [])
    for w in warnings:
        _err(f"warning: {source}: {w}")
    fixed = repair(text).text
    if args.output in (None, "-"):
        sys.stdout.write(fixed)
        sys.stdout.flush()
    else:
        with rio.open_output(args.output) as fh:
            fh.write(fixed)
    return EXIT_OK


# --------------------------------------------------------------------------- bench

def cmd_bench(args: argparse.Namespace) -> int:
    """Measure throughput, stage shares and memory over a corpus."""
    from .bench import run_bench

    return run_bench(args.inputs, limit=args.limit, trace_memory=args.tracemalloc,
                     as_json=args.json, profile=args.profile, warm=args.warm, say=_err)


# --------------------------------------------------------------------------- ingest, merge, show, export

_DB_HELP = ("database: a SQLite file (created if missing) or a URL (sqlite:///FILE, "
            "postgresql://USER:PASSWORD@HOST/DB); default $RASD_DB, else ./rasd.db")


def _open_store(db: str | None):
    from .store import Store, StoreError

    try:
        return Store(db)
    except StoreError as e:
        raise CliError(str(e)) from None


def cmd_ingest(args: argparse.Namespace) -> int:
    """Read inputs, extract their events, store them (idempotent, resumable), merge across articles."""
    from pathlib import Path

    from .ingest import Fetcher, Reader
    from .store.loader import ingest
    from .store.repository import redact

    if bool(args.inputs) == bool(args.events):
        raise CliError("give PATH... to read, or --events OUTPUT (the output of rasd spark), not both", EXIT_USAGE)
    store = _open_store(args.db)
    fetcher = Fetcher(timeout=args.timeout, max_bytes=args.max_bytes) if args.fetch else None
    reader = Reader(fetcher=fetcher, published=args.published, outlet=args.outlet, max_chars=args.max_chars)
    show = args.progress or (args.progress is None and sys.stderr.isatty())
    total = None
    if args.inputs and len(args.inputs) == 1 and Path(args.inputs[0]).is_file() and \
            args.inputs[0].lower().endswith(rio.JSONL_SUFFIXES):
        total = rio.count_records(args.inputs[0])
    try:
        if args.events:                     # a rasd spark output: extracted already
            from .scale.load import LoadError, load

            try:
                report = load(store, args.events, batch_size=args.batch, merge=not args.no_merge,
                              progress=show, say=_err)
            except LoadError as e:
                raise CliError(str(e)) from None
        else:
            report = ingest(store, args.inputs, workers=args.workers, reader=reader, merge=not args.no_merge,
                            progress=show, total=total, batch_size=args.batch, say=_err)
    except KeyboardInterrupt:
        _err("interrupted: what was written so far is kept; run the same command again to finish")
        return EXIT_INTERRUPTED
    finally:
        store.close()
    rate = report.read / report.seconds if report.seconds else 0.0
    _err(f"ingested into {redact(store.url)}: {report.read} articles read ({report.new} new, "
         f"{report.updated} updated, {report.unchanged} unchanged), {report.bad} bad inputs, "
         f"{report.failed} failed; {report.raw_events} raw events; {report.seconds:.1f} s "
         f"({rate:.1f} articles/s, {args.workers} worker{'s' if args.workers > 1 else ''})")
    if report.merge is not None:
        m = report.merge
        _err(f"merged: {m.sources} raw events in the store -> {m.events} events")
    if report.problems:
        _err(f"problems ({len(report.problems)}; also in the database's ingest_log, run {report.run_id}):")
        for p in report.problems[:20]:
            _err(f"  {p}")
        if len(report.problems) > 20:
            _err(f"  ... and {len(report.problems) - 20} more")
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False))
    if report.failed:
        return EXIT_INTERNAL
    if report.read == 0 and report.bad:
        return EXIT_INPUT
    return EXIT_OK


def cmd_spark(args: argparse.Namespace) -> int:
    """Run the pipeline, places and merge on Apache Spark (rasd.scale.spark)."""
    from .scale.spark import command

    return command(args, say=_err)


def cmd_merge(args: argparse.Namespace) -> int:
    """Group the stored raw events into events across articles (incremental; --full regroups all)."""
    from .store import merge_store

    store = _open_store(args.db)
    try:
        stats = merge_store(store, full=args.full)
    finally:
        store.close()
    what = "everything" if stats.since is None and stats.regrouped else (
        f"from {stats.since.isoformat()} on" if stats.since else "nothing new")
    _err(f"merged ({what}): {stats.sources} raw events -> {stats.events} events "
         f"({stats.regrouped} regrouped, {stats.written} written, {stats.removed} removed)")
    if args.json:
        print(json.dumps(stats.as_dict()))
    return EXIT_OK


def cmd_show(args: argparse.Namespace) -> int:
    """Print one merged event, its sources with their evidence, and why they were merged."""
    from .store.merge import event_detail

    store = _open_store(args.db)
    try:
        d = event_detail(store, args.event_id)
    finally:
        store.close()
    if d is None:
        raise CliError(f"no event {args.event_id!r} in this database")
    if args.json:
        print(json.dumps(d, ensure_ascii=False, indent=2, default=str))
        return EXIT_OK
    e = d["event"]
    dates = e["date_start"] if e["date_start"] == e["date_end"] else f"{e['date_start']} - {e['date_end']}"
    out = [f"event {e['event_id']}: {e['event_type']} / {e['sub_event_type']}",
           f"  date        {dates} (time precision {e['time_precision']})",
           f"  place       {e['location_name']} ({e['admin1'] or '-'}, {e['country'] or '-'}; "
           f"{e['lat']}, {e['lon']}; geo precision {e['geo_precision']})",
           f"  sides       {e['actor1_name'] or '-'} -> {e['actor2_name'] or '-'}"
           f"{'  (civilians targeted)' if e['civilian_targeting'] else ''}",
           f"  fatalities  {e['fatalities'] if e['fatalities'] is not None else e['fatalities_text'] or '-'}"
           f" (low/best/high {e['fatalities_low']}/{e['fatalities_best']}/{e['fatalities_high']})",
           f"  injuries    {e['injuries'] if e['injuries'] is not None else '-'}"
           f" (low/best/high {e['injuries_low']}/{e['injuries_best']}/{e['injuries_high']})",
           f"  reported by {', '.join(e['reported_by']) or '-'}",
           f"  outlets     {', '.join(e['outlets']) or '-'}",
           f"  sources     {e['n_sources']} reports in {e['n_articles']} articles",
           f"  merge rule  {d['rule']}", ""]
    for i, s in enumerate(d["sources"], 1):
        a = s["article"]
        sd = s["date_start"] if s["date_start"] == s["date_end"] else f"{s['date_start']} - {s['date_end']}"
        out += [f"source {i}: {a['outlet'] or '-'}, {a['published'] or '-'}: {a['title'] or a['doc_id'] or '-'}",
                f"  url         {a['url'] or a['read_from']}",
                f"  reads       {s['sub_event_type']}, {sd}, {s['location']} (precision {s['geo_precision']}), "
                f"{s['actor1'] or '?'} -> {s['actor2'] or '?'}, killed {s['fatalities']}, injured {s['injuries']}",
                f"  reported by {', '.join(s['reported_by']) or '-'}",
                f"  evidence    {s['evidence']}  [{s['evidence_span'][0]}:{s['evidence_span'][1]}]",
                f"  why         {s['why']}", ""]
    sys.stdout.write("\n".join(out))
    sys.stdout.flush()
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    """Write the merged events as ACLED-style CSV, GeoJSON, JSON Lines or Parquet."""
    from .export import Filters, export
    from .pipeline import parse_published

    if args.format == "parquet" and args.output in (None, "-") and sys.stdout.isatty():
        raise CliError("Parquet is binary: give -o FILE (or redirect standard output)", EXIT_USAGE)
    filters = Filters(date_from=parse_published(args.date_from) if args.date_from else None,
                      date_to=parse_published(args.date_to) if args.date_to else None,
                      country=args.country, event_type=args.type)
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        raise CliError(f"--from {filters.date_from} is after --to {filters.date_to}", EXIT_USAGE)
    store = _open_store(args.db)
    try:
        n = export(store, args.format, args.output, filters)
    finally:
        store.close()
    _err(f"exported {n} events ({args.format}){' -> ' + args.output if args.output not in (None, '-') else ''}")
    return EXIT_OK


# --------------------------------------------------------------------------- serve, bench-serve

def cmd_serve(args: argparse.Namespace) -> int:
    """Run the web page and its API over the store (reads open; writes need the token)."""
    from .store import StoreError
    from .web.serve import ServeError, serve

    try:
        serve(args.db, host=args.host, port=args.port, token=args.token, log_level=args.log_level)
    except ServeError as e:
        raise CliError(str(e), EXIT_USAGE) from None
    except StoreError as e:
        raise CliError(str(e)) from None
    return EXIT_OK


def cmd_bench_serve(args: argparse.Namespace) -> int:
    """Build (or reuse) a large store and time the API requests the page makes per filter change."""
    from .web.bench import run

    return run(args.db, events=args.events, corpus=args.corpus, build_db=args.build, workers=args.workers,
               repeat=args.repeat, as_json=args.json, say=_err)


# --------------------------------------------------------------------------- parser

def _add_progress(p: argparse.ArgumentParser) -> None:
    g = p.add_mutually_exclusive_group()
    g.add_argument("--progress", action="store_true", default=None,
                   help="show a progress bar on stderr (default: when stderr is a terminal)")
    g.add_argument("--no-progress", dest="progress", action="store_false")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=PROG,
        description="Rasd: Arabic conflict news -> ACLED-style events, each field with its evidence.",
        epilog="Run 'rasd COMMAND --help' for a command's options.")
    p.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    e = sub.add_parser("extract", help="extract events from articles (JSON Lines out)",
                       description="Extract events from one article (plain text) or many (JSON Lines: "
                                   "fields doc_id, outlet, url, published, title, text) and write one "
                                   "JSON object per article.")
    e.add_argument("input", metavar="INPUT",
                   help="a .jsonl file (also .jsonl.gz/.xz/.bz2), a .json file, a plain-text file "
                        "(one article), or - for stdin (JSON Lines if it starts with '{')")
    e.add_argument("-o", "--output", metavar="OUT",
                   help="output file (written atomically); - or absent: stdout")
    e.add_argument("--published", metavar="DATE", type=_valid_date,
                   help="publication date (YYYY-MM-DD or ISO date-time) for a plain-text article, "
                        "and for JSONL records without one; relative dates resolve against it")
    e.add_argument("--outlet", metavar="NAME", help="outlet name (for records without one)")
    e.add_argument("--doc-id", metavar="ID",
                   help="id of a plain-text article (default: the file name); for JSONL, the prefix "
                        "of ids given to records without one (ID:LINE)")
    e.add_argument("--no-spans", action="store_true",
                   help="leave out the character offsets of evidence and places")
    e.add_argument("--max-chars", metavar="N", type=_positive_int, default=rio.MAX_CHARS,
                   help=f"cut longer articles with a warning (default {rio.MAX_CHARS:,})")
    _add_progress(e)
    e.set_defaults(func=cmd_extract)

    n = sub.add_parser("normalize", help="repair moderation-evasion breaks (قصـ.ف -> قصف)",
                       description="Print the text with moderation-evasion breaks repaired "
                                   "and nothing else changed.")
    n.add_argument("input", metavar="FILE", help="a text file, or - for stdin")
    n.add_argument("-o", "--output", metavar="OUT", help="output file; - or absent: stdout")
    n.set_defaults(func=cmd_normalize)

    b = sub.add_parser("bench", help="measure speed and memory on a corpus",
                       description="Run the pipeline over JSONL corpora (.jsonl, .jsonl.gz, .jsonl.xz) "
                                   "and print articles/s, characters/s, per-stage time shares, peak "
                                   "memory and events found.  Default corpus: "
                                   "/work/shared/data/corpus/ant-2018-conflict.jsonl if present, "
                                   "else the bundled examples.")
    b.add_argument("inputs", metavar="JSONL", nargs="*")
    b.add_argument("--limit", metavar="N", type=_positive_int, help="use only the first N articles")
    b.add_argument("--tracemalloc", action="store_true",
                   help="also trace Python allocations (slower; peak traced memory is reported)")
    b.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    b.add_argument("--profile", metavar="N", type=_positive_int, nargs="?", const=25, default=0,
                   help="also profile the run (cProfile) and print the N functions with the most "
                        "time of their own (default 25)")
    b.add_argument("--warm", action="store_true",
                   help="run the corpus once before measuring: the steady state of a long run, "
                        "whose per-word memos are full (default: measure from cold)")
    b.set_defaults(func=cmd_bench)

    from .geo.commands import add_parser as _gazetteer_parser   # rasd gazetteer info|lookup|add|remove

    _gazetteer_parser(sub)

    i = sub.add_parser("ingest", help="store articles and their events in a database (idempotent)",
                       description="Read articles from files and directories (.txt, .html, RSS/Atom, .jsonl, "
                                   ".json, WARC; also .gz/.xz/.bz2), extract their events, store them, and "
                                   "merge the same event across articles.  Known articles with the same "
                                   "text are passed over; changed ones are re-extracted.  Safe to interrupt "
                                   "and run again.  Bad inputs are reported (and logged in the database) "
                                   "without stopping the batch.")
    i.add_argument("inputs", metavar="PATH", nargs="*", help="files, directories, or - for stdin")
    i.add_argument("--events", metavar="OUTPUT",
                   help="load the output directory of rasd spark (its articles/ and errors/) instead of "
                        "reading and extracting PATHs")
    i.add_argument("--db", metavar="URL", help=_DB_HELP)
    i.add_argument("--workers", metavar="N", type=_positive_int, default=1,
                   help="extraction processes (default 1)")
    i.add_argument("--fetch", action="store_true",
                   help="for feeds, fetch the pages the items link to (http/https only, robots.txt respected)")
    i.add_argument("--timeout", metavar="SECONDS", type=float, default=15.0, help="per request with --fetch")
    i.add_argument("--max-bytes", metavar="N", type=_positive_int, default=5 * 1024 * 1024,
                   help="largest page fetched with --fetch (default 5 MiB)")
    i.add_argument("--published", metavar="DATE", type=_valid_date,
                   help="publication date for inputs that give none (plain text)")
    i.add_argument("--outlet", metavar="NAME", help="outlet for inputs that name none")
    i.add_argument("--max-chars", metavar="N", type=_positive_int, default=rio.MAX_CHARS,
                   help=f"cut longer articles with a warning (default {rio.MAX_CHARS:,})")
    i.add_argument("--batch", metavar="N", type=_positive_int, default=64,
                   help="articles per transaction (default 64)")
    i.add_argument("--no-merge", action="store_true", help="do not merge after ingesting (run rasd merge later)")
    i.add_argument("--json", action="store_true", help="print the run's figures as one JSON object")
    _add_progress(i)
    i.set_defaults(func=cmd_ingest)

    from .scale.spark import add_arguments as _spark_arguments

    k = sub.add_parser("spark", help="run on Apache Spark: extract, place and merge events from large archives",
                       description="Read articles (JSON Lines, JSON, Parquet, WARC, HTML, feeds, text; local, "
                                   "HDFS or S3 paths) on a Spark cluster, extract them with the same pipeline "
                                   "(once per worker), and write events and places as Parquet partitioned by "
                                   "country and month, the events merged across articles, the articles and "
                                   "the bad inputs.  Needs pyspark (pip install 'rasd[spark]') and Java.")
    _spark_arguments(k)
    k.set_defaults(func=cmd_spark)

    m = sub.add_parser("merge", help="merge the same event across articles",
                       description="Group stored raw events into events: same type, dates within a day, "
                                   "places within 10 km (or the same place at precision 2-3), compatible "
                                   "sides.  Incremental; deterministic.")
    m.add_argument("--db", metavar="URL", help=_DB_HELP)
    m.add_argument("--full", action="store_true", help="regroup every raw event, not only from the new ones on")
    m.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    m.set_defaults(func=cmd_merge)

    s = sub.add_parser("show", help="one event: its sources, their evidence, why they were merged",
                       description="Print a merged event, each source (article, outlet, URL, its own reading, "
                                   "evidence sentence with offsets) and why it was merged with the others.")
    s.add_argument("event_id", metavar="EVENT_ID", help="an event id (E3f2a...) or event_id_cnty (SYR-E3f2a...)")
    s.add_argument("--db", metavar="URL", help=_DB_HELP)
    s.add_argument("--json", action="store_true", help="print it as JSON")
    s.set_defaults(func=cmd_show)

    x = sub.add_parser("export", help="write the events as ACLED-style CSV, GeoJSON, JSON Lines or Parquet",
                       description="Write the merged events.  acled-csv: ACLED's column names plus Rasd's "
                                   "(injuries, breakdowns, reported_by, evidence, article URLs), UTF-8 with "
                                   "BOM; geojson: points (QGIS, geopandas); jsonl: nested, with sources; "
                                   "parquet: typed columns (pandas, DuckDB).")
    x.add_argument("--db", metavar="URL", help=_DB_HELP)
    x.add_argument("--format", required=True, choices=["acled-csv", "geojson", "jsonl", "parquet"])
    x.add_argument("-o", "--output", metavar="FILE", help="output file (written atomically); absent or -: stdout")
    x.add_argument("--from", dest="date_from", metavar="DATE", type=_valid_date,
                   help="events on or after this date")
    x.add_argument("--to", dest="date_to", metavar="DATE", type=_valid_date, help="events on or before this date")
    x.add_argument("--country", metavar="CODE", help="ISO-2, ISO-3 or English name (SY, SYR, Syria)")
    x.add_argument("--type", metavar="TYPE", help="an event type or sub-event type (e.g. Battles, 'Air/drone strike')")
    x.set_defaults(func=cmd_export)

    w = sub.add_parser("serve", help="the web page (map, timeline, table, event view, corrections) and its API",
                       description="Serve the store over HTTP: the page at /, the API at /api (OpenAPI at /docs). "
                                   "Reads are open; adding articles and corrections need the token "
                                   "(Authorization: Bearer TOKEN). Listening on a non-local address without a "
                                   "token is refused.")
    w.add_argument("--db", metavar="URL", help=_DB_HELP)
    w.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    w.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    w.add_argument("--token", metavar="TOKEN", help="the write token (default $RASD_TOKEN); required "
                                                    "with a non-local --host")
    w.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"])
    w.set_defaults(func=cmd_serve)

    bs = sub.add_parser("bench-serve", help="time the web API over a large store (50,000 events)",
                        description="Build a store of --events events (a real corpus ingested, then its events "
                                    "cloned with shifted dates and places) unless the store already holds as "
                                    "many, then time over HTTP the requests the page makes per filter change "
                                    "(table page, map GeoJSON, stats) for typical filters: p50/p95 in ms.")
    bs.add_argument("--db", metavar="URL", help="the store to build or reuse (default $RASD_DB, else ./rasd-bench.db)")
    bs.add_argument("--events", metavar="N", type=_positive_int, default=50_000, help="events (default 50,000)")
    bs.add_argument("--corpus", metavar="JSONL", nargs="*",
                    help="articles to ingest first (default: the ANT 2018 conflict corpus when present)")
    bs.add_argument("--build", action="store_true", help="build even if the store is big enough")
    bs.add_argument("--workers", metavar="N", type=_positive_int, default=2, help="ingest processes (default 2)")
    bs.add_argument("--repeat", metavar="N", type=_positive_int, default=10, help="rounds per filter (default 10)")
    bs.add_argument("--json", action="store_true", help="print the figures as JSON")
    bs.set_defaults(func=cmd_bench_serve)
    return p


def _utf8_stdio() -> None:
    for stream in (sys.stdout, sys.stderr):
        enc = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        if enc != "utf8" and hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(encoding="utf-8", errors="backslashreplace")
            except (ValueError, OSError):  # pragma: no cover
                pass


def main(argv: list[str] | None = None) -> int:
    _utf8_stdio()
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return args.func(args)
    except rio.InputError as e:
        _err(f"error: {e}")
        return EXIT_INPUT
    except CliError as e:
        _err(f"error: {e}")
        return e.status
    except KeyboardInterrupt:
        _err("interrupted (an output file, if any, was left as it was)")
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # `rasd extract ... | head`
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        return EXIT_OK
    except OSError as e:
        where = getattr(e, "filename", None)
        _err(f"error: {where + ': ' if where else ''}{e.strerror or e}")
        return EXIT_INPUT


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
