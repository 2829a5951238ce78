"""Normalisation with an offset map back to the original text.

Two levels:

* :func:`repair` only undoes moderation-evasion breaks (``قصـ.ف`` -> ``قصف``,
  zero-width or bidi characters inside a word, doubled tatweel, an asterisk
  between letters).  It is what ``rasd normalize`` prints.
* :func:`fold` is the matching form every recogniser works on: ``repair`` plus
  Unicode NFKC, no diacritics or tatweel, unified alef/ya/ta-marbuta/hamza
  carriers, Western digits, lower-case Latin.

Both return a :class:`Normalized` whose ``to_original`` maps any span of the
normalised text back to the original text, so evidence always points into what
the user gave us.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

AR_LETTER = "\u0621-\u063a\u0641-\u064a\u0671-\u06d3\u06fa-\u06ff"
AR_MARK = "\u064b-\u065f\u0670\u0610-\u061a\u06d6-\u06ed"
TATWEEL = "\u0640"
# invisible characters that have no business inside a word
INVISIBLE = "\u00ad\u034f\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
BREAK_PUNCT = r".*·•‧∙⋅_\-"

_L = f"[{AR_LETTER}]"
_LM = f"[{AR_LETTER}{AR_MARK}]"
# One break between two Arabic letters (marks allowed before it).  Forms seen in
# the wild: tatweel + dot (the seed's `قصـ.ف`), dot + tatweel, doubled tatweel,
# asterisks, invisible characters.
_BREAK = re.compile(
    rf"(?<={_LM})(?:"
    rf"[{INVISIBLE}]*{TATWEEL}+[{INVISIBLE}]*[{BREAK_PUNCT}]+[{INVISIBLE}{TATWEEL}]*"  # ـ.  ـ.ـ  ـ*
    rf"|[{INVISIBLE}]*[{BREAK_PUNCT}]+{TATWEEL}+[{INVISIBLE}{TATWEEL}]*"  # .ـ
    rf"|{TATWEEL}{{2,}}"  # ــ (doubled tatweel: only the extra ones go, see below)
    rf"|\*+"  # قص*ف
    rf"|[{INVISIBLE}]+"  # zero-width / bidi inside a word
    rf")(?={_L})"
)
# A bare dot between letters is a break only when one side is a fragment too
# short to be a word (قص.ف, ق.صف); "إدلب.وقال" is a missing space, left alone.
# "د.محمد" (an abbreviation) is left alone too: the left fragment must have two letters.
_BARE_DOT = re.compile(rf"(?<![{AR_LETTER}]){_L}{{2}}(\.){_L}+|(?<![{AR_LETTER}]){_L}{{2,}}(\.){_L}{{1,2}}(?![{AR_LETTER}])")

_DIACRITICS = f"[{AR_MARK}{TATWEEL}{INVISIBLE}]"
_NFKC_NEEDED = "\ufb50-\ufdff\ufe70-\ufefe\uff00-\uffef\u2000-\u200a\u00a0\u2024-\u2026"

_FOLD_PAIRS = {
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ٲ": "ا", "ٳ": "ا",
    "ى": "ي", "ئ": "ي", "ی": "ي", "ې": "ي",
    "ة": "ه", "ۀ": "ه", "ھ": "ه", "ہ": "ه",
    "ؤ": "و", "ک": "ك", "ڪ": "ك", "گ": "ك",
    "٠": "0", "١": "1", "٢": "2", "٣": "3", "٤": "4", "٥": "5", "٦": "6", "٧": "7", "٨": "8", "٩": "9",
    "۰": "0", "۱": "1", "۲": "2", "۳": "3", "۴": "4", "۵": "5", "۶": "6", "۷": "7", "۸": "8", "۹": "9",
    "٫": ".", "٬": ",", "،": "،",
    "“": '"', "”": '"', "«": '"', "»": '"', "„": '"', "‟": '"',
}


def _bisect_right(a: list[int], x: int) -> int:
    """``bisect.bisect_right``, written out: compiled, it is native integer code, not a
    call through the bisect module (offsets are mapped for every span)."""
    lo, hi = 0, len(a)
    while lo < hi:
        mid = (lo + hi) // 2
        if x < a[mid]:
            hi = mid
        else:
            lo = mid + 1
    return lo


class OffsetMap:
    """Piecewise map from positions of an edited text to positions of its source.

    A segment starting at output position ``out[k]`` maps linearly to
    ``src[k] + (i - out[k])``, or, when ``const[k]``, every position to
    ``src[k]`` (replacement text).  Built from the edits only, so its cost is
    proportional to the number of edits, not to the text's length.
    """

    __slots__ = ("out", "src", "const")

    def __init__(self) -> None:
        self.out: list[int] = []
        self.src: list[int] = []
        self.const: list[bool] = []

    def add(self, out_pos: int, src_pos: int, const: bool = False) -> None:
        self.out.append(out_pos)
        self.src.append(src_pos)
        self.const.append(const)

    def __call__(self, i: int) -> int:
        k = _bisect_right(self.out, i) - 1
        if k < 0:
            return i
        return self.src[k] if self.const[k] else self.src[k] + (i - self.out[k])


@dataclass(frozen=True, slots=True)
class Normalized:
    """A normalised text and the maps that lead back to the original.

    ``maps`` are applied in order (the last edit's map first); an empty tuple
    means the text is unchanged.  ``letters`` (from ``fold``) is the text before
    its one-for-one letter folds, at the same offsets: it tells a folded ة from a
    real ه.
    """

    text: str
    maps: tuple[OffsetMap, ...] = ()
    letters: str | None = None

    def _map(self, i: int) -> int:
        for m in self.maps:
            i = m(i)
        return i

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map [start, end) of the normalised text to [start, end) of the original."""
        maps = self.maps
        if not maps:
            return start, end
        s = start          # OffsetMap.__call__, inlined: this is called for every span
        for m in maps:
            out = m.out
            k = _bisect_right(out, s) - 1
            if k >= 0:
                s = m.src[k] if m.const[k] else m.src[k] + (s - out[k])
        if end <= start:
            return s, s
        e = end - 1
        for m in maps:
            out = m.out
            k = _bisect_right(out, e) - 1
            if k >= 0:
                e = m.src[k] if m.const[k] else m.src[k] + (e - out[k])
        return s, e + 1

    def compose(self, inner: "Normalized") -> "Normalized":
        """`inner` normalised *this* text; return it mapped to the original."""
        return Normalized(inner.text, inner.maps + self.maps)


def _apply(text: str, pattern: re.Pattern, replace) -> Normalized:
    """Replace each match of ``pattern`` by ``replace(match)`` keeping an offset map.

    Replacement characters map to the start of their match; copied text maps
    to itself.
    """
    out: list[str] = []
    omap = OffsetMap()
    pos = 0
    olen = 0
    for m in pattern.finditer(text):
        s, e = m.span()
        if s > pos:
            out.append(text[pos:s])
            olen += s - pos
        rep = replace(m)
        if rep:
            out.append(rep)
            omap.add(olen, s, True)
            olen += len(rep)
        omap.add(olen, e)
        pos = e
    out.append(text[pos:])
    if not omap.out:
        return Normalized(text)
    return Normalized("".join(out), (omap,))


def _identity(text: str) -> Normalized:
    return Normalized(text)


def _repair_breaks(m: re.Match) -> str:
    s = m.group(0)
    if set(s) == {TATWEEL}:  # doubled tatweel: keep one (it is typography, not a break)
        return TATWEEL
    return ""


def _delete(text: str, positions: list[int]) -> Normalized:
    """Delete the characters at ``positions`` (sorted), keeping an offset map."""
    out: list[str] = []
    omap = OffsetMap()
    pos = 0
    for p in positions:
        out.append(text[pos:p])
        pos = p + 1
        omap.add(p - len(omap.out), pos)
    out.append(text[pos:])
    return Normalized("".join(out), (omap,))


# cheap pre-check: a tatweel/invisible/asterisk run touching a letter on its right
_MAYBE_BREAK_IN_WORD = re.compile(f"[{TATWEEL}{INVISIBLE}*][{TATWEEL}{INVISIBLE}{BREAK_PUNCT}]*[{AR_LETTER}]")
_MAYBE_DOT = re.compile(rf"\.(?<={_L}\.)(?={_L})")   # opens with the dot: found fast


def _expand(cls: str) -> tuple[str, ...]:
    """The characters of a regex character-class body made of single characters and ranges."""
    out: list[str] = []
    i = 0
    while i < len(cls):
        if i + 2 < len(cls) and cls[i + 1] == "-":
            out.extend(chr(c) for c in range(ord(cls[i]), ord(cls[i + 2]) + 1))
            i += 3
        else:
            out.append(cls[i])
            i += 1
    return tuple(out)


# what a break starts with: most texts have none of these, which plain substring
# searches tell faster than the regex engine scanning every character
_BREAK_OPENERS = (TATWEEL, "*") + _expand(INVISIBLE)


def repair(text: str) -> Normalized:
    """Undo moderation-evasion breaks and change nothing else."""
    maybe = False
    for c in _BREAK_OPENERS:
        if c in text:
            maybe = _MAYBE_BREAK_IN_WORD.search(text) is not None
            break
    n1 = _apply(text, _BREAK, _repair_breaks) if maybe else _identity(text)
    if not _MAYBE_DOT.search(n1.text):
        return n1
    dots = [m.start(1) if m.group(1) else m.start(2) for m in _BARE_DOT.finditer(n1.text)]
    return n1.compose(_delete(n1.text, dots)) if dots else n1


# a run of diacritics, or one character NFKC changes; written to open with one character
# class, which the regex engine scans for fast (the same matches as
# f"{_DIACRITICS}+|[{_NFKC_NEEDED}]": the two sets share no character)
_FOLD_PATTERN = re.compile(f"[{AR_MARK}{TATWEEL}{INVISIBLE}{_NFKC_NEEDED}](?:(?<={_DIACRITICS}){_DIACRITICS}*)?")
_FOLD_NEEDED = re.compile(f"[{AR_MARK}{TATWEEL}{INVISIBLE}{_NFKC_NEEDED}]")  # one class: a fast pre-check


_ONLY_DIACRITICS = re.compile(f"{_DIACRITICS}+")


def _fold_char(m: re.Match) -> str:
    s = m.group(0)
    if _ONLY_DIACRITICS.fullmatch(s):
        return ""
    return unicodedata.normalize("NFKC", s)


def fold(text: str) -> Normalized:
    """The matching form of ``text`` (see module docstring), with its offset map."""
    rep = repair(text)
    folded = _apply(rep.text, _FOLD_PATTERN, _fold_char) if _FOLD_NEEDED.search(rep.text) else _identity(rep.text)
    # translate is 1:1, so the map is unchanged
    ftext = letters = folded.text
    for a, b in _FOLD_PAIRS.items():  # 1:1 replacements keep the map (str.replace is C-fast)
        if a in ftext:
            ftext = ftext.replace(a, b)
    low = ftext.lower()
    if len(low) == len(ftext):  # .lower() can change length for a few exotic letters
        ftext = low
    else:
        ftext = "".join(c.lower() if len(c.lower()) == 1 else c for c in ftext)
    return Normalized(ftext, folded.maps + rep.maps, letters)


def fold_key(s: str) -> str:
    """Fold a lexicon string (no offsets needed)."""
    return fold(s).text
