"""``rasd gazetteer``: what the gazetteer holds, how a name resolves, and adding places.

    rasd gazetteer info [--json]
    rasd gazetteer lookup NAME [--country CC] [--json]
    rasd gazetteer add PATH [PATH ...]      GeoNames dumps (SY.txt, allCountries.txt, .zip,
                                            alternateNamesV2.txt) or your CSV/GeoJSON places
    rasd gazetteer remove PATH [PATH ...]

``add`` checks each file first and reports every bad row by its number (malformed rows,
coordinates out of range, duplicates); the good rows load.  Files are listed by path
(see :mod:`rasd.geo.sources`) and the index is rebuilt once, here, so the next
``rasd extract`` starts at once.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Callable

EXIT_OK, EXIT_INPUT = 0, 1


def add_parser(sub) -> argparse.ArgumentParser:
    """Register ``gazetteer`` and its subcommands on an argparse subparsers object."""
    g = sub.add_parser("gazetteer", help="inspect the gazetteer, look a name up, add places",
                       description="Inspect the place gazetteer, see how a name resolves, and add "
                                   "GeoNames dumps or your own places (CSV/GeoJSON with name, name_ar, "
                                   "lat, lon, country, admin1).")
    gs = g.add_subparsers(dest="gaz_command", metavar="ACTION")
    i = gs.add_parser("info", help="sources, cache, and how many names per country")
    i.add_argument("--json", action="store_true", help="print one JSON object")
    i.set_defaults(func=cmd_info)
    lk = gs.add_parser("lookup", help="the candidates for a name and their scores")
    lk.add_argument("name", nargs="+", metavar="NAME", help="a place name as written (Arabic)")
    lk.add_argument("--country", metavar="CC", help="score as in an article about this country (ISO2)")
    lk.add_argument("--json", action="store_true", help="print one JSON object")
    lk.set_defaults(func=cmd_lookup)
    a = gs.add_parser("add", help="add GeoNames dumps or your own places (CSV/GeoJSON)")
    a.add_argument("paths", nargs="+", metavar="PATH",
                   help="SY.txt, IQ.zip, allCountries.txt, alternateNamesV2.txt, places.csv, places.geojson")
    a.set_defaults(func=cmd_add)
    r = gs.add_parser("remove", help="stop using added files")
    r.add_argument("paths", nargs="+", metavar="PATH")
    r.set_defaults(func=cmd_remove)
    g.set_defaults(func=lambda args: _help(g))
    return g


def _help(p: argparse.ArgumentParser) -> int:
    p.print_help(sys.stderr)
    return 2


def _say(msg: str) -> None:
    print(f"rasd: {msg}", file=sys.stderr, flush=True)


# ------------------------------------------------------------------ info
def info(gaz=None) -> dict:
    """What is loaded: sources, entries by kind, names and places per country."""
    from .gazetteer import cache_path, load_gazetteer

    t0 = time.perf_counter()
    gaz = gaz or load_gazetteer()
    t_load = time.perf_counter() - t0
    kinds = Counter(e.kind for e in gaz.entries)
    places = Counter(e.country for e in gaz.entries if e.kind == "settlement")
    names: Counter[str] = Counter()
    for payload in gaz.names.values():
        for cc in {gaz.entries[eid].country for eid, _ in payload}:
            names[cc or "-"] += 1
    a1 = Counter(a.cc for a in gaz.admin1)
    a1_iso = Counter(a.cc for a in gaz.admin1 if a.iso)
    countries = sorted(set(places) | set(a1), key=lambda c: (-places.get(c, 0), c or ""))
    return {
        "version": gaz.version,
        "cache": str(cache_path()),
        "load_s": round(t_load, 3),
        "entries": len(gaz.entries),
        "names": len(gaz.names),
        "kinds": dict(kinds.most_common()),
        "sources": list(getattr(gaz, "sources", [])),
        "countries": {cc: {"places": places.get(cc, 0), "names": names.get(cc, 0),
                           "admin1": a1.get(cc, 0), "admin1_iso": a1_iso.get(cc, 0)} for cc in countries if cc},
    }


def cmd_info(args: argparse.Namespace) -> int:
    fig = info()
    if args.json:
        print(json.dumps(fig, ensure_ascii=False))
        return EXIT_OK
    out = [f"gazetteer: {fig['version']}",
           f"  cache        {fig['cache']}   (loaded in {fig['load_s']:.2f} s)",
           "  kinds        " + ", ".join(f"{k} {v:,}" for k, v in fig["kinds"].items()),
           "  sources:"]
    for s in fig["sources"]:
        extra = ""
        if "rows" in s:
            extra = f"   ({s['rows']:,} rows read, {s.get('merged', 0):,} merged into known places, " \
                    f"{s.get('errors', 0):,} refused)"
        out.append(f"    {s['kind']:<15} {s['places']:>7,} places  {s['name']}{extra}")
    out.append("  per country:  places   names  governorates (with ISO 3166-2 code)")
    for cc, c in fig["countries"].items():
        out.append(f"    {cc:<4} {c['places']:>12,} {c['names']:>7,}  {c['admin1']:>3} ({c['admin1_iso']})")
    print("\n".join(out))
    return EXIT_OK


# ------------------------------------------------------------------ lookup
def candidates(name: str, country: str | None = None, gaz=None) -> list[dict]:
    """The entries a name can be, with the prior score the resolver starts from
    (population, kind, and the article's country when ``country`` is given)."""
    from .gazetteer import ART, BARE, NEEDS_TRIGGER, _has_article, _key, load_gazetteer

    gaz = gaz or load_gazetteer()
    key = _key(name)
    want = ART if _has_article(name) else BARE
    out = []
    for eid, fl in gaz.names.get(key, ()):
        e = gaz.entries[eid]
        a1 = gaz.admin1_of(e)
        score = {"settlement": math.log10(e.population + 1), "admin1": 5.0, "region": 5.0,
                 "country": 6.0}.get(e.kind, 0.0)
        if country and e.country == country.upper():
            score += 3.0
        out.append({
            "kind": e.kind, "name": e.name, "ar": e.ar, "country": e.country,
            "admin1": a1.en if a1 else None, "admin1_code": a1.iso if a1 else None,
            "lat": e.lat if e.kind != "admin1" or a1 is None else a1.lat,
            "lon": e.lon if e.kind != "admin1" or a1 is None else a1.lon,
            "population": e.population, "geonameid": e.geonameid, "geo_precision": e.precision,
            "needs_trigger": bool(fl & NEEDS_TRIGGER), "spelling_matches": bool(fl & want),
            "score": round(score, 2),
        })
    out.sort(key=lambda c: (-c["spelling_matches"], -c["score"]))
    return out


def cmd_lookup(args: argparse.Namespace) -> int:
    name = " ".join(args.name)
    cands = candidates(name, args.country)
    if args.json:
        print(json.dumps({"name": name, "candidates": cands}, ensure_ascii=False))
        return EXIT_OK if cands else EXIT_INPUT
    if not cands:
        print(f"{name}: not in the gazetteer (add it: rasd gazetteer add places.csv)")
        return EXIT_INPUT
    print(f"{name}: {len(cands)} candidate{'s' * (len(cands) != 1)}")
    for c in cands:
        flags = []
        if c["needs_trigger"]:
            flags.append("needs a trigger word (بلدة/مدينة/محافظة ...)")
        if not c["spelling_matches"]:
            flags.append("other spelling (with/without ال)")
        where = f"{c['lat']:.4f}, {c['lon']:.4f}" if c["lat"] is not None else "no coordinates"
        a1 = f"{c['admin1']} ({c['admin1_code'] or '-'})" if c["admin1"] else "-"
        gid = f" geonameid {c['geonameid']}" if c["geonameid"] else ""
        print(f"  {c['score']:5.2f}  {c['kind']:<10} {c['country'] or '-':<3} {a1:<28} {where:<20} "
              f"pop {c['population']:>9,}  {c['name']}{gid}" + (f"  [{'; '.join(flags)}]" if flags else ""))
    return EXIT_OK


# ------------------------------------------------------------------ add / remove
def check_file(path: str, say: Callable[[str], None] = _say):
    """Read a file the way the index will; report its bad rows.  Returns (kind, result)."""
    from ..resources import load
    from . import sources as src

    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(f"{path}: no such file")
    kind = src.sniff(p)
    cdata = load("countries.yaml")
    if kind == "geonames":
        res = src.read_geonames(p, set(cdata.get("keep_all_places", ())),
                                int(cdata.get("min_population_elsewhere", 100000)))
    elif kind == "alternatenames":
        res = src.read_alternate_names(p)
    else:
        res = src.read_places(p)
    for e in res.errors[:200]:
        say(e)
    if len(res.errors) > 200:
        say(f"{p.name}: ... and {len(res.errors) - 200:,} more refused rows")
    return kind, res


def cmd_add(args: argparse.Namespace) -> int:
    from . import sources as src
    from .gazetteer import load_or_build, cache_path, _process_gazetteer

    added = 0
    for path in args.paths:
        try:
            kind, res = check_file(path)
        except (OSError, ValueError) as e:
            _say(f"error: {e}")
            continue
        good = len(res.alt_names) if kind == "alternatenames" else len(res.records)
        if not good:
            _say(f"error: {path}: nothing to load ({res.rows:,} rows read, {len(res.errors):,} refused); not added")
            continue
        src.register(path, kind)
        added += 1
        what = "places with Arabic names" if kind != "alternatenames" else "places with Arabic names"
        _say(f"{path}: {kind}: {good:,} {what} from {res.rows:,} rows"
             + (f"; {len(res.errors):,} rows refused (see above)" if res.errors else ""))
    if not added:
        return EXIT_INPUT
    t0 = time.perf_counter()
    _process_gazetteer.cache_clear()
    gaz = load_or_build(cache_path())
    _say(f"index rebuilt in {time.perf_counter() - t0:.1f} s: {gaz.version}")
    return EXIT_OK


def cmd_remove(args: argparse.Namespace) -> int:
    from . import sources as src

    status = EXIT_OK
    for path in args.paths:
        if src.unregister(path):
            _say(f"{path}: removed (the index is rebuilt on next use)")
        else:
            _say(f"error: {path}: not an added source")
            status = EXIT_INPUT
    return status


# ------------------------------------------------------------------ bench
def bench_figures(sample_text: str | None = None, words: int = 2000, repeat: int = 20) -> dict:
    """Gazetteer figures for ``rasd bench``: index build (from its sources), cache load,
    and the place stage (lookup and resolution) on an article of ``words`` words."""
    import pickle
    from datetime import date

    from ..document import Document
    from ..pipeline import segment
    from .gazetteer import build_gazetteer, cache_path, load_or_build
    from .resolve import PlaceRecognizer

    t0 = time.perf_counter()
    built = build_gazetteer()
    t_build = time.perf_counter() - t0
    path = cache_path()
    load_or_build(path)   # make sure the cache file is there
    t0 = time.perf_counter()
    with open(path, "rb") as fh:
        gaz = pickle.load(fh)
    t_load = time.perf_counter() - t0
    rec = PlaceRecognizer(gaz)
    text = sample_text or _sample_article()
    toks = text.split()
    while len(toks) < words:
        toks = toks + toks
    text = " ".join(toks[:words])
    doc = Document(text=text, published=date(2019, 12, 27))
    segment(doc)
    rec(doc)   # warm the memo tables once
    best = best_find = math.inf
    for _ in range(repeat):
        d = Document(text=text, published=date(2019, 12, 27))
        segment(d)
        t0 = time.perf_counter()
        rec._find(d.tokens)   # the lookup alone: every name of the article and its candidates
        best_find = min(best_find, time.perf_counter() - t0)
        t0 = time.perf_counter()
        rec(d)                # the whole place stage: lookup, context, resolution, precision
        best = min(best, time.perf_counter() - t0)
    return {"build_s": round(t_build, 3), "load_s": round(t_load, 4), "entries": len(built.entries),
            "names": len(built.names), "article_words": words, "places_found": len(d.places),
            "lookup_ms": round(1000 * best_find, 3), "place_stage_ms": round(1000 * best, 3)}


def _sample_article() -> str:
    from importlib import resources

    lines = resources.files("rasd").joinpath("examples/articles.jsonl").read_text(encoding="utf-8").splitlines()
    return "\n".join(json.loads(x)["text"] for x in lines if x.strip())
