"""Counts in the text: figures, number words, vague quantities and duals.

``NumberRecognizer()(doc)`` appends to ``doc.spans["number"]`` one
``Span(label="NUMBER", value=Quantity(value, text, qualifier, vague))`` per
quantity expression.  The span covers the qualifier and the number ("أكثر من
60"), never the counted noun; ``Quantity.text`` is the number expression
alone, as written ("عشرات", "ثلاثة آلاف").

What it reads (all from ``knowledge/numbers.yaml``):

* figures (``84``, ``1,031``, ``1.500`` = 1500, ``1.5 مليون``), Arabic-Indic
  digits arrive folded to Western ones;
* cardinal words with their gender/case forms and compounds: ``خمس وعشرين``,
  ``ثلاثة عشر``, ``ثلاثمئة``, ``ثلاثة آلاف``, ``مئة ألف``, ``ألف وخمسمئة``;
* vague quantities (``عشرات``, ``مئات الآلاف``, ``بضعة``, ``عدد من``): value
  ``None``, ``vague=True``;
* duals of a small list of countable nouns (``قتيلين``, ``طفلين`` -> 2): the
  dual noun itself is the span (see :func:`dual_count`);
* qualifiers before the number (``أكثر من`` more_than, ``نحو`` about, ``ما لا
  يقل عن`` at_least, ``أقل من`` less_than, ``ما يصل إلى`` at_most) or after it
  (``12 طفلا على الأقل``).

Figures that are not counts are skipped: after ``اللواء``/``الساعة``/``رقم``/
``عام`` ..., before ``عاما``/``ساعة``/``كم``/``%``/currencies ..., glued to
``-``/``/``/``:`` (``إف-16``, ``6:30``, ``15/12``), years in parentheses, and
number words after an ordinal (``الحادي عشر``).  Numbers inside a date are
removed by the date recogniser, which runs after this one.
"""
from __future__ import annotations

import re
from functools import lru_cache

from ..document import Document, Quantity
from ..resources import load
from ..text import wordindex
from ..text.normalize import fold_key
from ..text.segment import Token, analyses, key_of, remember, tokenize

# token kinds
DIGITS, UNIT, TEEN_UNIT, TEN, TENS, HUNDRED, SCALE1, SCALE2, SCALEP, VAGUE, VAGUE_MIN, DUAL = range(12)

_CLITICS = ("", "و", "ف", "ب", "ل", "ك", "وب", "ول", "وك", "فب", "فل")
_DIGIT_TOK = re.compile(r"([وفبلك]{0,2})(ال)?([0-9]+(?:[.,][0-9]+)*)")
_THOUSANDS = re.compile(r"[0-9]{1,3}(?:([.,])[0-9]{3})(?:\1[0-9]{3})*")
_DIGITS = frozenset("0123456789")
_GLUE_BEFORE = frozenset("-/:#$\u2013")
_GLUE_AFTER = frozenset("/:-\u2013")
_MARKS = re.compile("[\u064b-\u065f\u0670\u0640]")
_PERCENT = re.compile(r"[^\S\n]*[%\u066a]")
# "2 – تعيين", "7) صدام": a list marker, not a count
_LIST_MARK = re.compile(r"[^\S\n]*[-\u2013)][^\S\n]*[^\W\d_]")
# "اف - 16", "F -16": a model number
_MODEL = re.compile(r"[^\W\d_][^\S\n]*[-\u2013][^\S\n]*$")


def _gap_ok(text: str, a: int, b: int) -> bool:
    """Only spaces (no punctuation, no line break) between two tokens."""
    g = text[a:b]
    return g == " " or a == b or (g.isspace() and "\n" not in g)


_FORMS: dict[str, frozenset[str]] = {}


def _forms(tok: str) -> frozenset[str]:
    """The token and its clitic/article-stripped stems (for matching lexicon keys;
    memoised in a plain dict, like ``segment.analyses``)."""
    r = _FORMS.get(tok)
    return remember(_FORMS, tok, _forms_of(tok), 100_000) if r is None else r


def _forms_of(tok: str) -> frozenset[str]:
    out = {s for s, _ in analyses(tok)}
    out.add(tok)
    if len(tok) >= 3 and tok[0] in "وفبل":
        out.add(tok[1:])
    return frozenset(out)


def _joinable(tokens: list[Token], text: str, hi: int, j: int) -> bool:
    """Token j (before ``hi``) follows the one before it with only spaces between
    (a function, not a closure in ``_parse``: compiled, the call is native)."""
    return j < hi and _gap_ok(text, tokens[j - 1].end, tokens[j].start)


def _clitic_len(tok: str, word: str) -> int:
    """How many leading clitic letters ``tok`` has before ``word`` (its matched stem)."""
    if tok == word:
        return 0
    for stem, n in analyses(tok):
        if stem == word:
            return n
    return 1 if tok[1:] == word else 0


def _key(phrase: str) -> tuple[str, ...]:
    return key_of(fold_key(phrase))


def _phrase_index(phrases_by_label: dict, by_last: bool) -> dict[str, list[tuple[tuple[str, ...], str]]]:
    """Phrases by their last (or first) word, longest first."""
    idx: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for label, phrases in phrases_by_label.items():
        for ph in phrases:
            k = _key(ph)
            if k:
                idx.setdefault(k[-1] if by_last else k[0], []).append((k, label))
    for lst in idx.values():
        lst.sort(key=lambda e: -len(e[0]))
    return idx


class NumberRecognizer:
    """Build once (loads ``numbers.yaml``), call per document."""

    def __init__(self) -> None:
        kb = load("numbers.yaml")
        core: dict[str, tuple[int, object, bool]] = {}  # folded word -> (kind, value, article allowed)

        def put(words, kind, value, art):
            for w in words:
                core.setdefault(fold_key(w), (kind, value, art))

        for v, ws in kb["units"].items():
            put(ws, UNIT, int(v), int(v) >= 3)          # الاثنين is Monday, not "the two"
        for v, ws in kb["teen_units"].items():
            put(ws, TEEN_UNIT, int(v), False)            # الاحد is Sunday
        put(kb["ten"], TEN, 10, True)
        for v, ws in kb["tens"].items():
            put(ws, TENS, int(v), False)                 # العشرين: ordinal / G20
        for v, ws in kb["hundreds"].items():
            put(ws, HUNDRED, int(v), False)              # في المئة: per cent
        for v, d in kb["scales"].items():
            put(d.get("one", ()), SCALE1, int(v), False)
            put(d.get("two", ()), SCALE2, int(v), False)
            put(d.get("plural", ()), SCALEP, int(v), True)
        put(kb["vague"], VAGUE, None, True)
        put(kb["vague_need_min"], VAGUE_MIN, None, True)
        self._duals: set[str] = set()
        for n in kb.get("dual_nouns", ()):
            n = fold_key(n)
            base = n[:-1] + "ت" if n.endswith("ه") else n
            for suf in ("ين", "ان"):
                self._duals.add(base + suf)
                core.setdefault(base + suf, (DUAL, 2, False))
        for n in kb.get("dual_nouns_an", ()):
            n = fold_key(n)
            self._duals.add(n + "ان")
            core.setdefault(n + "ان", (DUAL, 2, False))

        # every clitic/article variant of every word -> (kind, value, ncl, conj)
        tokmap: dict[str, tuple[int, object, int, bool]] = {}
        for w, (kind, value, art) in core.items():
            for p in _CLITICS:
                conj = p == "و"
                tokmap.setdefault(p + w, (kind, value, len(p), conj))
                if art:
                    if p.endswith("ل"):  # ل + ال -> لل
                        tokmap.setdefault(p + "ل" + w, (kind, value, max(len(p) - 1, 0), conj))
                    else:
                        tokmap.setdefault(p + "ال" + w, (kind, value, len(p), conj))
        self._tokmap = tokmap
        self.words = wordindex.register(words=tokmap, digits=True)

        q = kb["qualifiers"]
        self._q_before = _phrase_index(q["before"], by_last=True)
        self._q_after = _phrase_index(q["after"], by_last=False)
        self._not_after = _phrase_index({"x": kb["not_count_after"]}, by_last=True)
        self._not_before = _phrase_index({"x": kb["not_count_before"]}, by_last=False)
        self._ordinals = {k for ws in kb["ordinals"].values() for w in ws for k in _key(w)}
        self._fractions = {fold_key(w): float(v) for w, v in kb.get("fractions", {}).items()}

    # --- token classification --------------------------------------------------
    def _cls(self, text: str):
        c = self._tokmap.get(text)
        if c is not None:
            return c
        if text[-1] in _DIGITS:
            m = _DIGIT_TOK.fullmatch(text)
            if m:
                cl = m.group(1)
                return (DIGITS, m.group(3), len(cl), cl == "و")
        return None

    def dual_count(self, token: str) -> int | None:
        """2 when the folded token is the dual of a listed countable noun
        (``قتيلين``, ``ولطفلين``), else None."""
        for f in _forms(token):
            if f in self._duals:
                return 2
        return None

    # --- matching helpers -------------------------------------------------------
    @staticmethod
    def _seq_at(tokens: list[Token], text: str, key: tuple[str, ...], a: int, lo: int, hi: int) -> bool:
        """Does ``key`` match tokens[a:a+len(key)] inside [lo, hi)?"""
        b = a + len(key)
        if a < lo or b > hi:
            return False
        for k, w in enumerate(key):
            t = tokens[a + k]
            if k and not _gap_ok(text, tokens[a + k - 1].end, t.start):
                return False
            if w != t.text and w not in _forms(t.text):
                return False
        return True

    def _ends_at(self, idx: dict[str, list[tuple[tuple[str, ...], str]]], tokens: list[Token], text: str, p: int, lo: int,
                 hi: int) -> tuple[str, int, tuple[str, ...]] | None:
        """A phrase of ``idx`` (indexed by last word) ending at token p: (label, first token, key) or None."""
        if p < lo:
            return None
        for f in _forms(tokens[p].text):
            for key, label in idx.get(f, ()):
                if self._seq_at(tokens, text, key, p - len(key) + 1, lo, hi):
                    return label, p - len(key) + 1, key
        return None

    def _starts_at(self, idx: dict[str, list[tuple[tuple[str, ...], str]]], tokens: list[Token], text: str, a: int, lo: int,
                   hi: int) -> tuple[str, int] | None:
        """A phrase of ``idx`` (indexed by first word) starting at token a: (label, end token) or None."""
        if a >= hi:
            return None
        for f in _forms(tokens[a].text):
            for key, label in idx.get(f, ()):
                if self._seq_at(tokens, text, key, a, lo, hi):
                    return label, a + len(key)
        return None

    # --- the number grammar -----------------------------------------------------
    @staticmethod
    def _digit_value(s: str, before_scale: bool):
        if "." in s or "," in s:
            if _THOUSANDS.fullmatch(s) and not (before_scale and "." in s):
                return int(s.replace(",", "").replace(".", ""))
            try:
                return float(s.replace(",", "."))
            except ValueError:
                return None
        return int(s)

    def _parse(self, tokens: list[Token], text: str, i: int, hi: int):
        """Parse a number expression at token i: (value, vague, end_token) or None."""
        c0 = self._cls(tokens[i].text)
        kind = c0[0]

        if kind == VAGUE_MIN:
            if _joinable(tokens, text, hi, i + 1) and tokens[i + 1].text == "من":
                return None, True, i + 2
            return None
        if kind in (VAGUE, SCALEP):
            j = i + 1
            if _joinable(tokens, text, hi, j):  # عشرات الآلاف, مئات الآلاف
                c = self._cls(tokens[j].text)
                if c and c[0] == SCALEP and not c[2]:
                    j += 1
            return None, True, j
        if kind == DUAL:
            if _joinable(tokens, text, hi, i + 1):
                c = self._cls(tokens[i + 1].text)
                if c and c[0] == UNIT and c[1] == 2:  # قتيلين اثنين: the number word counts
                    return None
            return 2, False, i + 1

        total: int | float = 0
        cur: int | float = 0   # an int unless a digit token says 1.5
        last = None
        j = i
        while j < hi:
            if j == i:
                c = c0
            else:
                if not _joinable(tokens, text, hi, j):
                    break
                c = self._cls(tokens[j].text)
                if c is None:
                    break
                if c[2] and not c[3]:  # a clitic other than و starts a new phrase
                    break
            kind, val, _, conj = c
            later = j > i
            if later and conj and kind in (SCALE1, SCALE2, SCALEP, VAGUE, VAGUE_MIN, DUAL):
                break
            if kind == DIGITS:
                if later and not (conj and cur == 0 and total > 0):
                    break
                nxt = self._cls(tokens[j + 1].text) if _joinable(tokens, text, hi, j + 1) else None
                v = self._digit_value(val, bool(nxt and nxt[0] in (SCALE1, SCALEP) and not nxt[2]))
                if v is None:
                    return None
                cur += v
                last = DIGITS
            elif kind in (UNIT, TEEN_UNIT):
                if kind == TEEN_UNIT:
                    nxt = self._cls(tokens[j + 1].text) if _joinable(tokens, text, hi, j + 1) else None
                    if not (nxt and nxt[0] == TEN and not nxt[2]):
                        if not later:
                            return None
                        break
                if later and not (conj and cur % 100 == 0 and (cur or total) and last != DIGITS):
                    break
                cur += val
                last = UNIT
            elif kind == TEN:
                if later and not conj and last == UNIT and 0 < cur % 100 < 10:
                    cur += 10          # ثلاثة عشر
                    last = TEN
                elif not later:
                    cur = 10
                    last = UNIT        # عشرة آلاف
                elif conj and cur % 100 == 0 and (cur or total) and last != DIGITS:
                    cur += 10
                    last = TEN
                else:
                    break
            elif kind == TENS:
                if later:
                    if not conj or last == DIGITS:
                        break
                    if not ((last == UNIT and 0 < cur % 100 < 10) or (cur % 100 == 0 and (cur or total))):
                        break
                cur += val
                last = TENS
            elif kind == HUNDRED:
                if later:
                    if not conj and last == UNIT and val == 100 and 0 < cur < 10:
                        cur *= 100     # ثلاث مئة
                        last = HUNDRED
                        j += 1
                        continue
                    if not (conj and cur == 0 and total > 0):
                        break
                cur += val
                last = HUNDRED
            elif kind == SCALE1:
                if not later:
                    total += val
                elif cur > 0 and (total == 0 or total >= val * 1000):
                    total += cur * val   # خمسين ألفا, 500 ألف, 1.5 مليون
                    cur = 0
                else:
                    break
                last = SCALE1
            elif kind == SCALE2:
                if later:
                    break
                total += 2 * val
                last = SCALE1
            elif kind == SCALEP:
                if later and last in (UNIT, DIGITS) and 3 <= cur <= 10 and cur == int(cur):
                    total += cur * val   # ثلاثة آلاف
                    cur = 0
                    last = SCALE1
                else:
                    break
            else:
                break
            j += 1
        if j == i:
            return None
        value = total + cur
        if value != int(value) or value <= 0:
            return None
        return int(value), False, j

    # --- the stage ----------------------------------------------------------------
    def __call__(self, doc: Document) -> None:
        tokens = doc.tokens
        text = doc.norm.text
        tokmap = self._tokmap
        cand = wordindex.positions(doc, self.words)
        if cand is None:
            cand = [i for i, t in enumerate(tokens) if t.text in tokmap or t.text[-1] in _DIGITS]
        doc.spans.setdefault("number", [])
        if not cand:
            return
        sents = doc.sentences
        done = 0
        for i in cand:
            if i < done:
                continue
            c0 = self._cls(tokens[i].text)
            if c0 is None:
                continue
            s = sents[tokens[i].sent] if sents else None
            lo, hi = (s.tok_start, s.tok_end) if s else (0, len(tokens))
            r = self._parse(tokens, text, i, hi)
            if r is None:
                continue
            value, vague, j = r
            done = j
            if self._excluded(tokens, text, i, j, lo, hi, c0[0], value):
                continue
            if c0[0] == UNIT and value == 1 and not self._is_wahid(doc, tokens, text, i, j, hi):
                continue
            fstart = tokens[i].start + c0[2]
            fend = tokens[j - 1].end
            num_start, num_end = fstart, fend
            first = i
            p = i - 1
            if c0[0] == SCALE1 and p >= lo and tokens[p].text in self._fractions \
                    and _gap_ok(text, tokens[p].end, tokens[i].start):
                value = int(value * self._fractions[tokens[p].text])   # نصف مليون
                fstart = num_start = tokens[p].start
                first, p = p, p - 1
            if p >= lo and tokens[p].text == "ال" and _gap_ok(text, tokens[p].end, tokens[i].start):
                fstart, first, p = tokens[p].start, p, p - 1   # "الـ 100"
            qual = None
            if p >= lo and _gap_ok(text, tokens[p].end, tokens[first].start):
                hit = self._ends_at(self._q_before, tokens, text, p, lo, hi)
                if hit:
                    qual, first = hit[0], hit[1]
                    fstart = tokens[first].start + _clitic_len(tokens[first].text, hit[2][0])
            last = j
            if qual is None:
                for k in range(j, min(j + 4, hi)):
                    if k > i and not _gap_ok(text, tokens[k - 1].end, tokens[k].start):
                        break
                    if k > j and self._cls(tokens[k].text) is not None:
                        break
                    after = self._starts_at(self._q_after, tokens, text, k, lo, hi)
                    if after:
                        qual = after[0]
                        if k == j:
                            fend, last = tokens[after[1] - 1].end, after[1]
                        break
            sp = doc.add_span("number", fstart, fend, "NUMBER", None, first, last)
            while sp.end < len(doc.text) and _MARKS.match(doc.text, sp.end):   # trailing harakat
                sp.end += 1
            a, b = doc.orig_span(num_start, num_end)
            if fend == num_end:
                b = sp.end
            sp.value = Quantity(value, doc.text[a:b], qual, vague)
        return

    @staticmethod
    def _is_wahid(doc: Document, tokens: list[Token], text: str, i: int, j: int, hi: int) -> bool:
        """واحد is "one" unless it is و + أحد ("وأحد أبرز") or "واحد من" ("one of")."""
        t = tokens[i]
        if t.text.startswith("وا"):
            o = doc.norm.to_original(t.start + 1, t.start + 2)[0]
            if doc.text[o:o + 1] in ("أ", "إ"):
                return False
        if j < hi and tokens[j].text == "من" and _gap_ok(text, tokens[j - 1].end, tokens[j].start):
            return False
        return True

    def _excluded(self, tokens: list[Token], text: str, i: int, j: int, lo: int, hi: int, kind0: int,
                  value: int | float | None) -> bool:
        """Is the expression tokens[i:j] an identifier, a year, a time, an age, a measure?"""
        start, end = tokens[i].start, tokens[j - 1].end
        # glued to -, /, : (إف-16, 6:30, 15/12/2019) or followed by %
        if start > 0 and text[start - 1] in _GLUE_BEFORE and start > 1 and text[start - 2].isalnum():
            return True
        if end < len(text) and text[end] in _GLUE_AFTER and end + 1 < len(text) and text[end + 1].isalnum():
            return True
        if _PERCENT.match(text, end):
            return True
        if kind0 == DIGITS:
            if _LIST_MARK.match(text, end) or _MODEL.search(text, max(0, start - 8), start):
                return True
            if start and text[start - 1] == "(" and text[end:end + 1] == ")":
                return True
        # after an ordinal (الحادي عشر), an identifier word (اللواء 102) or a year word
        p = i - 1
        if p >= lo and tokens[p].text == "ال":
            p -= 1
        if p >= lo and _gap_ok(text, tokens[p].end, tokens[p + 1].start):
            f = _forms(tokens[p].text)
            if kind0 != DIGITS and f & self._ordinals:
                return True
            if self._ends_at(self._not_after, tokens, text, p, lo, hi):
                return True
        # before a unit of age, time, distance, money, per cent; also the first
        # figure of a pair sharing the unit ("بين 14 و30 عاما")
        if j < hi and _gap_ok(text, tokens[j - 1].end, tokens[j].start):
            if self._starts_at(self._not_before, tokens, text, j, lo, hi):
                return True
            c = self._cls(tokens[j].text)
            if c and c[0] == DIGITS and c[3] and j + 1 < hi \
                    and _gap_ok(text, tokens[j].end, tokens[j + 1].start) \
                    and self._starts_at(self._not_before, tokens, text, j + 1, lo, hi):
                return True
        # a bare year: "(2001)", "... 2014." at the end of a sentence
        if kind0 == DIGITS and j == i + 1 and 1900 <= (value or 0) <= 2100 and len(tokens[i].text) == 4:
            before = text[start - 1] if start else ""
            if before == "(" or j >= hi or not _gap_ok(text, end, tokens[j].start):
                return True
        return False


@lru_cache(maxsize=1)
def _default() -> NumberRecognizer:
    return NumberRecognizer()


def dual_count(token: str) -> int | None:
    """2 when ``token`` (folded) is the dual of a countable noun listed in
    ``numbers.yaml`` (``قتيلين``, ``طفلين``), else None."""
    return _default().dual_count(token)


def number_value(folded: str) -> int | None:
    """The value of a short folded number expression (``"خمس وعشرين"`` -> 25,
    ``"48"`` -> 48, ``"ثلاثة الاف"`` -> 3000), or None."""
    rec = _default()
    toks = tokenize(folded)
    if not toks or rec._cls(toks[0].text) is None:
        return None
    r = rec._parse(toks, folded, 0, len(toks))
    if r is None or r[2] != len(toks):
        return None
    return r[0]
