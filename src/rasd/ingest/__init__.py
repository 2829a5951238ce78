"""Ingestion: any input (text, news pages, feeds, JSON Lines, WARC, directories, archives) -> articles.

    from rasd.ingest import read_inputs
    for item in read_inputs(["pages/", "feed.rss", "crawl.warc.gz"]):
        ...   # rasd.io.Article (text + metadata + warnings) or rasd.io.Skipped (where, reason)

The readers only read: extraction and storage are ``rasd.store.loader``'s job
(``rasd ingest``).  ``article_key``/``text_hash`` say which inputs are the same
article (``identity.py``).
"""
from .fetch import Fetcher, FetchError
from .identity import article_key, canonical_url, text_hash
from .readers import Reader, read_inputs

__all__ = ["read_inputs", "Reader", "Fetcher", "FetchError", "article_key", "canonical_url", "text_hash"]
