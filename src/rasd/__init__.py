"""Rasd: Arabic conflict news -> ACLED-style event data, every field with its evidence.

>>> import rasd
>>> doc = rasd.extract(text, published="2019-12-27")        # doctest: +SKIP
>>> [e.sub_event_type for e in doc.events]                   # doctest: +SKIP
>>> doc.to_json()                                            # doctest: +SKIP

``extract`` builds one :class:`Pipeline` on first use (loading the knowledge
files and the gazetteer takes a moment) and reuses it for every later call.
"""
from __future__ import annotations

import threading

from .compiled import warn_if_stale

warn_if_stale()   # an in-place compiled module older than its source would run old code

from .document import Actor, DateValue, Document, Event, Place, Quantity, Span  # noqa: E402
from .pipeline import Pipeline  # noqa: E402

try:
    from importlib.metadata import PackageNotFoundError, version as _version

    __version__ = _version("rasd")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+unknown"

__all__ = ["extract", "get_pipeline", "Document", "Event", "Place", "Actor", "Span",
           "Quantity", "DateValue", "Pipeline", "__version__"]

_PIPELINE: Pipeline | None = None
_LOCK = threading.Lock()


def get_pipeline() -> Pipeline:
    """The process-wide pipeline, built on first use."""
    global _PIPELINE
    if _PIPELINE is None:
        with _LOCK:
            if _PIPELINE is None:
                _PIPELINE = Pipeline()
    return _PIPELINE


def extract(text: str, published=None, outlet: str | None = None, doc_id: str | None = None,
            url: str | None = None, title: str | None = None) -> Document:
    """Run the whole pipeline over one article and return its :class:`Document`.

    ``published`` is a ``date``/``datetime`` or a string (``2019-12-27``,
    ``2018-05-14T08:25:55+00:00``); relative dates ("أمس") resolve against it,
    and against today when it is None (the document then carries a warning).
    An unreadable ``published`` raises ``ValueError``.  A text that is not
    Arabic, or longer than :data:`rasd.io.MAX_CHARS` characters (it is cut),
    is processed with a warning in ``doc.warnings``.
    """
    from .io import check_text

    if not isinstance(text, str):
        raise TypeError(f"text must be a str, not {type(text).__name__}")
    text, warnings = check_text(text)
    pipe = get_pipeline()
    doc = pipe.make_document(text, doc_id=doc_id, outlet=outlet, url=url, title=title,
                             published=published)
    doc.warnings.extend(warnings)
    return pipe.run(doc)
