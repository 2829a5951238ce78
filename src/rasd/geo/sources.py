"""Gazetteer sources a user adds: GeoNames dumps and their own places.

* GeoNames dumps as downloaded from https://download.geonames.org/export/dump/:
  ``SY.txt``, ``IQ.txt`` ... or ``allCountries.txt`` (also inside their ``.zip``), 19
  tab-separated columns, with the Arabic names of their ``alternatenames`` column; and
  ``alternateNamesV2.txt`` (or ``alternateNames.txt``), whose Arabic (``ar``) names are
  added to the places of the dumps.
* A field team's own places (villages, checkpoints, camps, front lines) as CSV with the
  columns ``name, name_ar, lat, lon, country, admin1`` (optional: ``kind``,
  ``population``, ``precision``, ``needs_trigger``; several Arabic names separated by
  ``|``), or as GeoJSON Point features with those properties.

Bad rows never stop a file: each is reported with its row number (the CSV line, header
= line 1; the GeoJSON feature from 1) and the good rows load.

Added files are listed (by path, not copied) in ``gazetteer-sources.json`` in the user's
data directory (``$RASD_DATA_DIR``, else ``$XDG_DATA_HOME/rasd``, else
``~/.local/share/rasd``); the gazetteer cache key hashes that list with each file's size
and modification time (and the content of files under 64 MB), so an added or changed
file rebuilds the index once.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import os
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from ..text.normalize import fold_key

MANIFEST = "gazetteer-sources.json"
_HASH_LIMIT = 64 * 1024 * 1024
_AR = re.compile(r"[\u0621-\u064a]")
_SPLIT_AR = re.compile(r"\s*[|;؛]\s*")
KINDS = ("settlement", "region", "camp", "checkpoint", "front", "road", "site")
_GN_COLUMNS = 19
# GeoNames feature classes kept from a dump, and the geo_precision of each
_GN_CLASSES = {"P": 1, "S": 1, "A": 2, "L": 2, "T": 2, "H": 2, "V": 2}
_GN_ADMIN_KEEP = {"ADM2", "ADM3", "ADMD"}     # first-level divisions come from admin1.yaml


@dataclass(slots=True)
class PlaceRecord:
    """One place read from a source (not yet in the index)."""
    name: str
    names_ar: list[str]
    cc: str
    admin1: str | None      # ISO 3166-2 code, GeoNames admin1 code, or a name
    lat: float
    lon: float
    population: int = 0
    geonameid: int | None = None
    kind: str = "settlement"
    precision: int = 1
    needs_trigger: bool = False
    row: int = 0


@dataclass
class ReadResult:
    path: str
    kind: str                      # geonames, alternatenames, places
    records: list[PlaceRecord] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    rows: int = 0
    alt_names: dict[int, list[str]] = field(default_factory=dict)


# ------------------------------------------------------------------ where
def data_dir() -> Path:
    d = os.environ.get("RASD_DATA_DIR")
    if d:
        return Path(d)
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg) if xdg else Path.home() / ".local" / "share"
    return base / "rasd"


def manifest_path() -> Path:
    return data_dir() / MANIFEST


def registered() -> list[dict]:
    """The sources added so far: ``{"path", "kind"}`` dicts, in the order added."""
    try:
        data = json.loads(manifest_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [s for s in data.get("sources", []) if isinstance(s, dict) and "path" in s and "kind" in s]


def _write_manifest(sources: list[dict]) -> None:
    from .gazetteer import _write_atomic

    body = json.dumps({"sources": sources}, ensure_ascii=False, indent=1).encode("utf-8")
    _write_atomic(manifest_path(), body)


def register(path: str | Path, kind: str) -> list[dict]:
    """Add a source to the list (once); returns the new list."""
    p = str(Path(path).resolve())
    sources = [s for s in registered() if s["path"] != p]
    sources.append({"path": p, "kind": kind})
    _write_manifest(sources)
    return sources


def unregister(path: str | Path) -> bool:
    p = str(Path(path).resolve())
    sources = registered()
    kept = [s for s in sources if s["path"] != p]
    if len(kept) == len(sources):
        return False
    _write_manifest(kept)
    return True


def fingerprint(sources: list[dict] | None = None) -> str:
    """A hash of the registered sources' paths, sizes, times and (small files) contents."""
    h = hashlib.sha256()
    for s in registered() if sources is None else sources:
        h.update(f"{s['kind']}|{s['path']}".encode())
        try:
            st = os.stat(s["path"])
        except OSError:
            h.update(b"|missing")
            continue
        h.update(f"|{st.st_size}|{st.st_mtime_ns}".encode())
        if st.st_size <= _HASH_LIMIT:
            try:
                h.update(hashlib.sha256(Path(s["path"]).read_bytes()).digest())
            except OSError:
                pass
    return h.hexdigest()


# ------------------------------------------------------------------ reading
def _open_text(path: Path) -> io.TextIOBase:
    """A text stream of a file, or of the .txt inside a GeoNames .zip."""
    if path.suffix.lower() == ".zip":
        zf = zipfile.ZipFile(path)
        members = [n for n in zf.namelist() if n.lower().endswith(".txt") and "readme" not in n.lower()]
        if not members:
            raise ValueError(f"{path}: no .txt file inside the zip")
        return io.TextIOWrapper(zf.open(members[0]), encoding="utf-8", errors="replace", newline="")
    return open(path, encoding="utf-8-sig", errors="replace", newline="")


def sniff(path: str | Path) -> str:
    """``geonames``, ``alternatenames`` or ``places`` (CSV/GeoJSON), by name and content."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix in (".csv", ".tsv"):
        return "places"
    if suffix in (".geojson", ".json"):
        return "places"
    with _open_text(p) as fh:
        first = ""
        for line in fh:
            if line.strip() and not line.startswith("#"):
                first = line
                break
    cols = first.rstrip("\r\n").split("\t")
    if len(cols) == _GN_COLUMNS and cols[0].isdigit():
        return "geonames"
    if len(cols) in (8, 10) and cols[0].isdigit() and cols[1].isdigit():
        return "alternatenames"
    if "," in first and "lat" in first.lower():
        return "places"
    raise ValueError(f"{p}: not a GeoNames dump (19 tab-separated columns), an alternate-names "
                     f"file, a CSV or a GeoJSON file")


def arabic_names(values) -> list[str]:
    """The Arabic-script names among ``values``, in order, each once."""
    out: list[str] = []
    for v in values:
        v = v.strip()
        if v and _AR.search(v) and v not in out:
            out.append(v)
    return out


def read_geonames(path: str | Path, keep_all: set[str] | None = None, min_population: int = 100_000,
                  alt_names: dict[int, list[str]] | None = None) -> ReadResult:
    """Places of a GeoNames dump with Arabic names (its own column and ``alt_names``).

    Countries in ``keep_all`` keep every populated place, spot (camp, airport,
    checkpoint), area, mountain, valley and second-level division; elsewhere only
    populated places of at least ``min_population`` people.
    """
    p = Path(path)
    res = ReadResult(str(p), "geonames")
    alt_names = alt_names or {}
    with _open_text(p) as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip() or line.startswith("#"):
                continue
            res.rows += 1
            cols = line.rstrip("\r\n").split("\t")
            if len(cols) != _GN_COLUMNS:
                res.errors.append(f"{p.name}: line {n}: {len(cols)} columns, a GeoNames dump has {_GN_COLUMNS}")
                continue
            fclass, fcode, cc = cols[6], cols[7], cols[8]
            if fclass not in _GN_CLASSES or (fclass == "A" and fcode not in _GN_ADMIN_KEEP):
                continue
            try:
                gid = int(cols[0])
                lat, lon = float(cols[4]), float(cols[5])
                pop = int(cols[14] or 0)
            except ValueError:
                res.errors.append(f"{p.name}: line {n}: unreadable id, coordinates or population")
                continue
            if keep_all is not None and cc not in keep_all and (fclass != "P" or pop < min_population):
                continue
            names = arabic_names(cols[3].split(",")) + arabic_names(alt_names.get(gid, ()))
            names = list(dict.fromkeys(names))
            if not names:
                continue
            kind = "settlement" if fclass in "PA" else ("camp" if fcode in ("CMP", "CMPRF") else
                                                        "site" if fclass == "S" else "region")
            res.records.append(PlaceRecord(cols[1], names, cc, cols[10] or None, lat, lon, pop, gid, kind,
                                           _GN_CLASSES[fclass], False, n))
    return res


def read_alternate_names(path: str | Path, wanted: set[int] | None = None) -> ReadResult:
    """Arabic names (``ar``, not historic) of an alternateNames(V2).txt, by geonameid."""
    p = Path(path)
    res = ReadResult(str(p), "alternatenames")
    with _open_text(p) as fh:
        for n, line in enumerate(fh, 1):
            if "\tar\t" not in line:
                continue
            cols = line.rstrip("\r\n").split("\t")
            if len(cols) < 4 or cols[2] != "ar":
                continue
            if len(cols) >= 8 and cols[7] == "1":   # historic
                continue
            try:
                gid = int(cols[1])
            except ValueError:
                res.errors.append(f"{p.name}: line {n}: unreadable geonameid {cols[1]!r}")
                continue
            if wanted is not None and gid not in wanted:
                continue
            res.rows += 1
            lst = res.alt_names.setdefault(gid, [])
            if cols[3] not in lst:
                lst.append(cols[3])
    return res


def _coord(value, what: str, lo: float, hi: float) -> tuple[float | None, str | None]:
    try:
        v = float(str(value).strip())
    except (TypeError, ValueError):
        return None, f"{what} {value!r} is not a number"
    if not math.isfinite(v) or not lo <= v <= hi:
        return None, f"{what} {v:g} is out of range ({lo:g} to {hi:g})"
    return v, None


def _truthy(v) -> bool:
    return str(v).strip().lower() in ("1", "true", "yes", "y", "نعم")


def _record(props: dict, lat, lon, where: str, row: int) -> tuple[PlaceRecord | None, list[str]]:
    """A PlaceRecord from one CSV row / GeoJSON feature, or the reasons it is refused."""
    errs = []
    name = str(props.get("name") or "").strip()
    ar = [x for x in _SPLIT_AR.split(str(props.get("name_ar") or "").strip()) if x]
    if not ar and _AR.search(name):
        ar = [name]
    if not ar:
        errs.append("no Arabic name (name_ar)")
    elif not all(_AR.search(x) for x in ar):
        errs.append(f"name_ar {props.get('name_ar')!r} is not written in Arabic script")
    la, e1 = _coord(lat, "lat", -90, 90)
    lo, e2 = _coord(lon, "lon", -180, 180)
    errs += [e for e in (e1, e2) if e]
    cc = str(props.get("country") or "").strip().upper()
    if not re.fullmatch(r"[A-Z]{2}", cc):
        errs.append(f"country {props.get('country')!r} is not an ISO 3166-1 alpha-2 code (SY, IQ, ...)")
    kind = str(props.get("kind") or "settlement").strip().lower() or "settlement"
    if kind not in KINDS:
        errs.append(f"kind {kind!r} is not one of {', '.join(KINDS)}")
    try:
        pop = int(float(props.get("population") or 0))
    except (TypeError, ValueError):
        errs.append(f"population {props.get('population')!r} is not a number")
        pop = 0
    try:
        prec = int(props.get("precision") or (2 if kind in ("region", "front", "road") else 1))
        if prec not in (1, 2, 3):
            raise ValueError
    except (TypeError, ValueError):
        errs.append(f"precision {props.get('precision')!r} is not 1, 2 or 3")
        prec = 1
    if errs:
        return None, [f"{where} {row}: {e}" for e in errs]
    a1 = str(props.get("admin1") or "").strip() or None
    return PlaceRecord(name or ar[0], ar, cc, a1, la, lo, pop, None, kind, prec,
                       _truthy(props.get("needs_trigger", "")), row), []


def read_places(path: str | Path) -> ReadResult:
    """A user's places from CSV or GeoJSON; bad and duplicate rows are reported, not loaded.

    A duplicate is a row with the same Arabic name (as folded), country and governorate
    as an earlier one, within 5 km of it (two villages of one name in one country are
    not duplicates).
    """
    p = Path(path)
    res = ReadResult(str(p), "places")
    try:
        text = p.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as e:
        res.errors.append(f"{p.name}: not UTF-8 text ({e.reason} at byte {e.start})")
        return res
    if p.suffix.lower() in (".geojson", ".json") or text.lstrip().startswith("{"):
        rows, where = _geojson_rows(text, res, p.name), "feature"
    else:
        rows, where = _csv_rows(text, res, p.name), "row"
    seen: dict[tuple, PlaceRecord] = {}
    for row, props, lat, lon in rows:
        res.rows += 1
        rec, errs = _record(props, lat, lon, f"{p.name}: {where}", row)
        if errs:
            res.errors.extend(errs)
            continue
        dup = None
        for n in rec.names_ar:
            old = seen.get((fold_key(n), rec.cc, (rec.admin1 or "").lower()))
            if old is not None and _km(old.lat, old.lon, rec.lat, rec.lon) <= 5.0:
                dup = old
                break
        if dup is not None:
            res.errors.append(f"{p.name}: {where} {row}: duplicate of {where} {dup.row} "
                              f"({rec.names_ar[0]}, {rec.cc}); skipped")
            continue
        for n in rec.names_ar:
            seen.setdefault((fold_key(n), rec.cc, (rec.admin1 or "").lower()), rec)
        res.records.append(rec)
    return res


def _csv_rows(text: str, res: ReadResult, name: str) -> Iterator[tuple[int, dict, object, object]]:
    sample = text[:4096]
    delim = "\t" if sample.count("\t") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delim)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        res.errors.append(f"{name}: empty file")
        return
    missing = [c for c in ("lat", "lon", "country") if c not in header]
    if missing or not ({"name", "name_ar"} & set(header)):
        res.errors.append(f"{name}: row 1: the header must name the columns name, name_ar, lat, lon, "
                          f"country, admin1 (missing: {', '.join(missing or ['name/name_ar'])})")
        return
    for values in reader:
        row = reader.line_num
        if not values or not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            res.rows += 1
            res.errors.append(f"{name}: row {row}: {len(values)} fields, the header has {len(header)}")
            continue
        props = dict(zip(header, values))
        yield row, props, props.get("lat"), props.get("lon")


def _geojson_rows(text: str, res: ReadResult, name: str) -> Iterator[tuple[int, dict, object, object]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        res.errors.append(f"{name}: not JSON (line {e.lineno}: {e.msg})")
        return
    feats = data.get("features") if isinstance(data, dict) else None
    if data.get("type") == "Feature" if isinstance(data, dict) else False:
        feats = [data]
    if not isinstance(feats, list):
        res.errors.append(f"{name}: not a GeoJSON FeatureCollection")
        return
    for i, f in enumerate(feats, 1):
        geom = f.get("geometry") if isinstance(f, dict) else None
        props = (f.get("properties") or {}) if isinstance(f, dict) else {}
        coords = geom.get("coordinates") if isinstance(geom, dict) else None
        if not isinstance(geom, dict) or geom.get("type") != "Point" or not isinstance(coords, list) \
                or len(coords) < 2:
            res.rows += 1
            res.errors.append(f"{name}: feature {i}: not a Point with [lon, lat] coordinates")
            continue
        yield i, props, coords[1], coords[0]


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    from .gazetteer import km

    return km(lat1, lon1, lat2, lon2)


def read_source(source: dict, keep_all: set[str] | None = None, min_population: int = 100_000,
                alt_names: dict[int, list[str]] | None = None) -> ReadResult:
    """Read one registered source (``{"path", "kind"}``)."""
    if source["kind"] == "geonames":
        return read_geonames(source["path"], keep_all, min_population, alt_names)
    if source["kind"] == "alternatenames":
        return read_alternate_names(source["path"])
    return read_places(source["path"])
