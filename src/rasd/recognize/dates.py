"""Dates and times, resolved against the article's publication date.

``DateRecognizer()(doc)`` appends to ``doc.spans["date"]`` one
``Span(label="DATE", value=DateValue(start, end, precision, relative))`` per
time expression, then removes the ``doc.spans["number"]`` spans that lie
inside a date (day numbers, years), so it must run after the number stage.

Precision follows ACLED: 1 = a day, 2 = a range or a week, 3 = a month or
more.  ``relative`` is True when the expression names no calendar day, month
or year of its own (اليوم, الأحد الماضي, منذ يومين, الشهر الماضي).

How it works: one compiled regular expression over the folded text finds
"atoms" (a day and month, a month, a year, a numeric date, a weekday, اليوم/
أمس, منذ/قبل + duration, خلال + duration, الأسبوع/الشهر/العام + modifier,
لليوم الرابع على التوالي, مؤخرا); a short pass over the few atoms found then
joins ranges (بين A و B, من A إلى B, بين 15 و22 من كانون الأول), "since"
(منذ A -> [A, published]), a weekday or اليوم followed by its date (الأحد 19
كانون الأول), and lends a year to dates listed before a dated one.  Ambiguous
month names (مارس the verb, رجب/رمضان the names, ماي = Theresa May) need a day,
a year, a paired name or a context word.  Every word list lives in
``knowledge/months.yaml``, ``knowledge/time_expressions.yaml`` and
``knowledge/numbers.yaml``.

Rules worth knowing:

* a day and month without a year take the year that puts the date on or
  before publication + ``future_tolerance_days``; a month alone likewise;
  "الماضي" forces the past, "المقبل" the future, "الحالي/الجاري" the
  publication year;
* a bare weekday ("الأحد", "يوم الأحد", "صباح الأحد") is the latest such day
  on or before publication; "الأحد الماضي" the latest strictly before;
* a week starts on Saturday ("الأسبوع الماضي" = the Saturday-Friday week
  before the current one);
* Hijri dates are converted with the arithmetical (tabular) Islamic calendar,
  which can differ from the observed one by a day or two;
* a year alone ("عام 2011", "في 2014") is the whole year, precision 3, so the
  event assembler can discard history.
"""
from __future__ import annotations

import calendar
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from operator import attrgetter
from typing import Any

from ..document import DateValue, Document, Span
from ..resources import load
from ..text import wordindex
from ..text.normalize import fold_key
from ..text.segment import analyses, key_of
from .numbers import number_value

SP = r"[^\S\n]+"
S0 = r"[^\S\n]*"
# a word start, possibly after one or two clitic letters (و ف ب ل ك)
WB = r"(?:(?<![^\W_])|(?<=(?<![^\W_])[وفبلك])|(?<=(?<![^\W_])[وف][بلك]))"
WE = r"(?![^\W_])"
# (compiled once: re.sub(r"...") in a hot path goes through the re module's cache)
_NON_DIGITS = re.compile(r"\D")
_ART_BEFORE_DIGIT = re.compile(r"^ال[^\S\n]*(?=\d)")
_START = attrgetter("start")
_DIGITS = frozenset("0123456789")
_MARKS = re.compile("[\u064b-\u065f\u0670\u0640]")

# --- the arithmetical Islamic calendar (Reingold & Dershowitz) -----------------
_ISLAMIC_EPOCH = 227015  # proleptic Gregorian ordinal of 1 Muharram 1 AH (16 July 622 Julian)


def hijri_to_date(year: int, month: int, day: int) -> date:
    """Gregorian date of a Hijri date (tabular calendar)."""
    o = (_ISLAMIC_EPOCH - 1 + (year - 1) * 354 + (3 + 11 * year) // 30
         + 29 * (month - 1) + month // 2 + day)
    return date.fromordinal(o)


def date_to_hijri(d: date) -> tuple[int, int, int]:
    """(year, month, day) of the tabular Hijri calendar for a Gregorian date."""
    o = d.toordinal()
    year = (30 * (o - _ISLAMIC_EPOCH) + 10646) // 10631
    prior = o - hijri_to_date(year, 1, 1).toordinal()
    month = min(12, (11 * prior + 330) // 325)
    day = o - hijri_to_date(year, month, 1).toordinal() + 1
    return year, month, day


def _hijri_month_len(year: int, month: int) -> int:
    nxt = hijri_to_date(year + (month == 12), month % 12 + 1, 1)
    return (nxt - hijri_to_date(year, month, 1)).days


# --- helpers -------------------------------------------------------------------
def _f(s: str) -> str:
    return " ".join(fold_key(s).split())


def _alt(words: Iterable[str], suffix: str = "") -> str:
    """Alternation of folded phrases, longest first; spaces match any run of spaces."""
    ws = sorted({_f(w) for w in words if w}, key=len, reverse=True)
    return "(?:" + "|".join(SP.join(re.escape(p) for p in w.split(" ")) + suffix for w in ws) + ")"


def _norm(s: str) -> str:
    return " ".join(s.split())


def _monthx(t: str, mon: str) -> str:
    """A month name, optionally with its other name: "آب/أغسطس", "نيسان (أبريل)"."""
    return rf"(?P<{t}m1>{mon})(?:(?:{S0}[/(]{S0}|{SP})(?P<{t}m2>{mon})(?:{S0}\))?)?"


def _yeartail(t: str, ym: str, past: str, cur: str) -> str:
    # "2019", "، 2019", "/2015 م", "من عام 2017", "من العام الماضي", "العام الجاري"
    return (rf"(?:{S0}[,\u060c/]?{S0}(?:من{SP})?(?:(?:عام|العام|سنه){SP})?(?P<{t}y>\d{{4}})(?!\d)"
            rf"(?:{S0}(?P<{t}yh>{ym}){WE})?"
            rf"|{SP}(?:من{SP})?(?:العام|السنه){SP}(?P<{t}yr>{past}|{cur}){WE})?")


def _mod(t: str, words: str) -> str:
    return rf"(?:{SP}(?P<{t}mod>{words}))?"


def _firsts(*lists: Iterable[str]) -> set[str]:
    """The first words of the folded phrases."""
    out: set[str] = set()
    for lst in lists:
        for w in lst:
            fw = _f(w)
            if fw:
                out.add(fw.split(" ")[0])
    return out


def _month_bounds(cal: str, y: int, m: int) -> tuple[date, date]:
    if cal == "hijri":
        a = hijri_to_date(y, m, 1)
        return a, a + timedelta(days=_hijri_month_len(y, m) - 1)
    return date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1])


def _make_date(cal: str, y: int, m: int, d: int) -> date | None:
    try:
        if cal == "hijri":
            if not (1 <= m <= 12 and 1 <= d <= _hijri_month_len(y, m)):
                return None
            return hijri_to_date(y, m, d)
        return date(y, m, d)
    except (ValueError, OverflowError):
        return None


def _shift_month(y: int, m: int, k: int) -> tuple[int, int]:
    n = y * 12 + (m - 1) + k
    return n // 12, n % 12 + 1


@dataclass(slots=True, init=False)
class _Atom:
    kind: str
    s: int                      # folded offsets
    e: int
    start: date | None = None
    end: date | None = None
    precision: int = 1
    relative: bool = False
    # needs a context word to count: False, or which context: "weak"/"strong" (an
    # ambiguous month name), "year" (a bare year)
    weak: bool | str = False
    # unresolved calendar parts (day/month/year atoms), for year sharing and ranges
    cal: str = "gregorian"
    y: int | None = None
    m: int | None = None
    d: int | None = None
    mod: str | None = None
    part: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)   # "wd": bool, "d2": int, "y2": int | None

    # written out (not generated by dataclass): compiled, it is a native call
    def __init__(self, kind: str, s: int, e: int, start: date | None = None, end: date | None = None,
                 precision: int = 1, relative: bool = False, weak: bool | str = False,
                 cal: str = "gregorian", y: int | None = None, m: int | None = None, d: int | None = None,
                 mod: str | None = None, part: str | None = None,
                 extra: dict[str, Any] | None = None) -> None:
        self.kind = kind
        self.s = s
        self.e = e
        self.start = start
        self.end = end
        self.precision = precision
        self.relative = relative
        self.weak = weak
        self.cal = cal
        self.y = y
        self.m = m
        self.d = d
        self.mod = mod
        self.part = part
        self.extra = {} if extra is None else extra


class DateRecognizer:
    """Build once (compiles the date grammar from the knowledge files), call per document."""

    def __init__(self) -> None:
        mk = load("months.yaml")
        tk = load("time_expressions.yaml")
        nk = load("numbers.yaml")
        self.tolerance = int(tk.get("future_tolerance_days", 7))

        # months
        self._months: dict[str, tuple[str, int]] = {}
        for cal in ("gregorian", "hijri"):
            for m, names in mk[cal].items():
                for n in names:
                    self._months.setdefault(_f(n), (cal, int(m)))
        amb = mk.get("ambiguous", {})
        self._weak_months = {_f(w) for w in amb.get("weak", ())}
        self._strong_months = {_f(w) for w in amb.get("strong", ())}
        self._month_ctx = {k for w in mk.get("context_before", ()) for k in key_of(_f(w))}
        hmarks = [_f(w) for w in mk.get("hijri_year_marks", ())]
        gmarks = [_f(w) for w in mk.get("gregorian_year_marks", ())]
        self._hmarks = set(hmarks)

        # relative words
        self._weekdays: dict[str, int] = {_f(w): int(k) for k, ws in tk["weekdays"].items() for w in ws}
        self._reldays: dict[str, int] = {_f(w): int(k) for k, ws in tk["relative_days"].items() for w in ws}
        self._mods: dict[str, str] = {}
        for kind in ("past", "current", "next"):
            for w in tk[kind]:
                self._mods[_f(w)] = kind
        self._periods: dict[str, str] = {_f(w): k for k, ws in tk["periods"].items() for w in ws}
        self._parts: dict[str, str] = {_f(w): k for k, ws in tk["period_parts"].items() for w in ws}
        self._units: dict[str, tuple[str, int, int | None]] = {}
        for u, d in tk["duration_units"].items():
            for w in d.get("one", ()):
                self._units[_f(w)] = (u, int(d["days"]), 1)
            for w in d.get("two", ()):
                self._units[_f(w)] = (u, int(d["days"]), 2)
            for w in d.get("plural", ()):
                self._units[_f(w)] = (u, int(d["days"]), None)
        self._ordinals: dict[str, int] = {_f(w): int(k) for k, ws in nk["ordinals"].items() for w in ws}
        self.recent_days = int(tk.get("recent_days", 7))

        # --- the grammar ---
        MON = _alt(self._months)
        WD = _alt(self._weekdays)
        PAST = _alt(tk["past"])
        CUR = _alt(tk["current"])
        NEXT = _alt(tk["next"])
        MODS = _alt(list(tk["past"]) + list(tk["current"]) + list(tk["next"]))
        PARTS = _alt(self._parts)
        DAYPARTS = _alt(tk["day_parts"])
        YM = _alt(hmarks + gmarks)
        YEARW = r"(?:عام|العام|سنه|السنه|عامي|سنتي)"
        unit_words = [w for ws in nk["units"].values() for w in ws] + list(nk["ten"])
        UNITW = _alt(unit_words)
        TENSW = _alt([w for ws in nk["tens"].values() for w in ws])
        NUMW = rf"(?:(?:ال)?{UNITW}(?:{SP}و(?:ال)?{TENSW})?|(?:ال)?{TENSW})(?![^\W_])"
        NUMA = rf"(?:ال{S0})?(?:\d{{1,3}}|{NUMW})"
        UNITS = _alt(self._units)
        ORD = _alt(self._ordinals)
        FEW = _alt(tk["few"])
        TO = _alt(tk["range_to"])
        BETWEEN = _alt(tk["range_between"])
        FROM = _alt(tk["range_from"])
        FILL = _alt(tk["range_fillers"])
        GLUE = _alt(tk["date_glue"])
        WITHIN = _alt(tk["within"])
        WPAST = _alt(tk["within_past"])
        NOTAGO = _alt(tk["not_ago_after"])
        CONSEC = _alt(tk["consecutive"])
        RECENT = _alt(tk["recent"])
        PER = _alt(self._periods)
        THIS = _alt(tk["this"])
        today = [w for w, k in self._reldays.items() if k == 0]
        other_rel = [w for w, k in self._reldays.items() if k != 0]
        NOTTODAY = _alt(tk["not_today_after"])
        self._not_today_before = {k for w in tk.get("not_today_before", ()) for k in key_of(_f(w))}
        REL = ("(?:" + _alt(other_rel) + "|" + _alt(today) + rf"(?!{SP}{NOTTODAY}{WE}))")

        alts = [
            # 15/12/2019, 2019-12-15, 12/2/1439هـ
            rf"(?P<num>(?P<num_a>\d{{1,2}}|\d{{4}}){S0}(?P<num_s>[/.\-]){S0}(?P<num_b>\d{{1,2}}){S0}(?P=num_s){S0}"
            rf"(?P<num_c>\d{{4}}|\d{{1,2}})(?![\d/])"
            rf"(?:{S0}(?P<num_h>{YM}){WE})?)",
            # بين 15 و22 من كانون الأول ; من 15 إلى 22 كانون الأول 2019
            rf"(?P<dr>(?P<dr_d1>\d{{1,2}})(?!\d){S0}"
            rf"(?:و|-|\u2013|{TO}){S0}(?P<dr_d2>\d{{1,2}})(?:{SP}من)?{SP}"
            rf"{_monthx('dr_', MON)}{_yeartail('dr_', YM, PAST, CUR)}{_mod('dr_', MODS)})",
            # الأحد 19 كانون الأول/ديسمبر 2019 ; الأول من ديسمبر ; 30 آذار/مارس الماضي
            rf"(?P<dm>(?:(?P<dm_wd>{WD}){S0}[,\u060c]?{S0}(?:{GLUE}{SP})?)?"
            rf"(?:(?P<dm_d>\d{{1,2}})(?!\d)|(?P<dm_o>{ORD})(?={SP}من{SP}))(?:(?:{SP}من)?{SP}(?:شهر{SP})?|{S0}/{S0})"
            rf"{_monthx('dm_', MON)}{_yeartail('dm_', YM, PAST, CUR)}{_mod('dm_', MODS)})",
            # 19 من الشهر الجاري
            rf"(?P<dp>(?P<dp_d>\d{{1,2}})(?!\d)(?:{SP}من)?{SP}الشهر{SP}(?P<dp_mod>{PAST}|{CUR}))",
            # مطلع كانون الأول/ديسمبر الماضي ; شهر رمضان ; ديسمبر 2017
            rf"(?P<my>(?:(?P<my_part>{PARTS}){SP})?(?:(?P<my_shahr>شهر){SP})?"
            rf"{_monthx('my_', MON)}{_yeartail('my_', YM, PAST, CUR)}{_mod('my_', MODS)})",
            # عام 2011 ; عامي 2011 و2012 ; 1441 هـ ; أواخر 2017 ; (في) 2014
            rf"(?P<yr>(?:(?P<yr_part>{PARTS}){SP})?(?:(?P<yr_w>{YEARW}){SP})?(?P<yr_y>\d{{4}})(?![\d/.\-]\d)"
            rf"(?:{S0}و{S0}(?P<yr_y2>\d{{4}})(?!\d))?(?:{S0}(?P<yr_h>{YM}){WE})?)",
            # اليوم (الاثنين) ; صباح اليوم ; أمس الأحد ; ليلة أمس
            rf"(?P<rel>(?:(?P<rel_part>{DAYPARTS}){SP})?(?P<rel_w>{REL})"
            rf"(?:{S0}\(?{S0}(?P<rel_wd>{WD})(?:{S0}\))?)?)",
            # الأحد ; يوم الجمعة الماضي ; فجر السبت ; ليل الاثنين- الثلاثاء
            rf"(?P<wd>(?:(?P<wd_part>{DAYPARTS}){SP})?(?P<wd_w>{WD})(?:{S0}[-\u2013/]{S0}{WD})?(?:{SP}(?P<wd_mod>{PAST}|{NEXT}))?)",
            # منذ يومين ; قبل ثلاثة أيام ; منذ أيام ; قبل أسبوع ; قبل نحو عام
            rf"(?P<ago>(?P<ago_w>منذ|قبل){SP}(?:(?:نحو|حوالي|قرابه){SP})?(?:(?P<ago_n>{NUMA}){SP})?(?:(?P<ago_few>{FEW}){SP})?"
            rf"(?P<ago_u>{UNITS}){WE}(?:{SP}(?P<ago_few2>قليله|القليله){WE})?(?!{SP}{NOTAGO}{WE})"
            rf"(?!{SP}(?:\d|{WD}|{REL}|{MON})))",
            # الأسبوع الماضي ; هذا العام ; مطلع الشهر الجاري ; أواخر العام الماضي
            rf"(?P<per>(?=(?:{PARTS}|{THIS}){SP}|{PER}{SP}{MODS}{WE})"
            rf"(?:(?P<per_part>{PARTS}){SP})?(?:(?P<per_this>{THIS}){SP})?(?P<per_w>{PER})"
            rf"(?:{SP}(?P<per_mod>{MODS}))?)",
            # خلال 48 ساعة ; خلال الساعات الـ24 الماضية ; في الأيام القليلة الماضية
            rf"(?P<wi>(?:(?P<wi_w>{WITHIN}){SP})?(?:(?P<wi_n>{NUMA}){S0})?(?:ال)?(?P<wi_u>{UNITS}){WE}"
            rf"(?:{SP}(?P<wi_n2>{NUMA}))?(?:{SP}(?P<wi_mod>{WPAST}))?)",
            # لليوم الرابع على التوالي
            rf"(?P<cons>(?:لل|ال)(?P<cons_u>يوم|اسبوع|شهر){SP}(?P<cons_n>{ORD}|ال{S0}\d{{1,2}}|\d{{1,2}}){SP}{CONSEC})",
            # مؤخرا
            rf"(?P<rec>{RECENT})",
        ]
        # one compiled pattern per construction, tried in this order
        self._pats: dict[str, re.Pattern[str]] = {}
        for alt in alts:
            head = re.match(r"\(\?P<(\w+)>", alt)
            assert head is not None   # every alternative is a named group
            self._pats[head.group(1)] = re.compile(WB + "(?:" + alt + ")" + WE)
        self._gap_and = re.compile(rf"{S0}و{S0}")
        self._gap_to = re.compile(rf"{S0}(?:-|\u2013|{TO}){S0}")
        self._gap_list = re.compile(rf"{S0}[,\u060c]?{S0}و?{S0}")
        self._gap_glue = re.compile(rf"{S0}[,\u060c(]?{S0}(?:{GLUE}{S0})?")
        self._between_before = re.compile(rf"{WB}(?:{BETWEEN})(?:{SP}{FILL})?{SP}$")
        self._from_before = re.compile(rf"{WB}(?:{FROM})(?:{SP}{FILL})?{SP}$")
        self._since_before = re.compile(rf"{WB}منذ(?:{SP}{FILL})?{SP}$")
        self._year_ctx = {k for w in mk.get("year_context_before", ()) for k in key_of(_f(w))}
        self._strong_ctx = {k for w in mk.get("strong_context_before", ()) for k in key_of(_f(w))}
        self._exact = {_f(w): w for w in mk.get("exact_spelling", ())}
        self._on_before = re.compile(rf"{WB}(?:علي|في|خلال){SP}$")

        # The first words of each construction: a pattern is tried only at a
        # token that starts with one of its first words (or a digit), so the
        # scan costs a dict lookup per token and a few anchored matches.
        units = set(self._units) | {"ال" + w for w in self._units}
        first_words = {
            "dm": _firsts(self._weekdays, self._ordinals),
            "my": _firsts(self._parts, ["شهر"], self._months),
            "yr": _firsts(self._parts, ["عام", "العام", "سنه", "السنه", "عامي", "سنتي"]),
            "rel": _firsts(tk["day_parts"], self._reldays),
            "wd": _firsts(tk["day_parts"], self._weekdays),
            "per": _firsts(self._parts, tk["this"], self._periods),
            "ago": {"منذ", "قبل"},
            "wi": _firsts(tk["within"]) | units,
            "cons": {"لليوم", "اليوم", "للاسبوع", "الاسبوع", "للشهر", "الشهر"},
            "rec": _firsts(tk["recent"]),
        }
        order = list(self._pats)
        by_word: dict[str, list[str]] = {}
        for name, ws in first_words.items():
            for w in ws:
                by_word.setdefault(w, []).append(name)
        trig: dict[str, tuple[int, tuple[re.Pattern[str], ...]]] = {}
        for pre in ("", "و", "ف", "ب", "ل", "ك", "وب", "ول", "فب", "فل"):
            for w, names in by_word.items():
                pats = tuple(self._pats[n] for n in order if n in names)
                trig.setdefault(pre + w, (len(pre), pats))
        self._triggers = trig
        self.words = wordindex.register(words=trig, digits=True)
        # a token starting with a digit (after clitics): numeric dates, days, years, durations
        self._digit_pats = tuple(self._pats[n] for n in order if n in ("num", "dr", "dm", "dp", "yr", "wi"))
        self._name_heads = {k for w in tk.get("date_name_heads", ()) for k in key_of(_f(w))}

    # --- resolution helpers ---------------------------------------------------------
    def _year_for_day(self, cal: str, m: int, d: int, mod: str | None, pub: date) -> date | None:
        """The date of day d of month m nearest to publication, per the rules above."""
        if cal == "hijri":
            py = date_to_hijri(pub)[0]
        else:
            py = pub.year
        if mod == "current":
            return _make_date(cal, py, m, d)
        cands = [x for x in (_make_date(cal, py + k, m, d) for k in (-1, 0, 1)) if x]
        if not cands:
            return None
        if mod == "next":
            fut = [x for x in cands if x > pub]
            return min(fut) if fut else None
        limit = pub if mod == "past" else pub + timedelta(days=self.tolerance)
        past = [x for x in cands if x <= limit]
        return max(past) if past else None

    def _year_for_month(self, cal: str, m: int, mod: str | None, pub: date) -> int:
        if cal == "hijri":
            py, pm, _ = date_to_hijri(pub)
        else:
            py, pm = pub.year, pub.month
        if mod == "current":
            return py
        if mod == "past":
            return py if m < pm else py - 1
        if mod == "next":
            return py if m > pm else py + 1
        start = _month_bounds(cal, py, m)[0]
        return py if start <= pub + timedelta(days=self.tolerance) else py - 1

    @staticmethod
    def _apply_part(a: date, b: date, part: str | None, unit: str) -> tuple[date, date, int]:
        """Narrow [a, b] to its early/mid/late part."""
        if not part:
            return a, b, 3 if unit in ("month", "year") else 2
        n = (b - a).days + 1
        third = n // 3
        if part == "early":
            return a, a + timedelta(days=third - 1), 2 if unit == "month" else 3
        if part == "mid":
            return a + timedelta(days=third), a + timedelta(days=2 * third - 1), 2 if unit == "month" else 3
        return a + timedelta(days=2 * third), b, 2 if unit == "month" else 3

    # --- atoms ------------------------------------------------------------------------
    def _atom(self, m: re.Match[str], pub: date, doc: Document) -> _Atom | None:
        k = m.lastgroup
        g = m.group
        s, e = m.span()
        if k in ("dm", "my", "dr"):
            t = k + "_"
            m1 = _norm(g(t + "m1"))
            cal, mon = self._months[m1]
            paired = g(t + "m2") is not None   # "آب/أغسطس": a month for sure (the first name counts)
            ytxt, yh = g(t + "y"), g(t + "yh")
            mod = self._mods.get(_norm(g(t + "mod"))) if g(t + "mod") else None
            y = int(ytxt) if ytxt else None
            if g(t + "yr"):   # من العام الماضي / الجاري
                y = pub.year - (self._mods.get(_norm(g(t + "yr"))) == "past")
                if cal == "hijri":
                    y = date_to_hijri(pub)[0] - (self._mods.get(_norm(g(t + "yr"))) == "past")
            if y is not None:
                if (yh and _norm(yh) in self._hmarks) or 1300 <= y <= 1600:
                    if cal != "hijri":
                        return None
                elif not 1900 <= y <= 2100:
                    return None
            a = _Atom(k, s, e, cal=cal, y=y, m=mon, mod=mod, relative=g(t + "yr") is not None)
            has_day = k in ("dm", "dr")
            if not (has_day or y or paired):
                if m1 in self._exact:
                    o1, _ = self._orig(doc, m, t + "m1")
                    if o1 != self._exact[m1]:
                        return None
                if m1 in self._strong_months:
                    a.weak = "strong" if not g("my_shahr") else False
                elif m1 in self._weak_months:
                    a.weak = "weak" if not g("my_shahr") else False
            if k == "dm":
                a.d = int(g("dm_d")) if g("dm_d") else self._ordinals.get(_norm(g("dm_o")))
                if not a.d or a.d > 31:
                    return None
                a.extra["wd"] = g("dm_wd") is not None
            elif k == "dr":
                d1, d2 = int(g("dr_d1")), int(g("dr_d2"))
                if not (1 <= d1 < d2 <= 31):
                    return None
                a.d = d1
                a.extra["d2"] = d2
            else:
                a.part = self._parts.get(_norm(g("my_part"))) if g("my_part") else None
            return a
        if k == "num":
            x, yv, c = g("num_a"), g("num_b"), g("num_c")
            if len(x) == 4 and len(c) <= 2:
                y, mo, d = int(x), int(yv), int(c)
            elif len(c) == 4 and len(x) <= 2:
                y, mo, d = int(c), int(yv), int(x)
            else:
                return None
            cal = "hijri" if ((g("num_h") and _norm(g("num_h")) in self._hmarks) or 1300 <= y <= 1600) \
                else "gregorian"
            if cal == "gregorian" and not 1900 <= y <= 2100:
                return None
            dt = _make_date(cal, y, mo, d)
            if dt is None:
                return None
            return _Atom(k, s, e, dt, dt, 1, cal=cal, y=y, m=mo, d=d)
        if k == "yr":
            y = int(g("yr_y"))
            y2 = int(g("yr_y2")) if g("yr_y2") else None
            hm = g("yr_h")
            hijri = bool(hm and _norm(hm) in self._hmarks)
            if hijri:
                if not 1300 <= y <= 1600:
                    return None
            elif not 1900 <= y <= 2100:
                return None
            if y2 is not None and not (y < y2 <= y + 100):
                return None
            a = _Atom(k, s, e, cal="hijri" if hijri else "gregorian", y=y)
            a.extra["y2"] = y2
            a.part = self._parts.get(_norm(g("yr_part"))) if g("yr_part") else None
            if not (g("yr_w") or a.part or hm):
                a.weak = "year"
            return a
        if k == "dp":
            d = int(g("dp_d"))
            mod = self._mods.get(_norm(g("dp_mod")))
            y, mo = pub.year, pub.month
            if mod == "past":
                y, mo = _shift_month(y, mo, -1)
            dt = _make_date("gregorian", y, mo, d)
            if dt is None:
                return None
            return _Atom(k, s, e, dt, dt, 1, relative=True)
        if k == "rel":
            off = self._reldays[_norm(g("rel_w"))]
            if off == 0 and not g("rel_part") and self._prev_forms(doc, s)[0] & self._not_today_before:
                return None   # "في نفس اليوم", "في مثل هذا اليوم"
            dt = pub + timedelta(days=off)
            if g("rel_wd") and off in (0, -1):
                # "اليوم (الاثنين)" in a paper dated by its crawl: the weekday wins when close
                wd = self._weekdays[_norm(g("rel_wd"))]
                cand = pub - timedelta(days=(pub.weekday() - wd) % 7)
                if abs((cand - dt).days) <= 2:
                    dt = cand
            return _Atom(k, s, e, dt, dt, 1, relative=True)
        if k == "wd":
            wd = self._weekdays[_norm(g("wd_w"))]
            md = self._mods.get(_norm(g("wd_mod"))) if g("wd_mod") else None
            delta = (pub.weekday() - wd) % 7
            if md == "past":
                dt = pub - timedelta(days=delta or 7)
            elif md == "next":
                dt = pub + timedelta(days=(wd - pub.weekday()) % 7 or 7)
            else:
                dt = pub - timedelta(days=delta)
            return _Atom(k, s, e, dt, dt, 1, relative=True)
        if k == "ago":
            return self._ago(m, s, e, pub)
        if k == "wi":
            return self._within(m, s, e, pub)
        if k == "per":
            return self._period(m, s, e, pub)
        if k == "cons":
            n_txt = _norm(g("cons_n"))
            n = self._ordinals.get(n_txt)
            if n is None:
                digits = _NON_DIGITS.sub("", n_txt)
                n = int(digits) if digits else None
            if not n:
                return None
            u = g("cons_u")
            days = {"يوم": 1, "اسبوع": 7, "شهر": 30}[u]
            first = pub - timedelta(days=days * n - (1 if u == "يوم" else 0))
            return _Atom(k, s, e, first, pub, 2 if days * n <= 31 else 3, relative=True)
        if k == "rec":
            return _Atom(k, s, e, pub - timedelta(days=self.recent_days), pub, 2, relative=True)
        return None

    @staticmethod
    def _orig(doc: Document, m: re.Match[str], group: str) -> tuple[str, tuple[int, int]]:
        """The original text of a group of a match over the folded text, without marks."""
        a, b = doc.norm.to_original(*m.span(group))
        return _MARKS.sub("", doc.text[a:b]), (a, b)

    def _count(self, txt: str | None) -> int | None:
        if not txt:
            return None
        t = _ART_BEFORE_DIGIT.sub("", _norm(txt))
        if t.isdigit():
            return int(t)
        return number_value(t)

    def _ago(self, m: re.Match[str], s: int, e: int, pub: date) -> _Atom | None:
        g = m.group
        unit, _, n = self._units[_norm(g("ago_u"))]
        if g("ago_n"):
            n = self._count(g("ago_n"))
            if not n:
                return None
        since = g("ago_w") == "منذ"
        if n is None:  # plural without a number: منذ أيام, قبل بضعة أيام
            if unit == "hour":
                return _Atom("ago", s, e, pub, pub, 1, relative=True)
            if unit == "day":
                return _Atom("ago", s, e, pub - timedelta(days=7), pub - timedelta(days=1), 2, relative=True)
            if unit == "week":
                return _Atom("ago", s, e, pub - timedelta(days=30), pub - timedelta(days=7), 3, relative=True)
            return None
        if unit == "hour":
            dt = pub - timedelta(days=n // 24)
            return _Atom("ago", s, e, dt, dt, 1, relative=True)
        if unit == "day":
            dt = pub - timedelta(days=n)
            if since and n > 2:
                return _Atom("ago", s, e, dt, pub, 2, relative=True)
            return _Atom("ago", s, e, dt, dt, 1 if n < 7 else 2, relative=True)
        if unit == "week":
            dt = pub - timedelta(days=7 * n)
            return _Atom("ago", s, e, dt, dt, 2, relative=True)
        if unit == "month":
            y, mo = _shift_month(pub.year, pub.month, -n)
            a, b = _month_bounds("gregorian", y, mo)
            return _Atom("ago", s, e, a, pub if since else b, 3, relative=True)
        if unit == "year":
            y = pub.year - n
            return _Atom("ago", s, e, date(y, 1, 1), pub if since else date(y, 12, 31), 3, relative=True)
        return None

    def _within(self, m: re.Match[str], s: int, e: int, pub: date) -> _Atom | None:
        g = m.group
        unit, days, n = self._units[_norm(g("wi_u"))]
        num = g("wi_n") or g("wi_n2")
        if num:
            n = self._count(num)
            if not n:
                return None
        past = g("wi_mod") is not None
        if not past and not (g("wi_w") and num):
            return None
        if not g("wi_w") and not num and n == 1:   # "اليوم الأخير من الاحتجاجات": not a duration
            return None
        if n is None:  # الساعات الماضية, الأيام الماضية
            span = {"hour": 1, "day": 7, "week": 30, "month": 90}.get(unit)
            if span is None:
                return None
            return _Atom("wi", s, e, pub - timedelta(days=span), pub, 2 if span <= 7 else 3, relative=True)
        if n == 1 and not num and unit in ("month", "year"):  # خلال الشهر الماضي = last month
            if unit == "month":
                y, mo = _shift_month(pub.year, pub.month, -1)
                a, b = _month_bounds("gregorian", y, mo)
            else:
                a, b = date(pub.year - 1, 1, 1), date(pub.year - 1, 12, 31)
            return _Atom("wi", s, e, a, b, 3, relative=True)
        if unit == "hour":
            span = max(1, -(-n // 24))
        else:
            span = n * days
        return _Atom("wi", s, e, pub - timedelta(days=span), pub, 2 if span <= 14 else 3, relative=True)

    def _period(self, m: re.Match[str], s: int, e: int, pub: date) -> _Atom | None:
        g = m.group
        unit = self._periods[_norm(g("per_w"))]
        md = self._mods.get(_norm(g("per_mod"))) if g("per_mod") else None
        part = self._parts.get(_norm(g("per_part"))) if g("per_part") else None
        if g("per_this"):
            if md:
                return None
            md = "current"
        if md is None:
            if not part:
                return None
            md = "current"
        if unit == "week":
            ws = pub - timedelta(days=(pub.weekday() - 5) % 7)  # the Saturday starting this week
            if md == "past":
                return _Atom("per", s, e, ws - timedelta(days=7), ws - timedelta(days=1), 2, relative=True)
            if md == "next":
                return _Atom("per", s, e, ws + timedelta(days=7), ws + timedelta(days=13), 2, relative=True)
            return _Atom("per", s, e, ws, pub, 2, relative=True)
        if unit == "month":
            k = {"past": -1, "next": 1}.get(md, 0)
            y, mo = _shift_month(pub.year, pub.month, k)
            a, b = _month_bounds("gregorian", y, mo)
        else:
            y = pub.year + {"past": -1, "next": 1}.get(md, 0)
            a, b = date(y, 1, 1), date(y, 12, 31)
        a, b, prec = self._apply_part(a, b, part, unit)
        return _Atom("per", s, e, a, b, prec, relative=True)

    def _resolve(self, a: _Atom, pub: date, again: bool = False) -> bool:
        """Fill start/end/precision of a calendar atom (dm, dr, my, yr); False if impossible
        (the atom is then left as it was).  A resolved atom is resolved anew only if ``again``."""
        if a.start is not None and not again:
            return True
        if a.kind in ("dm", "dr"):
            assert a.m is not None and a.d is not None   # _atom sets both for these kinds
            if a.y is not None:
                dt = _make_date(a.cal, a.y, a.m, a.d)
            else:
                dt = self._year_for_day(a.cal, a.m, a.d, a.mod, pub)
            if dt is None:
                return False
            if a.kind == "dr":
                dt2 = _make_date(a.cal, *(date_to_hijri(dt)[:2] if a.cal == "hijri" else (dt.year, dt.month)),
                                 a.extra["d2"])
                if dt2 is None:
                    return False
                a.start, a.end, a.precision = dt, dt2, 2
            else:
                a.start = a.end = dt
                a.precision = 1
            return True
        if a.kind == "my":
            assert a.m is not None   # _atom sets it for this kind
            y = a.y if a.y is not None else self._year_for_month(a.cal, a.m, a.mod, pub)
            s, e = _month_bounds(a.cal, y, a.m)
            a.start, a.end, a.precision = self._apply_part(s, e, a.part, "month")
            return True
        if a.kind == "yr":
            assert a.y is not None   # _atom sets it for this kind
            y2: int = a.extra.get("y2") or a.y
            if a.cal == "hijri":
                s, e = hijri_to_date(a.y, 1, 1), hijri_to_date(y2 + 1, 1, 1) - timedelta(days=1)
            else:
                s, e = date(a.y, 1, 1), date(y2, 12, 31)
            a.start, a.end, a.precision = self._apply_part(s, e, a.part, "year") if y2 == a.y else (s, e, 3)
            return True
        return False

    # --- context -------------------------------------------------------------------
    def _prev_forms(self, doc: Document, fpos: int) -> tuple[set[str], str]:
        """Forms of the word before folded offset fpos, and the clitic letters glued to fpos."""
        toks = doc.tokens
        text = doc.norm.text
        i = bisect_right(toks, fpos, key=_START) - 1
        if i >= 0 and toks[i].start < fpos < toks[i].end:  # inside a token: clitics before the atom
            return set(), text[toks[i].start:fpos]
        if i >= 0 and toks[i].start == fpos:
            i -= 1
        if i < 0:
            return set(), ""
        t = toks[i]
        between = text[t.end:fpos]
        if "\n" in between or between.strip() not in ("", "(", "\u060c", ","):
            return set(), ""
        return {st for st, _ in analyses(t.text)} | {t.text}, ""

    def _gate(self, doc: Document, a: _Atom) -> bool:
        """Is a weak atom (ambiguous month, bare year) backed by its context?"""
        forms, clitic = self._prev_forms(doc, a.s)
        if clitic:   # "ومارس" (and exercised), "باب" (door): never enough
            return False
        if a.weak == "year":
            return bool(forms & self._year_ctx)
        if a.weak == "strong":
            return bool(forms & self._strong_ctx)
        return bool(forms & self._month_ctx)

    # --- the stage -------------------------------------------------------------------
    def __call__(self, doc: Document) -> None:
        text = doc.norm.text
        pub = doc.published or date.today()
        atoms: list[_Atom] = []
        names: list[tuple[int, int]] = []
        trig = self._triggers
        done = 0
        cand = wordindex.positions(doc, self.words)
        toks = doc.tokens
        for t in ([t for t in toks if t.text in trig or t.text[-1] in _DIGITS] if cand is None
                  else [toks[i] for i in cand]):
            if t.start < done:
                continue
            hit = trig.get(t.text)
            if hit is None:
                n, pats = len(t.text) - len(t.text.lstrip("وفبلك")), self._digit_pats
                if not t.text[n:n + 1].isdigit():
                    continue
            else:
                n, pats = hit
            a: _Atom | None = None
            m: re.Match[str] | None = None
            for pat in pats:
                m = pat.match(text, t.start + n)
                if m is not None:
                    a = self._atom(m, pub, doc)
                    if a is not None:
                        break
            if a is None:
                continue
            assert m is not None   # the match that made the atom
            done = m.end()
            if a.kind in ("dm", "dr") and a.y is None:
                forms, _ = self._prev_forms(doc, a.s)
                if forms & self._name_heads:   # "ثورة 25 يناير": a name; its figures are no counts
                    names.append(doc.orig_span(a.s, a.e))
                    continue
            atoms.append(a)
        doc.spans.setdefault("date", [])
        if not atoms:
            self._drop_numbers(doc, names)
            return
        # context for weak atoms
        for a in atoms:
            if a.weak and self._gate(doc, a):
                a.weak = False

        # weekday / اليوم followed by its explicit date: "الأحد 19 ..", "اليوم (1 إبريل)"
        merged: list[_Atom] = []
        for a in atoms:
            if merged:
                p = merged[-1]
                gap = text[p.e:a.s]
                if p.kind in ("wd", "rel") and a.kind in ("dm", "num") and self._gap_glue.fullmatch(gap):
                    a.s = p.s
                    if "(" in gap and text[a.e:a.e + 1] == ")":
                        a.e += 1
                    merged[-1] = a
                    continue
            merged.append(a)
        atoms = merged

        # a year shared back along a list: "16 تشرين الثاني و28 كانون الأول 2017"
        for i in range(len(atoms) - 2, -1, -1):
            a, nxt = atoms[i], atoms[i + 1]
            if a.kind in ("dm", "my") and a.y is None and nxt.kind in ("dm", "my", "dr") and nxt.y is not None \
                    and a.cal == nxt.cal and a.mod is None and self._gap_list.fullmatch(text[a.e:nxt.s]):
                assert a.m is not None and nxt.m is not None   # _atom sets the month of these kinds
                a.y = nxt.y if (a.m, a.d or 0) <= (nxt.m, nxt.d or 0) else nxt.y - 1

        # resolve calendar atoms: from here on every atom has its start and end
        atoms = [a for a in atoms if self._resolve(a, pub)]

        # ranges and "since"
        result: list[_Atom] = []
        i = 0
        while i < len(atoms):
            a = atoms[i]
            b = atoms[i + 1] if i + 1 < len(atoms) else None
            assert a.start is not None and a.end is not None
            lead = text[max(0, a.s - 40):a.s]
            if b is not None and a.kind not in ("ago", "wi", "cons", "rec") \
                    and b.kind not in ("ago", "wi", "cons", "rec") and not (a.weak and b.weak):
                gap = text[a.e:b.s]
                mb = mf = None
                if self._gap_and.fullmatch(gap):
                    mb = self._between_before.search(lead)
                    ok = mb is not None
                else:
                    ok = self._gap_to.fullmatch(gap) is not None
                    if ok:
                        mf = self._from_before.search(lead)
                if ok:
                    pre = mb or mf
                    s0 = a.s - (len(lead) - pre.start()) if pre else a.s
                    start, end = a.start, b.end
                    assert end is not None
                    if start > end and a.y is None and a.kind in ("dm", "my") and a.cal == b.cal == "gregorian":
                        # the first date lies in the year before the second
                        a.y = (b.y or end.year) - 1
                        if self._resolve(a, pub, again=True):
                            start = a.start
                        else:   # no such day that year (29 February): the first date stays as it was
                            a.y = None
                    if start <= end:
                        prec = 2 if (end - start).days <= 31 and a.kind not in ("my", "yr") else 3
                        result.append(_Atom("range", s0, b.e, start, end, prec, a.relative and b.relative))
                        i += 2
                        continue
            if a.kind not in ("ago", "wi", "cons", "rec"):
                ms = self._since_before.search(lead) if "منذ" in lead else None   # (its one word: a fast check)
                if ms and a.start <= pub and not a.weak:
                    s0 = a.s - (len(lead) - ms.start())
                    prec = 2 if a.precision <= 2 else 3
                    result.append(_Atom("since", s0, a.e, a.start, max(pub, a.start), prec, a.relative))
                    i += 1
                    continue
            if not a.weak:
                if (a.kind == "yr" and a.extra.get("y2")) or a.kind == "dr":  # بين عامي 2011 و2014
                    mb = self._between_before.search(lead) or (
                        self._from_before.search(lead) if a.kind == "dr" else None)
                    if mb:
                        a.s -= len(lead) - mb.start()
                elif a.kind in ("wi", "rec"):   # على مدى يومين, في الأيام الأخيرة
                    mb = self._on_before.search(lead)
                    if mb:
                        a.s -= len(lead) - mb.start()
                result.append(a)
            i += 1

        toks = doc.tokens
        for a in result:
            assert a.start is not None and a.end is not None
            ts = max(0, bisect_right(toks, a.s, key=_START) - 1)
            te = bisect_left(toks, a.e, key=_START)
            sp = doc.add_span("date", a.s, a.e, "DATE", DateValue(a.start, a.end, a.precision, a.relative), ts, te)
            while sp.end < len(doc.text) and _MARKS.match(doc.text, sp.end):   # "مؤخراً", "1436هـ"
                sp.end += 1
        self._drop_numbers(doc, names)

    @staticmethod
    def _drop_numbers(doc: Document, extra: list[tuple[int, int]]) -> None:
        """Remove NUMBER spans that lie inside a DATE span (day numbers, years)
        or inside a date used as a name (``extra``, original offsets)."""
        nums = doc.spans.get("number")
        dates = doc.spans.get("date", [])
        if not nums or not (dates or extra):
            return
        iv = sorted([(d.start, d.end) for d in dates] + extra)
        starts = [s for s, _ in iv]
        doc.spans["number"] = [sp for sp in nums if not _inside(sp, iv, starts)]


def _inside(sp: Span, iv: list[tuple[int, int]], starts: list[int]) -> bool:
    """Does span sp overlap one of the sorted intervals iv (whose starts are ``starts``)?"""
    k = bisect_right(starts, sp.start) - 1
    for j in (k, k + 1):
        if 0 <= j < len(iv) and iv[j][0] < sp.end and sp.start < iv[j][1]:
            return True
    return False
