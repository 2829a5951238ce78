"""Any input -> a stream of articles: files by format, directories, compressed files.

Formats, by suffix and else by the first bytes:

=====================================  =======================================
``.jsonl``/``.ndjson`` (``{`` first)   JSON Lines of articles (``rasd.io``'s reader)
``.json`` (``[`` first)                one article object or an array of them
``.parquet`` (``PAR1`` first)          a table of articles, one per row (``parquet.py``)
``.html``/``.htm``/``.xhtml``          a news page (``html.py``)
``.rss``/``.atom``/``.xml`` feeds       RSS/Atom (``feeds.py``)
``.warc``/``.warc.gz``                 WARC (``warc.py``)
``.txt`` and anything else              one plain-text article
directories                            every file below them, in name order
                                       (hidden files and folders passed over)
``.gz``/``.xz``/``.bz2``               any of these, compressed
=====================================  =======================================

A problem with one input (missing, binary, corrupt archive, undecodable) or
one record in it becomes a :class:`rasd.io.Skipped` with the file and the line,
record or item, and reading goes on with the next.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO, Iterable, Iterator

from .. import io as rio
from ..io import Article, InputError, Skipped, check_text
from .encoding import decode_bytes
from .feeds import looks_like_feed, read_feed
from .fetch import Fetcher
from .html import looks_like_html, read_html
from .parquet import looks_like_parquet, read_parquet
from .warc import looks_like_warc, read_warc

HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".shtml", ".php", ".aspx")
FEED_SUFFIXES = (".rss", ".atom", ".xml", ".rdf")
WARC_SUFFIXES = (".warc", ".arc")
MAX_PAGE_BYTES = 20 * 1024 * 1024      # a "page" larger than this is not a news page


def _format(name: str, head: bytes) -> str:
    """jsonl, json, parquet, html, feed, warc or text."""
    if name.endswith(".parquet") or looks_like_parquet(head):
        return "parquet"
    if name.endswith(rio.JSONL_SUFFIXES):
        return "jsonl"
    if name.endswith(".json"):
        return "json"
    if name.endswith(WARC_SUFFIXES) or looks_like_warc(head):
        return "warc"
    if name.endswith(FEED_SUFFIXES) or looks_like_feed(head):
        return "feed" if looks_like_feed(head) or not looks_like_html(head) else "html"
    if name.endswith(HTML_SUFFIXES) or looks_like_html(head):
        return "html"
    if name.endswith(rio.TEXT_SUFFIXES):
        return "text"
    first = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    return {b"{": "jsonl", b"[": "json"}.get(first, "text")


def _read_all(stream: BinaryIO, head: bytes, limit: int, source: str) -> tuple[bytes, bool]:
    data = head + stream.read(max(0, limit - len(head)))
    more = len(data) >= limit and bool(stream.read(1))
    return data, more


def iter_files(root: Path) -> Iterator[Path]:
    """Regular files under ``root``, in name order, hidden ones passed over."""
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for f in sorted(filenames):
            if not f.startswith("."):
                p = Path(dirpath) / f
                if p.is_file():
                    yield p


class Reader:
    """``Reader(fetcher=...).read(paths)``: every article of every input, in order."""

    def __init__(self, *, fetcher: Fetcher | None = None, published=None, outlet: str | None = None,
                 max_chars: int = rio.MAX_CHARS) -> None:
        self.fetcher = fetcher
        self.published = published
        self.outlet = outlet
        self.max_chars = max_chars

    def read(self, paths: Iterable[str]) -> Iterator[Article | Skipped]:
        for path in paths:
            if path == rio.STDIN:
                yield from self._guard(rio.STDIN_NAME, lambda: rio.read_articles(
                    path, published=self.published, outlet=self.outlet, max_chars=self.max_chars))
                continue
            p = Path(path)
            if p.is_dir():
                for f in iter_files(p):
                    yield from self.read_file(str(f))
            elif not p.exists():
                yield Skipped(path, "no such file or directory")
            else:
                yield from self.read_file(path)

    @staticmethod
    def _guard(source: str, make) -> Iterator[Article | Skipped]:
        """Items of ``make()``; an error while reading becomes a Skipped item, and reading goes on."""
        try:
            yield from make()
        except InputError as e:
            yield Skipped(e.source, e.message)
        except (OSError, EOFError, ValueError, MemoryError) as e:
            yield Skipped(source, f"cannot read ({type(e).__name__}: {e})")
        except Exception as e:  # zlib.error, lzma.LZMAError and friends from a corrupt archive
            yield Skipped(source, f"cannot read ({type(e).__name__}: {e})")

    def read_file(self, path: str) -> Iterator[Article | Skipped]:
        yield from self._guard(path, lambda: self._read_file(path))

    def _read_file(self, path: str) -> Iterator[Article | Skipped]:
        name, opener = rio._strip_compression(Path(path).name)
        if opener is not None and name.endswith(WARC_SUFFIXES) and path.lower().endswith(".gz"):
            opener = None                       # warcio reads gzip-per-record files itself
        try:
            stream = opener(path, "rb") if opener else open(path, "rb")
        except OSError as e:
            yield Skipped(path, e.strerror or str(e))
            return
        with stream:
            head = stream.read(1 << 16)
            if not head:
                yield Skipped(path, "empty file")
                return
            fmt = _format(name, head)
            if fmt in ("jsonl", "json"):
                yield from rio.read_articles(path, published=self.published, outlet=self.outlet,
                                             max_chars=self.max_chars, fmt=fmt)
            elif fmt == "parquet":
                stream.seek(0)
                yield from read_parquet(stream, path, published=self.published, outlet=self.outlet,
                                        max_chars=self.max_chars)
            elif fmt == "warc":
                stream.seek(0)
                yield from read_warc(stream, path, max_chars=self.max_chars)
            elif fmt == "feed":
                data, more = _read_all(stream, head, MAX_PAGE_BYTES, path)
                if more:
                    yield Skipped(path, f"feed larger than {MAX_PAGE_BYTES:,} bytes")
                    return
                yield from read_feed(data, path, fetcher=self.fetcher, max_chars=self.max_chars)
            elif fmt == "html":
                data, more = _read_all(stream, head, MAX_PAGE_BYTES, path)
                if more:
                    yield Skipped(path, f"page larger than {MAX_PAGE_BYTES:,} bytes")
                    return
                yield read_html(data, path, published=self.published, outlet=self.outlet,
                                max_chars=self.max_chars)
            else:
                yield self._text(path, name, stream, head)

    def _text(self, path: str, name: str, stream: BinaryIO, head: bytes) -> Article | Skipped:
        limit = 4 * self.max_chars + 4
        data, more = _read_all(stream, head, limit, path)
        if more:                                 # do not split a UTF-8 sequence
            cut = max(data.rfind(b"\n"), data.rfind(b" "))
            data = data[:cut] if cut > 0 else data
        try:
            text, warnings = decode_bytes(data, path)
        except InputError as e:
            return Skipped(path, e.message)
        if not text.strip():
            return Skipped(path, "empty file (no article to process)")
        text, more_w = check_text(text, self.max_chars)
        if more:
            more_w.insert(0, f"input is over {limit:,} bytes: only the first {len(text):,} characters were read")
        stem = name.rsplit(".", 1)[0] if "." in name else name
        return Article(text=text, where=path, doc_id=stem, outlet=self.outlet, published=self.published,
                       warnings=warnings + more_w)


def read_inputs(paths: Iterable[str], **kw) -> Iterator[Article | Skipped]:
    """Every article of ``paths`` (files, directories, ``-``); see :class:`Reader`."""
    return Reader(**kw).read(paths)
