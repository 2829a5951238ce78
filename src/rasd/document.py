"""The document every pipeline stage reads and writes, and what it holds.

Offsets: ``Span.start``/``Span.end`` are character offsets into the ORIGINAL
text (``Document.text``).  Recognisers work on the folded text
(``Document.norm.text``) and its tokens; they convert with
``Document.orig_span(fstart, fend)``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .text.normalize import Normalized
from .text.segment import Sentence, Token

_UNSEGMENTED = Normalized("")


class Span:
    """A recognised stretch of the text.  (A plain class with its own ``__init__``, fast to
    build when compiled: there are dozens per article.)"""

    __slots__ = ("start", "end", "label", "value", "tok_start", "tok_end", "sent")

    def __init__(self, start: int, end: int, label: str, value: Any = None,
                 tok_start: int = -1, tok_end: int = -1, sent: int = -1) -> None:
        self.start = start          # original-text offsets
        self.end = end
        self.label = label          # NUMBER, DATE, ACTOR, TRIGGER, PLACE, SOURCE, MODALITY, ...
        self.value = value
        self.tok_start = tok_start  # token indices (folded text), for proximity
        self.tok_end = tok_end
        self.sent = sent            # sentence index

    def __repr__(self) -> str:
        return f"Span({self.start}, {self.end}, {self.label!r}, {self.value!r}, sent={self.sent})"

    def as_json(self) -> dict:
        return {"start": self.start, "end": self.end, "label": self.label}


@dataclass(slots=True)
class Quantity:
    value: int | None          # the figure as reported (None for vague ones)
    text: str                  # original text of the expression
    qualifier: str | None = None  # "at_least", "about", "more_than", "at_most", "less_than"
    vague: bool = False        # عشرات, مئات


@dataclass(slots=True)
class DateValue:
    start: date
    end: date
    precision: int = 1        # ACLED time_precision: 1 day, 2 week/range, 3 month
    relative: bool = False


@dataclass(slots=True)
class Actor:
    name: str                 # as the text names it
    canonical: str
    inter: str                # state, rebel, militia, identity, rioters, protesters, civilians, external
    country: str | None = None  # ISO-3, for state forces (and the actor's home country otherwise)
    span: tuple[int, int] | None = None

    def as_json(self) -> dict:
        d = {"name": self.name, "canonical": self.canonical, "inter": self.inter}
        if self.country:
            d["country"] = self.country
        return d


@dataclass(slots=True)
class Place:
    name: str                 # as the text names it
    country: str | None = None        # ISO-2
    admin1: str | None = None
    admin1_code: str | None = None    # ISO 3166-2
    admin2: str | None = None
    lat: float | None = None
    lon: float | None = None
    geonameid: int | None = None
    geo_precision: int = 1
    kind: str = "settlement"          # settlement, admin1, country, region, road, front, unknown
    span: tuple[int, int] | None = None
    unresolved: bool = False          # named as a place, not in the gazetteer

    def as_json(self) -> dict:
        d = {"name": self.name, "country": self.country, "admin1": self.admin1,
             "admin1_code": self.admin1_code, "lat": self.lat, "lon": self.lon,
             "geo_precision": self.geo_precision}
        if self.admin2:
            d["admin2"] = self.admin2
        if self.geonameid:
            d["geonameid"] = self.geonameid
        if self.kind != "settlement":
            d["kind"] = self.kind
        if self.unresolved:
            d["unresolved"] = True
        return d


@dataclass(slots=True)
class Event:
    event_type: str
    sub_event_type: str
    date_start: date
    date_end: date
    time_precision: int
    actor1: Actor | None
    actor2: Actor | None
    location: Place | None
    civilian_targeting: bool = False
    fatalities: int | None = None
    injuries: int | None = None
    fatalities_text: str | None = None
    injuries_text: str | None = None
    children_killed: int | None = None
    women_killed: int | None = None
    children_injured: int | None = None
    women_injured: int | None = None
    reported_by: list[str] = field(default_factory=list)
    evidence: str = ""
    evidence_span: tuple[int, int] = (0, 0)
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)  # field -> original offsets

    def as_json(self, with_spans: bool = True) -> dict:
        d: dict[str, Any] = {
            "event_type": self.event_type, "sub_event_type": self.sub_event_type,
            "date_start": self.date_start.isoformat(), "date_end": self.date_end.isoformat(),
            "time_precision": self.time_precision,
            "actor1": self.actor1.as_json() if self.actor1 else None,
            "actor2": self.actor2.as_json() if self.actor2 else None,
            "location": self.location.as_json() if self.location else None,
            "civilian_targeting": self.civilian_targeting,
            "fatalities": self.fatalities, "injuries": self.injuries,
            "reported_by": list(self.reported_by), "evidence": self.evidence,
        }
        for k in ("fatalities_text", "injuries_text", "children_killed", "women_killed",
                  "children_injured", "women_injured"):
            v = getattr(self, k)
            if v is not None:
                d[k] = v
        if with_spans:
            d["spans"] = {"evidence": list(self.evidence_span),
                          **{k: list(v) for k, v in self.spans.items()}}
        return d


@dataclass
class Document:
    text: str
    doc_id: str | None = None
    outlet: str | None = None
    url: str | None = None
    title: str | None = None
    published: date | None = None
    published_raw: str | None = None
    norm: Normalized = field(default_factory=lambda: _UNSEGMENTED)  # set by the segment stage
    tokens: list[Token] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    spans: dict[str, list[Span]] = field(default_factory=dict)
    places: list[Place] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    focus_country: str | None = None   # ISO-2 the article is mostly about
    focus_admin1: Place | None = None  # governorate the article is mostly about
    word_index: Any = None             # text.wordindex.WordIndex: the tokens each recogniser needs
    warnings: list[str] = field(default_factory=list)

    # --- helpers for stages -------------------------------------------------
    def orig_span(self, fstart: int, fend: int) -> tuple[int, int]:
        return self.norm.to_original(fstart, fend)

    def add_span(self, kind: str, fstart: int, fend: int, label: str, value: Any = None,
                 tok_start: int = -1, tok_end: int = -1) -> Span:
        s, e = self.norm.to_original(fstart, fend)
        toks = self.tokens
        sent = toks[tok_start].sent if 0 <= tok_start < len(toks) else self.sentence_at(fstart)
        sp = Span(s, e, label, value, tok_start, tok_end, sent)
        lst = self.spans.get(kind)
        if lst is None:
            self.spans[kind] = [sp]
        else:
            lst.append(sp)
        return sp

    def sentence_at(self, fpos: int) -> int:
        lo, hi = 0, len(self.sentences) - 1
        while lo <= hi:
            mid = (lo + hi) // 2
            s = self.sentences[mid]
            if fpos < s.start:
                hi = mid - 1
            elif fpos >= s.end:
                lo = mid + 1
            else:
                return mid
        return max(0, min(lo, len(self.sentences) - 1))

    def sentence_text(self, i: int) -> str:
        s = self.sentences[i]
        a, b = self.orig_span(s.start, s.end)
        return self.text[a:b]

    def sentence_span(self, i: int) -> tuple[int, int]:
        s = self.sentences[i]
        return self.orig_span(s.start, s.end)

    def in_sentence(self, kind: str, i: int) -> list[Span]:
        return [sp for sp in self.spans.get(kind, ()) if sp.sent == i]

    # --- output -------------------------------------------------------------
    def to_json(self, with_spans: bool = True) -> dict:
        return {
            "doc_id": self.doc_id, "outlet": self.outlet, "url": self.url,
            "published": self.published_raw or (self.published.isoformat() if self.published else None),
            "title": self.title,
            "places": [self._place_json(p, with_spans) for p in self.places],
            "events": [e.as_json(with_spans) for e in self.events],
            **({"warnings": self.warnings} if self.warnings else {}),
        }

    @staticmethod
    def _place_json(p: Place, with_spans: bool) -> dict:
        d = p.as_json()
        if with_spans and p.span:
            d["span"] = list(p.span)
        return d
