"""Which tokens each recogniser needs to look at, found in one pass per document.

Most words of an article start no lexicon entry, no place name, no number and no
date.  Every recogniser used to scan all tokens to find the few it cares about;
now each registers a *word test* once (``register``), the tests are run once per
distinct word (memoised across documents), and ``index`` gives, per document,
the token positions each test accepted, in one pass over the tokens.

    fid = register(self, lambda tok: ...)      # at build time, once per recogniser
    doc.word_index = index(doc.tokens)          # the segment stage
    positions(doc, fid)                         # sorted token positions, or None
                                                # (not indexed: scan all tokens)

A test must depend only on the token's word (``text``, its stems and ``ha``),
never on its position or neighbours.  Registrations are weak: a recogniser that
is garbage-collected takes its test with it.
"""
from __future__ import annotations

import weakref
from itertools import count
from typing import Any, Callable

from .segment import Token

_TESTS: dict[int, tuple[weakref.ref, Callable[[Token], Any]]] = {}
_IDS = count()
_MEMO: dict[str, tuple[int, ...]] = {}
_MEMO_LIMIT = 300_000
_state = {"last": -1}   # the highest id registered so far


def register(owner: object, test: Callable[[Token], Any]) -> int:
    """Register ``test`` (truthy for the words ``owner`` must look at); returns its id."""
    fid = next(_IDS)

    def gone(_ref, fid=fid) -> None:
        _TESTS.pop(fid, None)

    _TESTS[fid] = (weakref.ref(owner, gone), test)
    _state["last"] = fid
    _MEMO.clear()
    return fid


def changed() -> None:
    """A registered test now answers differently (its lexicon grew): forget the answers."""
    _MEMO.clear()


class WordIndex:
    """Per document: test id -> the sorted positions of the tokens it accepted."""

    __slots__ = ("last", "hits")

    def __init__(self, last: int, hits: dict[int, list[int]]) -> None:
        self.last = last
        self.hits = hits

    def get(self, fid: int) -> list[int] | None:
        if fid > self.last:
            return None          # registered after this document was indexed
        return self.hits.get(fid, [])


def index(tokens: list[Token]) -> WordIndex:
    memo = _MEMO
    if len(memo) > _MEMO_LIMIT:
        memo.clear()
    hits: dict[int, list[int]] = {}
    for i, t in enumerate(tokens):
        key = t.text + "\0" if t.ha else t.text
        ids = memo.get(key)
        if ids is None:
            ids = memo[key] = tuple(fid for fid, (_, test) in list(_TESTS.items()) if test(t))
        for fid in ids:
            lst = hits.get(fid)
            if lst is None:
                hits[fid] = [i]
            else:
                lst.append(i)
    return WordIndex(_state["last"], hits)


def positions(doc, fid: int) -> list[int] | None:
    """The positions ``fid``'s test accepted in ``doc``, or None when ``doc`` was not
    indexed with it (the caller then scans every token)."""
    wi = getattr(doc, "word_index", None)
    return None if wi is None else wi.get(fid)
