"""The ``rasd`` command: one function per subcommand.

    rasd extract INPUT [-o OUT] [--published DATE] [--outlet NAME] [--doc-id ID] [--no-spans]
    rasd normalize FILE|-
    rasd bench [JSONL ...] [--limit N]
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
                     as_json=args.json, say=_err)


# --------------------------------------------------------------------------- parser

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
    prog = e.add_mutually_exclusive_group()
    prog.add_argument("--progress", action="store_true", default=None,
                      help="show a progress bar on stderr (default: when stderr is a terminal)")
    prog.add_argument("--no-progress", dest="progress", action="store_false")
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
    b.set_defaults(func=cmd_bench)
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
