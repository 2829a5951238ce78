"""News pages (HTML) -> articles: the main text by trafilatura, the metadata from the page.

trafilatura finds the article body among navigation, related links and
footers, and reads the page's metadata: the title (``og:title``, ``<title>``),
the outlet (``og:site_name``, else the host name), the canonical URL
(``<link rel=canonical>``, ``og:url``) and the publication date
(``article:published_time``, JSON-LD, ``<time>``; via htmldate).  What the page
does not say can come from the caller: the URL the page was fetched from or
archived under (WARC), and a fallback date (a feed item's date, a crawl date).
"""
from __future__ import annotations

import logging
from urllib.parse import urlsplit

from ..io import Article, InputError, Skipped, check_text
from ..pipeline import parse_published
from .encoding import decode_bytes, declared_charset

MIN_CHARS = 40          # less than this is a menu or a caption, not an article

for _name in ("trafilatura", "htmldate", "courlan", "charset_normalizer"):
    logging.getLogger(_name).setLevel(logging.CRITICAL)


def looks_like_html(head: bytes) -> bool:
    h = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:512].lower()
    return h.startswith((b"<!doctype html", b"<html")) or (b"<html" in h and b"<body" in head[:8192].lower()) \
        or (h.startswith(b"<") and b"<head" in h)


def html_to_text(html: str) -> str:
    """The visible text of an HTML fragment (a feed item's summary), paragraphs on their own lines."""
    import lxml.html

    if "<" not in html:
        return html.strip()
    try:
        root = lxml.html.fromstring(html)
    except Exception:   # lxml raises several types on junk
        return html.strip()
    for el in root.iter("br", "p", "div", "li", "h1", "h2", "h3", "h4"):
        el.tail = "\n" + (el.tail or "")
    for el in root.iter("script", "style"):
        el.drop_tree()
    lines = (" ".join(line.split()) for line in root.text_content().splitlines())
    return "\n".join(line for line in lines if line)


def _drop_headline(text: str, title: str | None) -> str:
    """The body without a first line that repeats the headline (kept apart, in ``title``)."""
    if not title or "\n" not in text:
        return text
    first, rest = text.split("\n", 1)
    if " ".join(first.split()) == " ".join(title.split()):
        return rest.strip()
    return text


def read_html(data: bytes, where: str, *, url: str | None = None, content_type: str | None = None,
              published=None, outlet: str | None = None, max_chars: int | None = None) -> Article | Skipped:
    """One page -> an :class:`Article`, or :class:`Skipped` with the reason (no text, undecodable)."""
    import trafilatura

    try:
        html, warnings = decode_bytes(data, where, declared_charset(data, content_type))
    except InputError as e:
        return Skipped(where, e.message)
    try:
        doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False,
                                          deduplicate=False)
    except Exception as e:  # trafilatura on malformed markup: report it, keep the batch going
        return Skipped(where, f"HTML could not be parsed ({type(e).__name__}: {e})")
    text = (doc.text or "").strip() if doc is not None else ""
    text = _drop_headline(text, doc.title if doc is not None else None)
    if len(text) < MIN_CHARS:
        found = f" (only {len(text)} characters: {text[:40]!r})" if text else ""
        return Skipped(where, f"no article text found in the page{found}")
    kwargs = {} if max_chars is None else {"max_chars": max_chars}
    text, more = check_text(text, **kwargs)
    page_url = doc.url if doc.url and urlsplit(doc.url).scheme in ("http", "https") else url
    art = Article(text=text, where=where, url=page_url, title=doc.title or None,
                  outlet=doc.sitename or outlet or (doc.hostname or None),
                  warnings=warnings + more)
    if doc.date:
        art.published = doc.date
    elif published:
        try:
            parse_published(published)
            art.published = published
            art.warnings.append(f"no publication date in the page: {published} (from the feed, the crawl "
                                "or --published) used")
        except ValueError:
            art.warnings.append(f"no publication date in the page, and unreadable fallback {published!r}")
    else:
        art.warnings.append("no publication date in the page")
    if outlet and not doc.sitename:
        art.outlet = outlet
    return art
