"""RSS and Atom feeds -> articles (feedparser); with ``fetch``, the linked pages themselves.

Without fetching, an item's article is its full content (``content:encoded``,
Atom ``content``) or else its summary, with the item's title, link and date
and the feed's title as outlet.  With a :class:`~rasd.ingest.fetch.Fetcher`,
the page each item links to is fetched (politely: see ``fetch.py``) and read
as a news page; when that fails the item's own text is used, with a warning
saying why; an item with neither is reported as skipped.
"""
from __future__ import annotations

import time
from typing import Iterator

from ..io import Article, Skipped, check_text
from ..pipeline import parse_published
from .fetch import Fetcher, FetchError
from .html import html_to_text, read_html


def looks_like_feed(head: bytes) -> bool:
    h = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:2048].lower()
    return h.startswith(b"<?xml") and (b"<rss" in h or b"<feed" in h or b"<rdf:rdf" in h) \
        or h.startswith((b"<rss", b"<feed", b"<rdf:rdf"))


def _entry_date(entry) -> str | None:
    for key in ("published", "updated", "created"):
        raw = entry.get(key)
        if raw:
            try:
                parse_published(raw)
                return raw
            except ValueError:
                pass
        parsed = entry.get(f"{key}_parsed")
        if parsed:
            return time.strftime("%Y-%m-%d", parsed)
    return None


def _entry_text(entry) -> str:
    for c in entry.get("content") or ():
        if c.get("value"):
            return html_to_text(c["value"])
    return html_to_text(entry.get("summary") or entry.get("description") or "")


def read_feed(data: bytes, where: str, *, fetcher: Fetcher | None = None,
              max_chars: int | None = None) -> Iterator[Article | Skipped]:
    import feedparser

    parsed = feedparser.parse(data)
    entries = parsed.get("entries") or []
    if not entries:
        reason = "no items in the feed"
        if parsed.get("bozo"):
            reason = f"not a readable feed ({parsed.get('bozo_exception')})"
        yield Skipped(where, reason)
        return
    outlet = (parsed.get("feed") or {}).get("title") or None
    kwargs = {} if max_chars is None else {"max_chars": max_chars}
    for i, entry in enumerate(entries, 1):
        item_where = f"{where}[item {i}]"
        link = entry.get("link")
        published = _entry_date(entry)
        fetch_note = None
        if fetcher is not None and link:
            try:
                page = fetcher.get(link)
            except FetchError as e:
                fetch_note = f"linked page not fetched ({e}): the feed's own text was used"
            else:
                art = read_html(page.data, f"{item_where} {page.url}", url=page.url,
                                content_type=page.content_type, published=published, outlet=outlet,
                                max_chars=max_chars)
                if isinstance(art, Article):
                    art.title = art.title or entry.get("title")
                    yield art
                    continue
                fetch_note = f"linked page unusable ({art.reason}): the feed's own text was used"
        text = _entry_text(entry)
        if not text.strip():
            reason = "item has no text"
            if fetch_note:
                reason += f"; {fetch_note}"
            yield Skipped(item_where, reason)
            continue
        text, warnings = check_text(text, **kwargs)
        art = Article(text=text, where=item_where, url=link, title=entry.get("title") or None,
                      outlet=outlet, published=published, warnings=warnings)
        if fetch_note:
            art.warnings.append(fetch_note)
        if published is None:
            art.warnings.append("item has no date")
        yield art
