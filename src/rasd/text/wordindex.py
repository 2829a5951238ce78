"""Which tokens each recogniser needs to look at, found in one pass per document.

Most words of an article start no lexicon entry, no place name, no number and no
date.  Every recogniser used to scan all tokens to find the few it cares about;
now each registers once what its words look like, and the segmenter
(``text.segment.segment``) records, per document and in the same pass that makes
the tokens, the positions each registration accepts.

    self.reg = register(stems=firsts)                 # a stem of the word is in ``firsts``
    self.reg = register(stems=firsts, suffixed=True)  # ... or a stem without a pronoun suffix
    self.reg = register(words=table, digits=True)     # the folded word is in ``table``, or ends in a digit
    positions(doc, self.reg)       # sorted token positions, or None (not indexed: scan all tokens)

The sets are held by reference: a lexicon that grows after registering calls
``changed()``.  What a word is accepted by is worked out once per distinct word,
with an inverted index (stem or word -> registrations) and memoised across
documents.  A registration lives as long as the handle ``register`` returns, which
the recogniser keeps: a recogniser that is garbage-collected takes its registration
with it (a handle, not a weak reference to the recogniser: compiled classes have none).
"""
from __future__ import annotations

from collections.abc import Collection
from itertools import count
from typing import NamedTuple


class _Test(NamedTuple):
    stems: Collection[str] | None
    suffixed: bool
    words: Collection[str] | None
    digits: bool


_TESTS: dict[int, _Test] = {}
_IDS = count()
# word (+ "\0" when it ends in a real ه) -> (stems, suffix-less stems, registration ids):
# the memo of text.segment.segment, emptied whenever a registration is added or changes
WORDS: dict[str, tuple[frozenset, frozenset, tuple[int, ...]]] = {}
_state: dict = {"last": -1, "inverted": None}
_DIGITS = frozenset("0123456789")


class Registration:
    """What ``register`` returns: ``fid`` is the id ``positions`` takes.  The
    registration ends when this handle is garbage-collected (keep it on the recogniser)."""

    __slots__ = ("fid",)

    def __init__(self, fid: int) -> None:
        self.fid = fid

    def __del__(self) -> None:
        try:
            _TESTS.pop(self.fid, None)
            changed()
        except Exception:   # interpreter shutdown: the module's globals may be gone
            pass


def register(*, stems: Collection[str] | None = None, suffixed: bool = False,
             words: Collection[str] | None = None, digits: bool = False) -> Registration:
    """Register what a recogniser looks at (see the module's docstring)."""
    fid = next(_IDS)
    _TESTS[fid] = _Test(stems, suffixed, words, digits)
    _state["last"] = fid
    changed()
    return Registration(fid)


def changed() -> None:
    """A registered set grew or a registration went: forget what words were accepted by."""
    WORDS.clear()
    _state["inverted"] = None


def _inverted() -> tuple[dict, dict, dict, tuple]:
    inv = _state["inverted"]
    if inv is None:
        by_stem: dict[str, list[int]] = {}
        by_sstem: dict[str, list[int]] = {}
        by_word: dict[str, list[int]] = {}
        digit_ids = []
        for fid, t in list(_TESTS.items()):
            for s in t.stems or ():
                by_stem.setdefault(s, []).append(fid)
                if t.suffixed:
                    by_sstem.setdefault(s, []).append(fid)
            for w in t.words or ():
                by_word.setdefault(w, []).append(fid)
            if t.digits:
                digit_ids.append(fid)
        inv = _state["inverted"] = (by_stem, by_sstem, by_word, tuple(digit_ids))
    return inv


def prepare() -> None:
    """Build the inverted index now (``ids_for`` builds it on first use otherwise): a
    pipeline calls this once its recognisers are registered, so that the first article
    does not pay for it."""
    _inverted()


def ids_for(text: str, stems: Collection[str], sstems: Collection[str]) -> tuple[int, ...]:
    """The registrations that accept a word (its folded text, stems and suffix-less stems)."""
    by_stem, by_sstem, by_word, digit_ids = _inverted()
    out: set[int] = set()
    for s in stems:
        hit = by_stem.get(s)
        if hit:
            out.update(hit)
    if by_sstem:
        for s in sstems:
            hit = by_sstem.get(s)
            if hit:
                out.update(hit)
    hit = by_word.get(text)
    if hit:
        out.update(hit)
    if digit_ids and text[-1:] in _DIGITS:
        out.update(digit_ids)
    return tuple(sorted(out))


def last_id() -> int:
    return _state["last"]


class WordIndex:
    """Per document: registration id -> the sorted positions of the tokens it accepted."""

    __slots__ = ("last", "hits")

    def __init__(self, last: int, hits: dict[int, list[int]]) -> None:
        self.last = last
        self.hits = hits

    def get(self, fid: int) -> list[int] | None:
        if fid > self.last:
            return None          # registered after this document was indexed
        return self.hits.get(fid, [])


def positions(doc, reg: Registration) -> list[int] | None:
    """The positions ``reg`` accepted in ``doc``, or None when ``doc`` was not indexed
    with it (the caller then scans every token)."""
    wi = getattr(doc, "word_index", None)
    return None if wi is None else wi.get(reg.fid)
