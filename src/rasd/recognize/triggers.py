"""Event triggers and the context cues the assembler codes them with.

Writes ``doc.spans["trigger"]`` (value: :class:`TriggerHit`) and
``doc.spans["cue"]`` (value: the cue group name) from ``knowledge/triggers.yaml``.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..document import Document
from ..resources import load
from ..text.match import PhraseMatcher
from ..text.normalize import fold_key
from ..text.segment import key_of


@dataclass(frozen=True, slots=True)
class TriggerHit:
    cls: str          # trigger class id (knowledge/triggers.yaml)
    strong: bool      # names the act itself (vs. only its toll or its weapon)
    suffixed: bool = False  # carries an object pronoun ("اعتراضه": intercepting it)


def _distinct(hits: list[TriggerHit]) -> list[TriggerHit]:
    """The hits without repeats, in order (``dict.fromkeys`` by their fields: the dataclass's
    own ``__hash__`` is interpreted code, slow on this path)."""
    seen: set[tuple[str, bool, bool]] = set()
    out = []
    for h in hits:
        k = (h.cls, h.strong, h.suffixed)
        if k not in seen:
            seen.add(k)
            out.append(h)
    return out


class TriggerRecognizer:
    def __init__(self) -> None:
        data = load("triggers.yaml")
        self.classes = {c["id"]: c for c in data["classes"]}
        self.triggers = PhraseMatcher()
        for c in data["classes"]:
            weak = {key_of(fold_key(w)) for w in c.get("weak_forms", ())}
            for name in c["names"]:
                strong = c.get("strength") == "strong" and key_of(fold_key(name)) not in weak
                self.triggers.add(name, TriggerHit(c["id"], strong))
        self.cues = PhraseMatcher()
        for group, names in {**data["cues"], **data.get("extra_cues", {})}.items():
            self.cues.add_all(names, group)

    def __call__(self, doc: Document) -> None:
        toks = doc.tokens
        for m in self.triggers.find(toks, doc=doc):
            # one phrase may name several classes (rare); keep them all, unless one of them says
            # it names no act ("التصدي", the noun, is no "تصدى", the verb)
            hits = m.payloads if len(m.payloads) == 1 else _distinct(m.payloads)
            if len(hits) > 1 and any(h.cls == "non_event" for h in hits):
                hits = [h for h in hits if h.cls == "non_event"]
            for hit in hits:
                if m.suffixed:
                    hit = TriggerHit(hit.cls, hit.strong, True)
                doc.add_span("trigger", m.start, m.end, "TRIGGER", hit, m.tok_start, m.tok_end)
        for m in self.cues.find(toks, longest_only=False, doc=doc):
            for group in dict.fromkeys(m.payloads):
                doc.add_span("cue", m.start, m.end, "CUE", group, m.tok_start, m.tok_end)
