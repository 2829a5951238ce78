"""WARC files (warcio) -> articles, as Common Crawl News ships them.

Each ``response`` record with HTTP status 200 and an HTML body (and each
``resource`` record with an HTML body) is a page read by ``html.py``; its URL
is the record's ``WARC-Target-URI`` and the crawl date (``WARC-Date``) stands
in for a publication date the page does not give.  Requests, metadata,
redirects and non-HTML bodies are passed over.  Gzip-per-record files
(``.warc.gz``) are read as they are.  A record that cannot be read ends the
file (a WARC cannot be resynchronised) and is reported with its number.
"""
from __future__ import annotations

from typing import BinaryIO, Iterator

from ..io import Article, Skipped
from .html import read_html

_HTML_TYPES = ("text/html", "application/xhtml+xml")


def looks_like_warc(head: bytes) -> bool:
    return head.startswith(b"WARC/") or (head[:2] == b"\x1f\x8b" and b"WARC/" in _gunzip_head(head))


def _gunzip_head(head: bytes) -> bytes:
    import zlib

    try:
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 64)
    except zlib.error:
        return b""


def read_warc(stream: BinaryIO, where: str, *, max_chars: int | None = None) -> Iterator[Article | Skipped]:
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    n = 0
    try:
        for record in ArchiveIterator(stream):
            n += 1
            rtype = record.rec_type
            if rtype not in ("response", "resource"):
                continue
            if rtype == "response":
                if record.http_headers is None:
                    continue
                status = record.http_headers.get_statuscode()
                ctype = record.http_headers.get_header("Content-Type") or ""
                if status != "200":
                    continue
            else:
                ctype = record.rec_headers.get_header("Content-Type") or ""
            if not ctype.split(";")[0].strip().lower() in _HTML_TYPES:
                continue
            url = record.rec_headers.get_header("WARC-Target-URI")
            crawl_date = (record.rec_headers.get_header("WARC-Date") or "")[:10] or None
            try:
                body = record.content_stream().read()
            except Exception as e:   # a broken chunked/gzip body: this record only
                yield Skipped(f"{where}[record {n}]", f"unreadable body ({type(e).__name__}: {e})")
                continue
            yield read_html(body, f"{where}[record {n}]", url=url, content_type=ctype,
                            published=crawl_date, max_chars=max_chars)
    except ArchiveLoadFailed as e:
        yield Skipped(f"{where}[record {n + 1}]", f"not a readable WARC record ({str(e).strip()[:200]})")
    except Exception as e:   # a truncated or corrupt archive fails in many ways inside warcio and zlib
        yield Skipped(f"{where}[record {n + 1}]", f"cannot read: truncated or corrupt ({type(e).__name__}: {e})")
    if n == 0:
        yield Skipped(where, "no WARC records")
