"""Sentences, tokens and clitic analyses over the folded text.

Tokens and sentences carry offsets into the folded text (``Normalized.text``);
``Document.orig_span`` maps them back to the original.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_TOKEN = re.compile(r"[^\W_]+(?:[.,][0-9]+)*", re.UNICODE)
# A sentence ends at . ! ? ؟ followed by space/quote/end, or at a line break.
_SENT_END = re.compile(r"(?:[.!?؟]+[\"')\]]*(?=\s|$))|\n+")


@dataclass(slots=True)
class Token:
    text: str   # folded form
    start: int  # folded-text offsets
    end: int
    sent: int = 0
    stems: frozenset = frozenset()   # clitic analyses (see `analyses`), for fast lexicon pre-checks
    sstems: frozenset = frozenset()  # the same without a pronoun suffix
    ha: bool = False                 # the original word ends in a real ه (a possible "his/its" suffix), not ة


@dataclass(slots=True)
class Sentence:
    start: int  # folded-text offsets
    end: int
    tok_start: int
    tok_end: int


def tokenize(text: str) -> list[Token]:
    # findall + str.find is about twice as fast as finditer's match objects: between two
    # tokens there are only non-word characters, so a word is found where its token starts
    out = []
    cache = _STEM_SETS
    find = text.find
    pos = 0
    for w in _TOKEN.findall(text):
        s = find(w, pos)
        pos = s + len(w)
        ss = cache.get(w)
        if ss is None:
            ss = stem_sets(w)
        out.append(Token(w, s, pos, 0, ss[0], ss[1]))
    return out


_STEM_SETS: dict[str, tuple[frozenset, frozenset]] = {}


def stem_sets(tok: str) -> tuple[frozenset, frozenset]:
    """The stems of a token and its suffix-less stems (memoised: a plain dict is the
    fastest cache on this hot path; it is emptied when it grows past 300,000 words)."""
    r = _STEM_SETS.get(tok)
    if r is None:
        stems = frozenset(s for s, _ in analyses(tok))
        r = (stems, frozenset(x for s in stems for x in suffix_stems(s)))
        if len(_STEM_SETS) > 300_000:
            _STEM_SETS.clear()
        _STEM_SETS[tok] = r
    return r


def sentences(text: str, tokens: list[Token]) -> list[Sentence]:
    bounds: list[tuple[int, int]] = []
    pos = 0
    for m in _SENT_END.finditer(text):
        end = m.end()
        if text[pos:end].strip():
            bounds.append((pos, end))
        pos = end
    if text[pos:].strip():
        bounds.append((pos, len(text)))
    out: list[Sentence] = []
    ti = 0
    for si, (s, e) in enumerate(bounds):
        # trim whitespace
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        t0 = ti
        while ti < len(tokens) and tokens[ti].start < e:
            tokens[ti].sent = si
            ti += 1
        out.append(Sentence(s, e, t0, ti))
    return out


CONJ = ("و", "ف")
PREP = ("ب", "ل", "ك")
SUFFIXES = ("هما", "هم", "هن", "ها", "كم", "نا")  # not a bare ه: folded ة looks the same (سيطرة)


@lru_cache(maxsize=200_000)
def analyses(tok: str) -> tuple[tuple[str, int], ...]:
    """Possible stems of a folded token after proclitics, with how many leading
    characters were clitics (the article ``ال`` is stripped from the stem but
    counted as part of the word, so it is not in that number).

    >>> analyses("وبلدات")
    (('وبلدات', 0), ('بلدات', 1), ('لدات', 2))
    """
    out: dict[str, int] = {}

    def add(stem: str, n: int, min_len: int) -> None:
        if len(stem) >= min_len and stem not in out:
            out[stem] = n

    def article(rest: str, n: int, prep: str) -> None:
        # rest after conj/prep; strip the article if present
        if rest.startswith("ال") and len(rest) >= 4:
            add(rest[2:], n, 2)
        elif prep == "ل" and rest.startswith("ل") and len(rest) >= 3:  # لل = ل + ال
            add(rest[1:], n - 1 if n else n, 2)

    add(tok, 0, 1)
    article(tok, 0, "")
    for c in ("",) + CONJ:
        if c and not tok.startswith(c):
            continue
        r1 = tok[len(c):]
        for p in ("",) + PREP:
            if not c and not p:
                continue
            if p and not r1.startswith(p):
                continue
            r2 = r1[len(p):]
            if p == "ك" and not r2.startswith("ال"):
                continue  # ك is a proclitic before the article (كالعادة); كميات, كتائب are words
            n = len(c) + len(p)
            add(r2, n, 2 if not p else 3)  # "ولم", "وقد": a conjunction before a short word
            article(r2, n, p)
    return tuple(out.items())


def ha_stems(stem: str) -> tuple[str, ...]:
    """Stems without a final ه pronoun ("اعتراضه" -> "اعتراض"); only for words whose
    original spelling ends in ه, since folding writes ة as ه too (see Token.ha)."""
    if stem.endswith("ه") and len(stem) >= 4:
        base = stem[:-1]
        return (base, base[:-1] + "ه") if base.endswith("ت") else (base,)
    return ()


@lru_cache(maxsize=100_000)
def suffix_stems(stem: str) -> tuple[str, ...]:
    """Stems with a pronoun suffix removed (``قصفها`` -> ``قصف``, ``قذيفته`` -> ``قذيفه``)."""
    out = []
    for s in SUFFIXES:
        if stem.endswith(s) and len(stem) - len(s) >= 3:
            base = stem[: -len(s)]
            out.append(base)
            if base.endswith("ت"):
                out.append(base[:-1] + "ه")
    return tuple(out)


def key_of(folded_phrase: str) -> tuple[str, ...]:
    """Lexicon key of a folded phrase: its tokens, each without the article."""
    key = []
    for t in _TOKEN.findall(folded_phrase):
        if t.startswith("ال") and len(t) >= 4:
            t = t[2:]
        key.append(t)
    return tuple(key)


_CLAUSE_BREAK = re.compile(r"[،,؛;:]")


def clause_ids(text: str, tokens: list[Token]) -> list[int]:
    """A clause number per token: a new clause starts after ، , ؛ ; : and at every
    sentence (brackets hold a gloss of their clause: "(شمال محافظة عمران)")."""
    breaks = [m.start() for m in _CLAUSE_BREAK.finditer(text)]
    out: list[int] = []
    cid = 0
    k = 0  # next break position not yet passed
    nb = len(breaks)
    prev: Token | None = None
    for t in tokens:
        if prev is not None:
            crossed = False
            while k < nb and breaks[k] < t.start:
                if breaks[k] >= prev.end:
                    crossed = True
                k += 1
            if crossed or t.sent != prev.sent:
                cid += 1
        out.append(cid)
        prev = t
    return out
