"""Cues that a reported act did not happen: negation, denial, threat, plan, call,
speculation, condition, question, background (``knowledge/modality.yaml``).

Writes ``doc.spans["modality"]`` with value :class:`Modality`; the assembler asks
:func:`blocked` whether a trigger falls in a cue's scope.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from ..document import Document, Span
from ..resources import load
from ..text.match import PhraseMatcher
from ..text.normalize import fold_key


@dataclass(frozen=True, slots=True)
class Modality:
    kind: str
    reach: int            # tokens after the cue it covers (same clause)
    sentence: bool = False
    weak_only: bool = False  # blocks only toll-only triggers (killing, injuring)
    cross_clause: bool = False  # its scope runs over commas (a denial's object often follows one)
    after: int = 0        # it follows what it qualifies: covers a trigger ending this many tokens before it
    bare_too: bool = False  # weak_only, and also any trigger that is not an act by itself (a bare blast)
    unless_toll: bool = False  # lifted where the sentence counts victims (the assembler asks)


class ModalityRecognizer:
    def __init__(self) -> None:
        all_data = load("modality.yaml")
        data = all_data["cues"]
        self.matcher = PhraseMatcher()
        # words after a cue that end its scope: what a call for an inquiry is about did happen
        # ("دعا مجلس الأمن إلى إجراء تحقيق في الهجوم الذي شهدته مدينة صعدة")
        self.released: dict[str, frozenset[str]] = {
            kind: frozenset(fold_key(w) for w in spec["released_by"]) for kind, spec in data.items() if spec.get("released_by")}
        for kind, spec in data.items():
            mod = Modality(kind, int(spec.get("reach", 0)), spec.get("scope") == "sentence",
                           bool(spec.get("weak_only", False)), bool(spec.get("cross_clause", False)),
                           int(spec.get("after", 0)), bool(spec.get("bare_too", False)),
                           bool(spec.get("unless_toll", False)))
            # pronoun suffixes allowed: "استعداداتهم", "تهديداته"
            self.matcher.add_all(spec["names"], mod)
            for ex in spec.get("except", ()):
                self.matcher.add(ex, None, allow_suffix=False)
        self.imperfect = PhraseMatcher()
        for kind, spec in all_data.get("before_imperfect", {}).items():
            self.imperfect.add_all(spec["names"], Modality(kind, int(spec.get("reach", 0))), allow_suffix=False)

    def __call__(self, doc: Document) -> None:
        for m in self.matcher.find(doc.tokens, doc=doc):
            mods = [p for p in m.payloads if p is not None]
            if not mods or len(mods) < len(m.payloads):
                continue  # an exception phrase ("لا يزال") won the longest match
            mod = mods[0]
            release = self.released.get(mod.kind)
            if release:
                toks = doc.tokens
                for k in range(m.tok_end, min(len(toks), m.tok_end + mod.reach)):
                    if toks[k].text in release:
                        mod = replace(mod, reach=k - m.tok_end)
                        break
            doc.add_span("modality", m.start, m.end, "MODALITY", mod, m.tok_start, m.tok_end)
        toks = doc.tokens
        for m in self.imperfect.find(toks, doc=doc):
            nxt = toks[m.tok_end].text if m.tok_end < len(toks) else ""
            # an imperfect verb: يفعل / نفعل / تفعل (not a past تفعّلت like "تمكنت")
            if len(nxt) >= 3 and (nxt[0] in "ين" or (nxt[0] == "ت" and not nxt.endswith("ت"))):
                doc.add_span("modality", m.start, m.end, "MODALITY", m.payloads[0], m.tok_start, m.tok_end)
        # a question mark ends the sentence: everything in it is asked, not told
        text = doc.norm.text
        if "؟" not in text and "?" not in text:
            return
        for i, s in enumerate(doc.sentences):
            if text[s.start:s.end].rstrip(" \"'»”)").endswith(("؟", "?")):
                doc.add_span("modality", s.start, s.end, "MODALITY", Modality("question", 0, True),
                             s.tok_start, s.tok_end)


def blocked(trigger: Span, cues: list[Span], clause_of: list[int]) -> str | None:
    """The kind of the first cue whose scope covers ``trigger``, else None."""
    t = trigger.tok_start
    weak = trigger.value.cls in ("killing", "injuring")
    for c in cues:
        mod: Modality = c.value
        if mod.weak_only and not (weak or (mod.bare_too and not trigger.value.strong)):
            continue  # ("bare_too": a mishap also explains a bare blast, "انفجر محرك الطائرة")
        if mod.sentence:
            return mod.kind
        if c.tok_end <= t and t - c.tok_end < mod.reach and (mod.cross_clause or clause_of[c.tok_end - 1] == clause_of[t]):
            return mod.kind
        if mod.after and c.tok_start >= trigger.tok_end and c.tok_start - trigger.tok_end < mod.after \
                and clause_of[c.tok_start] == clause_of[trigger.tok_end - 1]:
            return mod.kind  # "الغارات المحتملة على سوريا"
    return None
