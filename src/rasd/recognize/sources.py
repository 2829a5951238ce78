"""Who says so: attribution cues and the sources they introduce
(``knowledge/sources.yaml``).

Writes ``doc.spans["source"]`` (value: :class:`Source`), and
``doc.reported_by`` is computed by :func:`chain` per sentence for the assembler.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..document import Document, Span
from ..resources import load
from ..text.match import PhraseMatcher
from ..text.normalize import fold_key
from ..text.segment import Token

_QUOTED = re.compile(r'\s*"([^"\n]{2,60})"')


@dataclass(frozen=True, slots=True)
class Source:
    name: str          # as written (original text)
    kind: str          # known, outlet, official, generic, quoted, anaphora
    channel: bool      # introduced as the channel ("بحسب", "لصحيفة") rather than the speaker


_FUNCTION_WORDS = {"ان", "انه", "انها", "الي", "علي", "في", "عن", "من", "مع", "الذي", "التي", "الذين", "بان", "لان", "و",
                   "قد", "لقد", "كان", "كانت", "ما", "هو", "هي", "امس", "اليوم", "السبت", "الاحد", "الاثنين",
                   "الثلاثاء", "الاربعاء", "الخميس", "الجمعه", "ذاتها", "نفسها", "ذاته", "نفسه", "ايضا", "لها", "له"}
_CHANNEL_CUES = {"بحسب", "حسب", "حسبما", "وفق", "وفقا", "طبقا", "نقلا", "عن", "رصد", "رصدت", "نقلت", "نقل"}


class SourceRecognizer:
    def __init__(self) -> None:
        data = load("sources.yaml")
        self.cues = PhraseMatcher()
        self.cues.add_all(data["cues"]["before_source"], "cue", allow_suffix=False)
        self.cues.add_all(data["cues"]["told_to"], "told_to", allow_suffix=False)
        self.names = PhraseMatcher()
        self.names.add_all(data["known"], ("known", 0), allow_suffix=False)
        for kind, spec in data["heads"].items():
            self.names.add_all(spec["names"], (kind, int(spec.get("tail", 0))), allow_suffix=False)
        self.names.add_all(data["cues"]["anaphora"], ("anaphora", 0), allow_suffix=False)

    def __call__(self, doc: Document) -> None:
        toks, text = doc.tokens, doc.norm.text
        cue_at: dict[int, str] = {}
        for m in self.cues.find(toks, doc=doc):
            cue_at[m.tok_end] = m.payloads[0] if "told_to" not in m.payloads else "told_to"
            if m.payloads[0] == "cue" or "told_to" in m.payloads:
                # told_to is a proclitic (لصحيفة): the name may start in the same token
                cue_at.setdefault(m.tok_start, "told_to" if "told_to" in m.payloads else "cue")
        last_outlet: Source | None = None
        by_head: dict[str, Source] = {}  # "صحيفه" -> the last newspaper named, for "الصحيفة ذاتها"
        for m in self.names.find(toks, doc=doc):
            kinds = [k for k, _ in m.payloads]
            kind, tail = m.payloads[0]
            # "الصحيفة" with the article refers back to the outlet named before
            if "anaphora" in kinds and doc.norm.text[m.start:m.start + 2] == "ال":
                kind, tail = "anaphora", 0
            # the source must follow a cue (within two tokens) or precede a speech cue
            prev_cue = next((cue_at[j] for j in (m.tok_start, m.tok_start - 1, m.tok_start - 2) if j in cue_at), None)
            if prev_cue is None and (m.tok_end not in cue_at and m.tok_end + 1 not in cue_at):
                continue
            end_tok = min(m.tok_end + tail, len(toks))
            # the tail is a name after a generic head ("وكالة مهر", "مصادر محلية"): stop at the
            # clause end, a speech word or a function word
            j = m.tok_end
            while j < end_tok and toks[j].sent == toks[m.tok_start].sent and not _breaks(text, toks[j - 1], toks[j]) \
                    and j not in cue_at and toks[j].text not in _FUNCTION_WORDS:
                j += 1
            fs, fe = m.start, toks[j - 1].end
            q = _quoted_at(text, fe)
            if q and q.end() - fe < 64 and kind in ("outlet", "official"):
                fe = q.end()
            s, e = doc.orig_span(fs, fe)
            name = _unquote(doc.text[s:e])
            if kind == "outlet":  # "موقع الوسيلة" -> "الوسيلة" (the codebook writes the outlet's name)
                first, _, rest = name.partition(" ")
                if rest and _head(fold_key(first)) in _DROP_HEADS:
                    name = rest
            head = _head(toks[m.tok_start].text)
            if kind == "anaphora":
                ref = by_head.get(head) or last_outlet
                if ref is None:
                    continue
                src = Source(ref.name, "anaphora", ref.channel)
            else:
                src = Source(name, kind, prev_cue in ("told_to",) or _is_channel(toks, m.tok_start))
                if kind in ("known", "outlet"):
                    last_outlet = src
                    by_head[head] = src
            doc.add_span("source", fs, fe, "SOURCE", src, m.tok_start, j)
        # quoted names right after a cue ("ووثق “الدفاع المدني السوري”")
        for end_tok, kind in cue_at.items():
            if kind != "cue" or end_tok == 0 or end_tok > len(toks):
                continue
            pos = toks[end_tok - 1].end
            q = _quoted_at(text, pos)
            if q:
                s, e = doc.orig_span(q.start(1), q.end(1))
                if not any(sp.start <= s < sp.end for sp in doc.spans.get("source", ())):
                    src = Source(doc.text[s:e], "quoted", _is_channel(toks, end_tok))
                    doc.add_span("source", q.start(1), q.end(1), "SOURCE", src, end_tok, end_tok + 1)


def _quoted_at(text: str, pos: int) -> re.Match[str] | None:
    """``_QUOTED.match(text, pos)``, ruled out at once where neither a space nor a quote follows."""
    c = text[pos:pos + 1]
    return _QUOTED.match(text, pos) if c == '"' or c.isspace() else None


_INNER_QUOTE = re.compile(r'["“”«»]\s*([^"“”«»]+?)\s*(?:["“”«»]|$)')


def _unquote(name: str) -> str:
    """'صحيفة “المدن”' -> 'المدن': a quoted name inside a source is its name."""
    m = _INNER_QUOTE.search(name)
    return m.group(1).strip() if m else name.strip(" \"“”«»")


_DROP_HEADS = {"صحيفه", "جريده", "موقع", "قناه", "شبكه", "اذاعه", "تلفزيون"}


def _head(word: str) -> str:
    """The head noun of a source mention without clitics or article: "لصحيفة" -> "صحيفه"."""
    for p in ("وب", "ول", "ف", "و", "ب", "ل"):
        if word.startswith(p) and len(word) - len(p) >= 4:
            word = word[len(p):]
            break
    return word[2:] if word.startswith("ال") and len(word) >= 5 else word.removeprefix("ل")


def _breaks(text: str, a: Token, b: Token) -> bool:
    gap = text[a.end:b.start]
    return any(c in gap for c in "،,؛;:.\n")


def _is_channel(toks: list[Token], tok_start: int) -> bool:
    for j in (tok_start - 1, tok_start - 2):
        if j >= 0:
            w = toks[j].text
            for p in ("و", "ف", ""):
                if w.startswith(p) and w[len(p):] in _CHANNEL_CUES:
                    return True
    return False


def chain(sources: list[Span]) -> list[str]:
    """reported_by for one sentence: channels (outermost) first, then speakers."""
    chans = [s.value.name for s in sources if s.value.channel]
    speakers = [s.value.name for s in sources if not s.value.channel]
    out: list[str] = []
    for n in chans + speakers:
        if n and n not in out:
            out.append(n)
    return out
