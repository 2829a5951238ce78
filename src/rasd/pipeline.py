"""The ordered stages of Rasd; knowledge is loaded once per Pipeline.

normalise -> segment -> recognise (numbers, dates, actors, places, triggers,
sources, modality) -> geo (resolve places) -> assemble events
"""
from __future__ import annotations

import time
from datetime import date, datetime
from typing import Callable

from .document import Document
from .text import wordindex
from .text.normalize import fold
from .text.segment import segment as segment_text

Stage = Callable[[Document], None]


def parse_published(value) -> date | None:
    """A date from ``2019-12-27``, ``2018-05-14T08:25:55+00:00`` or a date object.

    The calendar day is the one written in the value (the outlet's local day),
    not converted to UTC.  Raises ValueError for anything else.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    s = str(value).strip()
    try:
        return date.fromisoformat(s[:10])
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(s.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    for fmt in ("%d/%m/%Y", "%Y/%m/%d", "%d-%m-%Y", "%d.%m.%Y", "%a, %d %b %Y %H:%M:%S %z",
                "%a, %d %b %Y %H:%M:%S %Z", "%d %B %Y", "%B %d, %Y"):
        try:
            return datetime.strptime(s, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"unknown date format: {s!r} (use YYYY-MM-DD or an ISO date-time)")


def settle_for_batch() -> None:
    """Tune the cyclic garbage collector for a process that runs the pipeline over many
    articles (the rasd commands, `rasd ingest` and Spark workers; not ``rasd.extract``,
    whose caller owns the process).  The pipeline's knowledge (lexicons, gazetteer: about
    100,000 objects the collector tracks) lives as long as the process: frozen into the
    permanent generation, the collector stops walking it again and again; the young generation
    is collected every 20,000 allocations instead of 700.  About 6 % fewer instructions
    per article (callgrind), the same results."""
    import gc

    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 10, 10)


def segment(doc: Document) -> None:
    doc.norm = fold(doc.text)
    doc.tokens, doc.sentences, doc.word_index = segment_text(doc.norm)


class Pipeline:
    """Build once, call per article: ``Pipeline()(text, published=...)``."""

    def __init__(self) -> None:
        from .assemble.events import EventAssembler
        from .geo.resolve import PlaceRecognizer
        from .recognize.actors import ActorRecognizer
        from .recognize.dates import DateRecognizer
        from .recognize.modality import ModalityRecognizer
        from .recognize.numbers import NumberRecognizer
        from .recognize.sources import SourceRecognizer
        from .recognize.triggers import TriggerRecognizer

        self.stages: list[tuple[str, Stage]] = [
            ("segment", segment),
            ("numbers", NumberRecognizer()),
            ("dates", DateRecognizer()),
            ("actors", ActorRecognizer()),
            ("places", PlaceRecognizer()),
            ("triggers", TriggerRecognizer()),
            ("sources", SourceRecognizer()),
            ("modality", ModalityRecognizer()),
            ("assemble", EventAssembler()),
        ]
        wordindex.prepare()
        self.timings: dict[str, float] = {name: 0.0 for name, _ in self.stages}
        # stages whose spans only the event assembler reads: an article that names no act
        # (no trigger span) has no use for them
        self.for_events = frozenset({"sources", "modality"})

    def make_document(self, text: str, *, doc_id=None, outlet=None, url=None, title=None,
                      published=None) -> Document:
        pub = parse_published(published)
        raw = published if isinstance(published, str) else (pub.isoformat() if pub else None)
        return Document(text=text or "", doc_id=doc_id, outlet=outlet, url=url, title=title,
                        published=pub, published_raw=raw)

    def run(self, doc: Document, timed: bool = False) -> Document:
        if doc.published is None:
            doc.warnings.append("no publication date: relative dates resolved against today")
            doc.published = date.today()
        for name, stage in self.stages:
            if name in self.for_events and not doc.spans.get("trigger"):
                continue
            if timed:
                t0 = time.perf_counter()
                stage(doc)
                self.timings[name] += time.perf_counter() - t0
            else:
                stage(doc)
        return doc

    def __call__(self, text: str, **meta) -> Document:
        return self.run(self.make_document(text, **meta))
