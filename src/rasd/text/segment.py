"""Sentences, tokens and clitic analyses over the folded text.

Tokens and sentences carry offsets into the folded text (``Normalized.text``);
``Document.orig_span`` maps them back to the original.
"""
from __future__ import annotations

import re
from typing import TypeVar

from . import wordindex
from .normalize import Normalized

_TOKEN = re.compile(r"[^\W_]+(?:[.,][0-9]+)*", re.UNICODE)
# A sentence ends at . ! ? ؟ followed by space/quote/end, or at a line break.  (Written
# to open with a character class, which the regex engine scans for fast: the same as
# (?:[.!?؟]+["')\]]*(?=\s|$))|\n+ )
# A dot after a lone letter is an initial, not an end: "(د. ب. أ)", "د. محمد".
_SENT_END = re.compile(r"""[.!?؟\n](?<![ (."«][\u0621-\u064a]\.)(?<!^[\u0621-\u064a]\.)"""
                       r"""(?:(?<=[.!?؟])[.!?؟]*["')\]]*(?=\s|$)|(?<=\n)\n*)""")
_SENT_FIRST = ".!?؟\n"


_NO_STEMS: frozenset = frozenset()


class Token:
    """A word of the folded text.  (A plain class with its own ``__init__``: when the
    module is compiled, building one is a native call, not a Python-level dataclass
    ``__init__``; a token is built for every word.)"""

    __slots__ = ("text", "start", "end", "sent", "stems", "sstems", "ha")

    def __init__(self, text: str, start: int, end: int, sent: int = 0, stems: frozenset = _NO_STEMS,
                 sstems: frozenset = _NO_STEMS, ha: bool = False) -> None:
        self.text = text    # folded form
        self.start = start  # folded-text offsets
        self.end = end
        self.sent = sent
        self.stems = stems    # clitic analyses (see `analyses`), for fast lexicon pre-checks
        self.sstems = sstems  # the same without a pronoun suffix
        self.ha = ha          # the original word ends in a real ه (a possible "his/its" suffix), not ة

    def __repr__(self) -> str:
        return f"Token({self.text!r}, {self.start}, {self.end}, sent={self.sent})"


class Sentence:
    __slots__ = ("start", "end", "tok_start", "tok_end")

    def __init__(self, start: int, end: int, tok_start: int, tok_end: int) -> None:
        self.start = start  # folded-text offsets
        self.end = end
        self.tok_start = tok_start
        self.tok_end = tok_end

    def __repr__(self) -> str:
        return f"Sentence({self.start}, {self.end}, tokens {self.tok_start}:{self.tok_end})"


# punctuation around a word that is never part of one (none of it is a letter or digit):
# a chunk that is one run of letters and digits between such characters is that one word
_EDGE = "\"'.,،؛;:!?؟()[]{}«»<>-–—…/#*%"


# Arabic letters glued to a figure with no space ("حينها61", "ديالى57", "14أيار") are two
# words; a conjunction و glued to a figure ("و32") stays with it, Latin names ("F35") whole
_GLUED = re.compile(r"[\u0621-\u064a][0-9]|[0-9][\u0621-\u064a]")
_GLUED_PARTS = re.compile(r"(?:^و)?[0-9]+(?:[.,][0-9]+)*|[^\W\d_]+")


def _word(w: str, pos: int, out: list[str], starts: list[int]) -> None:
    """Add the word ``w`` found at ``pos``: two words where letters are glued to a figure."""
    if w.isalpha() or not _GLUED.search(w) or (w[0] == "و" and w[1:].isdigit()):
        out.append(w)
        starts.append(pos)
        return
    p = 0
    for part in _GLUED_PARTS.findall(w):
        s = w.find(part, p)
        p = s + len(part)
        out.append(part)
        starts.append(pos + s)


def words(text: str) -> tuple[list[str], list[int]]:
    """The words of a folded text (runs of letters and digits, "1,000" and "2.5" whole, Arabic
    letters glued to a figure apart) and where each starts: the same words as
    ``_TOKEN.findall``, each split by ``_word``.  Most space-separated chunks
    are one word, which ``isalnum`` tells; most others are a word with punctuation around
    it ("إدلب،", "«داعش»") or a line break inside; only the rest go through the regex."""
    out: list[str] = []
    starts: list[int] = []
    pos = 0
    for chunk in text.split(" "):
        n = len(chunk)
        if n:
            if chunk.isalnum():
                if chunk.isalpha():
                    out.append(chunk)
                    starts.append(pos)
                else:
                    _word(chunk, pos, out, starts)
            elif "\n" in chunk:
                # no word spans a line break: each line's piece alone
                p = pos
                for piece in chunk.split("\n"):
                    if piece:
                        _piece_words(piece, p, out, starts)
                    p += len(piece) + 1
            else:
                _piece_words(chunk, pos, out, starts)
        pos += n + 1
    return out, starts


def _piece_words(piece: str, pos: int, out: list[str], starts: list[int]) -> None:
    """The words of ``piece`` (no space or line break in it), which starts at ``pos``."""
    lead = piece.lstrip(_EDGE)
    core = lead.rstrip(_EDGE)
    if not core:
        return                      # punctuation only
    if core.isalnum():
        _word(core, pos + len(piece) - len(lead), out, starts)
        return
    # findall + str.find: between two words there are only non-word characters,
    # so a word is found where it starts (twice as fast as finditer's matches)
    p = 0
    for w in _TOKEN.findall(piece):
        s = piece.find(w, p)
        p = s + len(w)
        _word(w, pos + s, out, starts)


def tokenize(text: str) -> list[Token]:
    out = []
    cache = _STEM_SETS
    ws, starts = words(text)
    for k in range(len(ws)):
        w = ws[k]
        s = starts[k]
        ss = cache.get(w)
        if ss is None:
            ss = stem_sets(w)
        out.append(Token(w, s, s + len(w), 0, ss[0], ss[1]))
    return out


_STEM_SETS: dict[str, tuple[frozenset, frozenset]] = {}


def stem_sets(tok: str) -> tuple[frozenset, frozenset]:
    """The stems of a token and its suffix-less stems (memoised: a plain dict is the
    fastest cache on this hot path; it is emptied when it grows past 300,000 words)."""
    r = _STEM_SETS.get(tok)
    if r is None:
        stems = frozenset([s for s, _ in analyses(tok)])
        sstems = [x for s in stems if s.endswith(SUFFIXES) for x in suffix_stems(s)]
        r = remember(_STEM_SETS, tok, (stems, frozenset(sstems) if sstems else _NO_STEMS), 300_000)
    return r


def _find_all(text: str, chars: str) -> list[int]:
    """Where any of ``chars`` stands in ``text``, in order: a few str.find scans, faster
    than a regex testing every character against a class."""
    out: list[int] = []
    for c in chars:
        b = text.find(c)
        while b >= 0:
            out.append(b)
            b = text.find(c, b + 1)
    out.sort()
    return out


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of ``text``, whitespace trimmed."""
    out: list[tuple[int, int]] = []
    pos = 0
    # the matches of _SENT_END.finditer, found faster: a match starts at one of its first
    # characters, which str.find locates, and is checked there
    for b in _find_all(text, _SENT_FIRST):
        if b < pos:
            continue             # inside the previous match
        m = _SENT_END.match(text, b)
        if m is None:
            continue
        end = m.end()
        r = text[pos:end].rstrip()
        if r:
            out.append((pos + len(r) - len(r.lstrip()), pos + len(r)))
        pos = end
    r = text[pos:].rstrip()
    if r:
        out.append((pos + len(r) - len(r.lstrip()), pos + len(r)))
    return out


def segment(norm: Normalized) -> tuple[list[Token], list[Sentence], wordindex.WordIndex]:
    """Tokens, sentences and the word index of a folded text, in one pass (the hot
    path; ``tokenize`` alone gives bare tokens, for lexicon phrases and tests).

    A token whose word ends in a real ه (``norm.letters`` tells it from a folded ة)
    gets ``ha`` and the stems without that pronoun."""
    text = norm.text
    letters = norm.letters if norm.letters is not None else text
    bounds = sentence_bounds(text)
    ends = [e for _, e in bounds]
    nb = len(ends)
    si = 0
    sent_end = ends[0] if nb else 0
    tok_starts = [0] * (nb + 1)
    memo = wordindex.WORDS
    if len(memo) > 300_000:
        memo.clear()
    hits: dict[int, list[int]] = {}
    tokens: list[Token] = []
    ws, starts = words(text)
    i = 0
    for k in range(len(ws)):
        w = ws[k]
        s = starts[k]
        pos = s + len(w)
        if s >= sent_end:
            while si < nb and s >= ends[si]:
                si += 1
                tok_starts[si] = i
            sent_end = ends[si] if si < nb else len(text) + 1
        ha = w.endswith("ه") and letters.startswith("ه", pos - 1)   # (no one-letter strings built)
        key = w + "\0" if ha else w
        entry = memo.get(key)
        if entry is None:
            stems, sstems = stem_sets(w)
            if ha:
                extra = frozenset(x for st in stems for x in ha_stems(st))
                if extra:
                    sstems = sstems | extra
            entry = memo[key] = (stems, sstems, wordindex.ids_for(w, stems, sstems))
        tokens.append(Token(w, s, pos, si if si < nb else 0, entry[0], entry[1], ha))
        for fid in entry[2]:
            lst = hits.get(fid)
            if lst is None:
                hits[fid] = [i]
            else:
                lst.append(i)
        i += 1
    for k in range(si + 1, nb + 1):
        tok_starts[k] = i
    sents = [Sentence(s, e, tok_starts[k], tok_starts[k + 1]) for k, (s, e) in enumerate(bounds)]
    return tokens, sents, wordindex.WordIndex(wordindex.last_id(), hits)


CONJ = ("و", "ف")
PREP = ("ب", "ل", "ك")
SUFFIXES = ("هما", "هم", "هن", "ها", "كم", "نا")  # not a bare ه: folded ة looks the same (سيطرة)
_CLITIC_FIRST = frozenset(CONJ + PREP)


V = TypeVar("V")


def remember(memo: dict[str, V], key: str, value: V, limit: int) -> V:
    """Store ``value`` in a word memo, emptied first when it holds more than ``limit``
    words (a bound on memory over millions of articles); return it."""
    if len(memo) > limit:
        memo.clear()
    memo[key] = value
    return value


_ANALYSES: dict[str, tuple[tuple[str, int], ...]] = {}
_SUFFIX_STEMS: dict[str, tuple[str, ...]] = {}


def analyses(tok: str) -> tuple[tuple[str, int], ...]:
    """Possible stems of a folded token after proclitics, with how many leading
    characters were clitics (the article ``ال`` is stripped from the stem but
    counted as part of the word, so it is not in that number).

    >>> analyses("وبلدات")
    (('وبلدات', 0), ('بلدات', 1), ('لدات', 2))

    Memoised in a plain dict (emptied past 200,000 words): the recognisers ask for the
    same words again and again, and a dict lookup in compiled code is a native call,
    cheaper than ``functools.lru_cache``'s wrapper and its recency list.
    """
    r = _ANALYSES.get(tok)
    return remember(_ANALYSES, tok, _analyses(tok), 200_000) if r is None else r


def _analyses(tok: str) -> tuple[tuple[str, int], ...]:
    c0 = tok[:1]
    if c0 not in _CLITIC_FIRST:   # most words: no proclitic to try (the loops below find none)
        return ((tok, 0), (tok[2:], 0)) if len(tok) >= 4 and tok.startswith("ال") else ((tok, 0),)
    out: dict[str, int] = {tok: 0}
    if tok.startswith("ال") and len(tok) >= 4 and tok[2:] not in out:
        out[tok[2:]] = 0
    for c in (("", c0) if c0 in CONJ else ("",)):
        r1 = tok[len(c):]
        p0 = r1[:1]
        for p in (("", p0) if p0 in PREP else ("",)):
            if not c and not p:
                continue
            r2 = r1[len(p):]
            if p == "ك" and not r2.startswith("ال"):
                continue  # ك is a proclitic before the article (كالعادة); كميات, كتائب are words
            n = len(c) + len(p)
            # "ولم", "وقد": a conjunction before a short word
            if len(r2) >= (3 if p else 2) and r2 not in out:
                out[r2] = n
            # then the stem without the article (ل + ال is written لل)
            if r2.startswith("ال") and len(r2) >= 4:
                stem, k = r2[2:], n
            elif p == "ل" and r2.startswith("ل") and len(r2) >= 3:
                stem, k = r2[1:], n - 1
            else:
                continue
            if len(stem) >= 2 and stem not in out:
                out[stem] = k
    return tuple(out.items())


def ha_stems(stem: str) -> tuple[str, ...]:
    """Stems without a final ه pronoun ("اعتراضه" -> "اعتراض"); only for words whose
    original spelling ends in ه, since folding writes ة as ه too (see Token.ha)."""
    if stem.endswith("ه") and len(stem) >= 4:
        base = stem[:-1]
        return (base, base[:-1] + "ه") if base.endswith("ت") else (base,)
    return ()


def suffix_stems(stem: str) -> tuple[str, ...]:
    """Stems with a pronoun suffix removed (``قصفها`` -> ``قصف``, ``قذيفته`` -> ``قذيفه``;
    memoised like ``analyses``)."""
    r = _SUFFIX_STEMS.get(stem)
    return remember(_SUFFIX_STEMS, stem, _suffix_stems(stem), 100_000) if r is None else r


def _suffix_stems(stem: str) -> tuple[str, ...]:
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


_CLAUSE_MARKS = "،,؛;:"


def clause_ids(text: str, tokens: list[Token], sents: list[Sentence] | None = None) -> list[int]:
    """A clause number per token: a new clause starts after ، , ؛ ; : and at every
    sentence (brackets hold a gloss of their clause: "(شمال محافظة عمران)").
    ``sents``: the sentences of ``tokens``, when known (saves a pass)."""
    n = len(tokens)
    if not n:
        return []
    cuts = set()
    k = 0
    for b in _find_all(text, _CLAUSE_MARKS):
        while k < n and tokens[k].start <= b:
            k += 1               # the first token after the mark
        if 0 < k < n and tokens[k - 1].end <= b:   # not a mark inside a token ("1,000")
            cuts.add(k)
    if sents is not None:
        cuts.update(s.tok_start for s in sents if 0 < s.tok_start < n)
    else:
        cuts.update(i for i in range(1, n) if tokens[i].sent != tokens[i - 1].sent)
    out: list[int] = []
    cid = last = 0
    for k in sorted(cuts):
        out.extend([cid] * (k - last))
        cid += 1
        last = k
    out.extend([cid] * (n - last))
    return out
