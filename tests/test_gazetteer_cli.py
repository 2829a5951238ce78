"""`rasd gazetteer info | lookup | add | remove`, and the gazetteer figures of `rasd bench`.

Each test works in its own data and cache directories (RASD_DATA_DIR, RASD_CACHE_DIR),
so what it adds never reaches the user's index.  Sources: the hand-written files in
tests/fixtures/gazetteer/ (see its README); a sentence of the ANT corpus v2.1
(Sky News Arabia, 2018).
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from rasd import cli
from rasd.geo import gazetteer as G

FIXTURES = Path(__file__).parent / "fixtures" / "gazetteer"


@pytest.fixture()
def home(tmp_path, monkeypatch):
    """Empty data and cache directories; the process-wide index forgotten before and after."""
    monkeypatch.setenv("RASD_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("RASD_CACHE_DIR", str(tmp_path / "cache"))
    G._process_gazetteer.cache_clear()
    yield tmp_path
    G._process_gazetteer.cache_clear()


def run(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_lookup_shows_candidates_and_scores(capsys):
    code, out, _ = run(capsys, "gazetteer", "lookup", "معرة", "النعمان")
    assert code == 0
    assert out.startswith("معرة النعمان: 1 candidate")
    assert "SY" in out and "Idlib (SY-ID)" in out and "geonameid 167611" in out
    # a name in two countries: both, the article's country first when given
    code, out, _ = run(capsys, "gazetteer", "lookup", "طرابلس", "--country", "LB", "--json")
    cands = json.loads(out)["candidates"]
    assert {c["country"] for c in cands} >= {"LB", "LY"} and cands[0]["country"] == "LB"
    # a common word that is also a village is flagged
    code, out, _ = run(capsys, "gazetteer", "lookup", "الجديدة")
    assert "needs a trigger word" in out


def test_lookup_of_an_unknown_name(capsys):
    code, out, _ = run(capsys, "gazetteer", "lookup", "قرية-لا-توجد")
    assert code == 1 and "not in the gazetteer" in out and "rasd gazetteer add" in out


def test_info_counts_names_per_country(capsys):
    code, out, _ = run(capsys, "gazetteer", "info", "--json")
    assert code == 0
    fig = json.loads(out)
    assert fig["countries"]["SY"]["places"] > 300 and fig["countries"]["SY"]["admin1_iso"] == 14
    assert fig["countries"]["PS"]["admin1_iso"] == 16
    assert {s["kind"] for s in fig["sources"]} >= {"geonames", "aliases"}
    code, out, _ = run(capsys, "gazetteer", "info")
    assert "per country" in out and "place_aliases.yaml" in out


def test_add_csv_reports_bad_rows_and_loads_the_good_ones(capsys, home):
    csv = home / "places.csv"
    shutil.copy(FIXTURES / "places.csv", csv)
    code, _, err = run(capsys, "gazetteer", "add", str(csv))
    assert code == 0
    assert "places.csv: row 4: 3 fields, the header has 7" in err
    assert "places.csv: row 5: lat 200 is out of range (-90 to 90)" in err
    assert "places.csv: row 6: duplicate of row 2 (معرة حرمة, SY); skipped" in err
    assert "3 places with Arabic names from 6 rows; 3 rows refused" in err
    assert "index rebuilt" in err
    # the new place is in the index and resolves in text
    code, out, _ = run(capsys, "gazetteer", "lookup", "معرة", "حرمة")
    assert code == 0 and "Idlib (SY-ID)" in out
    code, out, _ = run(capsys, "gazetteer", "info", "--json")
    src = [s for s in json.loads(out)["sources"] if s["kind"] == "places"]
    assert src and src[0]["places"] + src[0]["merged"] == 3 and src[0]["errors"] == 3
    # removed again: gone from the index
    code, _, err = run(capsys, "gazetteer", "remove", str(csv))
    assert code == 0
    code, out, _ = run(capsys, "gazetteer", "lookup", "معرة", "حرمة")
    assert code == 1


def test_add_geonames_dump_and_alternate_names(capsys, home):
    code, _, err = run(capsys, "gazetteer", "add", str(FIXTURES / "alternateNamesV2.txt"),
                       str(FIXTURES / "SY.txt"))
    assert code == 0
    assert "alternateNamesV2.txt: alternatenames" in err
    assert "SY.txt: line 7: 4 columns, a GeoNames dump has 19" in err
    code, out, _ = run(capsys, "gazetteer", "lookup", "تل", "الأحمر", "--json")
    [c] = json.loads(out)["candidates"]
    assert (c["geonameid"], c["admin1_code"]) == (900005, "SY-HL")


def test_add_geojson_and_refuse_a_file_with_nothing_good(capsys, home):
    code, _, err = run(capsys, "gazetteer", "add", str(FIXTURES / "places.geojson"))
    assert code == 0 and "feature 2: not a Point" in err and "feature 3: country 'Syria'" in err
    bad = home / "bad.csv"
    bad.write_text("name,name_ar,lat,lon,country,admin1\nX,قرية,95,36,SY,\n", encoding="utf-8")
    code, _, err = run(capsys, "gazetteer", "add", str(bad))
    assert code == 1 and "row 2: lat 95 is out of range" in err and "not added" in err
    code, _, err = run(capsys, "gazetteer", "add", str(home / "missing.csv"))
    assert code == 1 and "no such file" in err


def test_bench_figures_for_the_gazetteer():
    from rasd.geo.commands import bench_figures

    # ANT, Sky News Arabia 2018: a real paragraph, repeated to 2,000 words
    text = ("أعلنت قوات الجيش اليمني، بدعم من التحالف العربي، تحرير مديرية التحيتا جنوبي محافظة الحديدة، "
            "فيما تواصل تقدمها نحو مدينة زبيد ومديرية الجراحي، بعد معارك عنيفة مع ميليشيات الحوثي. ")
    fig = bench_figures(text, words=2000, repeat=3)
    assert fig["article_words"] == 2000 and fig["places_found"] >= 3
    assert fig["build_s"] < 30 and fig["entries"] > 5000
    assert 0 < fig["lookup_ms"] <= fig["place_stage_ms"] < 200  # loose: shared CI machines; `rasd bench` prints them
