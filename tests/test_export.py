"""rasd.export: ACLED-style CSV (Excel-safe Arabic), GeoJSON (geopandas), JSON Lines, Parquet (pandas).

The store holds the reports of tests/fixtures/ingest (ANT corpus v2.1 articles of
Al Arabiya, France 24, Sky News Arabia, BBC Arabic and CNN Arabic, as pages, a feed,
a WARC and a windows-1256 text), among them the explosion in al-Zawaida (Gaza) on
2018-05-05 that three outlets report: one event, five to six killed.
"""
from __future__ import annotations

import csv
import io
import json

import pytest

from rasd import cli
from rasd.export import COLUMNS, Filters, export
from rasd.export.rows import ACLED_COLUMNS, records
from rasd.store import Store

ZAWAIDA = (31.43, 34.37)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    from rasd.store import ingest

    from test_ingest import make_mixed_dir

    root = tmp_path_factory.mktemp("export")
    d = make_mixed_dir(root / "inbox")
    s = Store(str(root / "x.db"))
    ingest(s, [str(d)], say=lambda m: None)
    yield s
    s.close()


def n_events(store) -> int:
    return store.counts()["events"]


def zawaida(rows):
    [r] = [r for r in rows if r["location"] == "الزوايدة" and int(r["n_articles"] or 0) == 3]
    return r


def test_acled_csv_columns_bom_and_arabic(store, tmp_path):
    out = tmp_path / "events.csv"
    n = export(store, "acled-csv", str(out))
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")                      # BOM: Excel opens it as UTF-8
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    header = data.decode("utf-8-sig").splitlines()[0].split(",")
    assert header[:len(ACLED_COLUMNS)] == ACLED_COLUMNS            # ACLED's names, in ACLED's order
    assert header[:6] == ["event_id_cnty", "event_date", "year", "time_precision", "event_type", "sub_event_type"]
    assert {"injuries", "reported_by", "evidence", "article_urls", "fatalities_high"} <= set(header)
    assert n == len(rows) == n_events(store)
    z = zawaida(rows)
    assert z["event_id_cnty"].startswith("PSE-E") and z["iso"] == "275" and z["country"] == "Palestine"
    assert z["event_date"] == "2018-05-05" and z["year"] == "2018"
    assert z["fatalities"] == "5" and z["fatalities_high"] == "6"
    assert "فلسطينيين قتلوا" in z["evidence"] and "فلسطينيين قتلوا" in z["notes"]
    assert z["article_urls"].count("http") == 3 and "france24.com" in z["article_urls"]
    assert z["inter2"] in ("Civilians", "")
    assert abs(float(z["latitude"]) - ZAWAIDA[0]) < 0.05 and abs(float(z["longitude"]) - ZAWAIDA[1]) < 0.05


def test_geojson_loads_in_geopandas(store, tmp_path):
    gpd = pytest.importorskip("geopandas")
    out = tmp_path / "events.geojson"
    export(store, "geojson", str(out))
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["type"] == "FeatureCollection" and len(doc["features"]) == n_events(store)
    g = gpd.read_file(out)
    assert len(g) == n_events(store)
    assert g.crs is not None and g.crs.to_epsg() == 4326
    z = g[(g["location"] == "الزوايدة") & (g["n_articles"] == 3)].iloc[0]
    assert abs(z.geometry.x - ZAWAIDA[1]) < 0.05 and abs(z.geometry.y - ZAWAIDA[0]) < 0.05   # lon, lat
    assert z["fatalities"] == 5


def test_parquet_loads_in_pandas_with_types(store, tmp_path):
    pd = pytest.importorskip("pandas")
    out = tmp_path / "events.parquet"
    export(store, "parquet", str(out))
    df = pd.read_parquet(out)
    assert list(df.columns) == COLUMNS and len(df) == n_events(store)
    assert str(df["fatalities"].dtype) in ("Int64", "int64", "float64")
    assert df["latitude"].dtype == "float64"
    z = df[(df["location"] == "الزوايدة") & (df["n_articles"] == 3)].iloc[0]
    assert z["fatalities"] == 5 and z["fatalities_high"] == 6 and str(z["event_date"]) == "2018-05-05"


def test_parquet_loads_in_duckdb(store, tmp_path):
    duckdb = pytest.importorskip("duckdb", reason="DuckDB is not installed (optional; pandas is tested above)")
    out = tmp_path / "events.parquet"
    export(store, "parquet", str(out))
    assert duckdb.sql(f"SELECT count(*) FROM '{out}'").fetchone()[0] == n_events(store)


def test_jsonl_nests_sources_with_evidence(store, tmp_path):
    out = tmp_path / "events.jsonl"
    export(store, "jsonl", str(out))
    evs = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(evs) == n_events(store)
    [z] = [e for e in evs if e["location"] and e["location"]["name"] == "الزوايدة" and len(e["sources"]) == 3]
    assert {s["outlet"] for s in z["sources"]} == {"العربية", "فرانس 24", "سكاي نيوز عربية - الشرق الأوسط"}
    assert sorted(s["fatalities"] for s in z["sources"]) == [5, 5, 6]
    for s in z["sources"]:
        a, b = s["evidence_span"]
        assert s["evidence"] and b - a == len(s["evidence"])


def test_filters(store):
    all_ = list(records(store))
    ps = list(records(store, Filters(country="PSE")))
    assert ps and all(r["country"] == "Palestine" for r in ps) and len(ps) < len(all_)
    assert [r["event_id"] for r in records(store, Filters(country="palestine"))] == [r["event_id"] for r in ps]
    ied = list(records(store, Filters(event_type="remote explosive/landmine/ied")))
    assert ied and all(r["sub_event_type"] == "Remote explosive/landmine/IED" for r in ied)
    from datetime import date

    may5 = list(records(store, Filters(date_from=date(2018, 5, 5), date_to=date(2018, 5, 5))))
    assert may5 and all(r["event_date"] <= "2018-05-05" <= r["date_end"] for r in may5)
    assert list(records(store, Filters(date_from=date(2030, 1, 1)))) == []


def test_cli_export_to_stdout_and_file(store, tmp_path, capsysbinary):
    code = cli.main(["export", "--db", store.url, "--format", "acled-csv", "--country", "PS",
                     "--type", "Explosions/Remote violence"])
    out, err = capsysbinary.readouterr()
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out.decode("utf-8-sig"))))
    assert rows and all(r["event_type"] == "Explosions/Remote violence" and r["country"] == "Palestine" for r in rows)
    assert b"exported" in err
    target = tmp_path / "x.geojson"
    assert cli.main(["export", "--db", store.url, "--format", "geojson", "-o", str(target)]) == 0
    assert json.loads(target.read_text(encoding="utf-8"))["type"] == "FeatureCollection"
    assert cli.main(["export", "--db", store.url, "--format", "jsonl", "--from", "2018-06-01",
                     "--to", "2018-05-01"]) == 2
