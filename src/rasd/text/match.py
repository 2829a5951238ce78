"""Clitic-aware, whole-word phrase matching of lexicon entries over tokens.

A lexicon entry is a phrase (``"الطائرات الحربية الروسية"``) and a payload.  Its
key is the tuple of its folded tokens without the article; a text token matches
a key token through any of its clitic analyses (``والطائرات`` -> ``طايرات``), and
the last token may also carry a pronoun suffix when the entry allows it
(``لقصفها`` -> ``قصف``).  Matching is by hash lookups over token n-grams, pruned
by the set of key prefixes, so its cost is linear in the text.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from . import wordindex
from .normalize import fold_key
from .segment import Token, analyses, ha_stems, key_of, suffix_stems


@dataclass(slots=True)
class Match:
    tok_start: int
    tok_end: int       # exclusive
    start: int         # folded-text offsets (clitics excluded)
    end: int
    payloads: list[Any]
    suffixed: bool = False


def _sfx(tok: Token, stem: str) -> tuple[str, ...]:
    return suffix_stems(stem) + ha_stems(stem) if tok.ha else suffix_stems(stem)


class PhraseMatcher:
    """Longest-match lookup of phrases over a token list."""

    def __init__(self) -> None:
        self._entries: dict[tuple[str, ...], list[Any]] = {}
        self._no_suffix: set[tuple[str, ...]] = set()
        self._prefixes: set[tuple[str, ...]] = set()
        self._firsts: set[str] = set()   # first tokens of all keys: a token sharing none starts nothing
        self._starts: dict[str, bool] = {}  # word -> whether it can start an entry (memo, across documents)
        self._useful: dict[str, tuple] = {}  # word -> its analyses that can start an entry (memo)
        self.max_len = 0
        self.words = wordindex.register(stems=self._firsts, suffixed=True)

    def add(self, phrase: str, payload: Any, allow_suffix: bool = True) -> None:
        key = key_of(fold_key(phrase))
        if not key:
            return
        self._entries.setdefault(key, []).append(payload)
        self._useful.clear()
        if not allow_suffix:
            self._no_suffix.add(key)
        for i in range(1, len(key)):
            self._prefixes.add(key[:i])
        if key[0] not in self._firsts:
            self._firsts.add(key[0])
            self._starts.clear()
            wordindex.changed()
        self.max_len = max(self.max_len, len(key))

    def add_all(self, phrases: Iterable[str], payload: Any, allow_suffix: bool = True) -> None:
        for p in phrases:
            self.add(p, payload, allow_suffix)

    def _openers(self, tok: Token) -> tuple[tuple, ...]:
        """The analyses of ``tok`` that can start a match, as (stem, clitic chars, the
        payloads of the one-word entry, of the one-word entry with a pronoun suffix,
        whether longer entries start with it); the other analyses would find nothing."""
        entries, prefixes, no_suffix = self._entries, self._prefixes, self._no_suffix
        out = []
        for stem, ncl in analyses(tok.text):
            key = (stem,)
            single = entries.get(key)
            suffixed = next((entries[(sx,)] for sx in _sfx(tok, stem)
                             if (sx,) in entries and (sx,) not in no_suffix), None)
            is_prefix = key in prefixes
            if single is not None or suffixed is not None or is_prefix:
                out.append((stem, ncl, single, suffixed, is_prefix))
        return tuple(out)

    def _scan(self, tokens: list[Token], lo: int, hi: int) -> list[int]:
        """The positions in tokens[lo:hi] whose word can start an entry."""
        firsts, memo = self._firsts, self._starts
        if len(memo) > 300_000:
            memo.clear()
        out = []
        for i in range(lo, hi):
            tk = tokens[i]
            word = tk.text + "\0" if tk.ha else tk.text
            can = memo.get(word)
            if can is None:
                can = memo[word] = not (firsts.isdisjoint(tk.stems) and firsts.isdisjoint(tk.sstems))
            if can:
                out.append(i)
        return out

    def __len__(self) -> int:
        return len(self._entries)

    def find(self, tokens: list[Token], lo: int = 0, hi: int | None = None,
             longest_only: bool = True, doc=None) -> list[Match]:
        """All matches in tokens[lo:hi]; with ``longest_only`` overlapping shorter
        matches are dropped (leftmost-longest).  Given the ``doc`` the tokens are
        from, only the positions its word index gives are tried."""
        hi = len(tokens) if hi is None else hi
        entries, prefixes = self._entries, self._prefixes
        found: list[Match] = []
        cands = wordindex.positions(doc, self.words) if doc is not None else None
        if cands is None:
            cands = self._scan(tokens, lo, hi)
        elif lo or hi < len(tokens):
            cands = [i for i in cands if lo <= i < hi]
        useful = self._useful
        if len(useful) > 300_000:
            useful.clear()
        no_suffix = self._no_suffix
        for i in cands:
            best: Match | None = None
            tk = tokens[i]
            word = tk.text + "\0" if tk.ha else tk.text
            opts = useful.get(word)
            if opts is None:
                opts = useful[word] = self._openers(tk)
            for stem, ncl, single, suffixed, is_prefix in opts:
                # the first token alone: an entry, else an entry with a pronoun suffix
                if single is not None and (best is None or i + 1 > best.tok_end):
                    best = Match(i, i + 1, tk.start + ncl, tk.end, single)
                if suffixed is not None and (best is None or i + 1 > best.tok_end):
                    best = Match(i, i + 1, tk.start + ncl, tk.end, suffixed, True)
                if not is_prefix or i + 1 >= hi:
                    continue
                key: tuple[str, ...] = (stem,)
                j = i
                while True:
                    j += 1
                    nxt = analyses(tokens[j].text)
                    # extend with the first analysis that keeps us on a prefix or entry
                    ext = None
                    for st, _ in nxt:
                        k = key + (st,)
                        if k in prefixes or k in entries:
                            ext = k
                            break
                    if ext is None:
                        # maybe the last token matches only with a suffix
                        for st, _ in nxt:
                            for sx in _sfx(tokens[j], st):
                                k2 = key + (sx,)
                                if k2 in entries and k2 not in no_suffix and (
                                        best is None or j + 1 > best.tok_end):
                                    best = Match(i, j + 1, tk.start + ncl, tokens[j].end, entries[k2], True)
                        break
                    key = ext
                    if key in entries and (best is None or j + 1 > best.tok_end):
                        best = Match(i, j + 1, tk.start + ncl, tokens[j].end, entries[key])
                    # suffix on the last token
                    if best is None or j + 1 > best.tok_end:
                        for sx in _sfx(tokens[j], key[-1]):
                            k2 = key[:-1] + (sx,)
                            if k2 in entries and k2 not in no_suffix:
                                best = Match(i, j + 1, tk.start + ncl, tokens[j].end, entries[k2], True)
                                break
                    if key not in prefixes or j + 1 >= hi:
                        break
            if best is not None:
                found.append(best)
        if not longest_only:
            return found
        out: list[Match] = []
        found.sort(key=lambda m: (m.tok_start, -(m.tok_end - m.tok_start)))
        last_end = -1
        for m in found:
            if m.tok_start >= last_end:
                out.append(m)
                last_end = m.tok_end
        return out
