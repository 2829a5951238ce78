"""Shared test helpers.

``break_words`` imitates how Syrian opposition pages dodge keyword moderation:
sensitive words are broken by characters a reader skips (``قصـ.ف``,
``الخـ.لافات``), and Rasd must read through them (``rasd.text.normalize.repair``).
"""
from __future__ import annotations

import json
import re
from pathlib import Path

CORPUS_DIR = Path("/work/shared/data/corpus")
ANT_CONFLICT = CORPUS_DIR / "ant-2018-conflict.jsonl"

# Words that moderation filters look for (as they appear inside words: with
# clitics, plural or verb endings around them).  Longest first, so قتلى wins over قتل.
SENSITIVE = (
    "اشتباكات", "الخلافات", "استهدفت", "استهداف", "انفجار", "اغتيال", "مجازر", "مجزرة",
    "صواريخ", "صاروخ", "قذائف", "قذيفة", "غارات", "غارة", "براميل", "مفخخة", "ناسفة",
    "قتلى", "جرحى", "شهداء", "شهيد", "مقتل", "قتل", "قصف", "هجوم", "سلاح", "معارك",
    "داعش", "إرهاب", "ذبح", "اعتقال", "مسلحين", "مسلحون",
)

ZWNJ = "\u200c"
ZWSP = "\u200b"
# The breaks, in the order they are used: the seed's tatweel + dot most often,
# then a zero-width character, a doubled tatweel, an asterisk, dot + tatweel.
VARIANTS = ("ـ.", ZWNJ, "ـ.", "ــ", "*", "ـ.", ZWSP, ".ـ")

_AR = "\u0621-\u063a\u0641-\u064a"


def _pattern(words) -> re.Pattern:
    alts = "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))
    return re.compile(f"(?:{alts})")


_DEFAULT = _pattern(SENSITIVE)


def break_point(word: str) -> int:
    """Where the break goes: after the 2nd letter, or after the 1st letter past ``ال``."""
    if word.startswith("ال") and len(word) > 3:
        return 3
    return 2


def break_words(text: str, words=None) -> str:
    """``text`` with every occurrence of a sensitive word broken by an invisible-to-readers mark.

    Deterministic: the n-th broken word gets ``VARIANTS[n % len(VARIANTS)]``.
    Only breaks that fall between two Arabic letters are made, so
    ``repair(break_words(t)).text == t`` for any ``t``.
    """
    pat = _DEFAULT if words is None else _pattern(words)
    out: list[str] = []
    pos = 0
    n = 0
    for m in pat.finditer(text):
        w = m.group(0)
        cut = m.start() + break_point(w)
        if cut >= m.end() or not (re.match(f"[{_AR}]", text[cut - 1]) and re.match(f"[{_AR}]", text[cut])):
            continue
        out.append(text[pos:cut])
        out.append(VARIANTS[n % len(VARIANTS)])
        n += 1
        pos = cut
    out.append(text[pos:])
    return "".join(out)


def corpus_articles(path: Path = ANT_CONFLICT, n: int = 30, must=("قصف", "قتل"), max_chars: int = 6000):
    """The first ``n`` articles of a corpus file whose text mentions one of ``must``."""
    out = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            text = rec["text"]
            if len(text) <= max_chars and any(w in text for w in must):
                out.append(rec)
                if len(out) >= n:
                    break
    return out


def pipeline_ready() -> bool:
    """Whether every stage of the pipeline can be built (the recognisers are written in parallel)."""
    try:
        import rasd

        rasd.get_pipeline()
        return True
    except ImportError:
        return False
