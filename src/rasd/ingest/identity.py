"""What makes two inputs the same article: its canonical URL, else a hash of its normalised text.

``article_key`` is the store's identity of an article:

* ``url:`` + the canonical URL: scheme and host lower-cased, ``http`` and
  ``https`` treated alike, default ports, fragments and tracking parameters
  (``utm_*``, ``fbclid``, ...) dropped, the path percent-decoded (outlets and
  feeds write the same Arabic path both ways) and without a trailing slash;
* ``text:`` + the SHA-256 of the normalised text when there is no usable URL.

``text_hash`` (of the normalised text: Unicode NFC, whitespace runs collapsed)
tells whether a known article changed: the same key with another hash is the
article re-published with an edited text.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

_TRACKING = re.compile(r"^(utm_[a-z]+|fbclid|gclid|mc_cid|mc_eid|ocid|cmpid|at_medium|at_campaign)$", re.I)
_WS = re.compile(r"\s+")


def normalise_text(text: str) -> str:
    return _WS.sub(" ", unicodedata.normalize("NFC", text)).strip()


def text_hash(text: str) -> str:
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()


def canonical_url(url: str | None) -> str | None:
    """The comparable form of an http(s) URL; None for anything else."""
    if not url or not isinstance(url, str):
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower().rstrip(".")
    try:
        port = parts.port
    except ValueError:
        return None
    netloc = host if port in (None, 80, 443) else f"{host}:{port}"
    path = unicodedata.normalize("NFC", unquote(parts.path)) or "/"
    if len(path) > 1:
        path = path.rstrip("/")
    query = urlencode(sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                             if not _TRACKING.match(k)))
    return urlunsplit(("https", netloc, path, query, ""))


def article_key(url: str | None, text: str) -> str:
    canon = canonical_url(url)
    return f"url:{canon}" if canon else f"text:{text_hash(text)}"
