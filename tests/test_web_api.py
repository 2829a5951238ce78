"""rasd serve's API (FastAPI's TestClient) over a real store: the 80 real articles of
tests/fixtures/corpus_sample.jsonl (ANT corpus v2.1: Al Arabiya, BBC Arabic, CNN Arabic,
France24, Sky News Arabia) really ingested, on SQLite and, where ``RASD_TEST_PG`` names a
server (``.ci/run`` starts one), on PostgreSQL + PostGIS too.

Covers the contract in src/rasd/web/API.md: filters (folded Arabic full text and actor),
paging, GeoJSON, stats, facets, the event and article views with their offsets, corrections
(validated, kept with who/when, surviving re-merge and re-extraction, in exports), the
token, and hostile input (SQL/FTS injection in every filter, HTML in an article).
"""
from __future__ import annotations

import csv
import io
import json
import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text

from rasd.export import export
from rasd.store import Store, ingest, merge_store
from rasd.store.repository import db_url
from rasd.store.schema import corrections, event_sources, events

SAMPLE = Path(__file__).parent / "fixtures" / "corpus_sample.jsonl"
PG = os.environ.get("RASD_TEST_PG")
TOKEN = "test-token-5f1c"
AUTH = {"Authorization": f"Bearer {TOKEN}"}

# A real-looking report (an air strike on Maarat al-Numan) with hostile HTML in it and an
# emoji (outside the BMP: its JavaScript offsets differ from Python's) before the event.
HOSTILE = ('🔴 عاجل: قتل خمسة مدنيين وأصيب عشرة آخرون في غارة جوية شنتها الطائرات الحربية الروسية على مدينة '
           'معرة النعمان في ريف إدلب الجنوبي يوم الثلاثاء. <script>alert("x")</script> وقال ناشطون إن '
           '"><img src=x onerror=alert(1)> القصف استهدف سوقا شعبيا.')


def _client(store):
    from fastapi.testclient import TestClient

    from rasd.web.app import create_app

    return TestClient(create_app(store=store, token=TOKEN))


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def store(request, tmp_path_factory):
    if request.param == "sqlite":
        s = Store(str(tmp_path_factory.mktemp("web") / "web.db"))
        admin = name = None
    else:
        if not PG:
            pytest.skip("no PostgreSQL server: RASD_TEST_PG is not set (.ci/run starts one where apt is available)")
        from sqlalchemy.engine import make_url

        admin = create_engine(db_url(PG), isolation_level="AUTOCOMMIT")
        name = f"rasd_web_{uuid.uuid4().hex[:10]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        s = Store(make_url(db_url(PG)).set(database=name).render_as_string(hide_password=False))
    ingest(s, [str(SAMPLE)], say=lambda m: None)
    yield s
    s.close()
    if admin is not None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="module")
def client(store):
    with _client(store) as c:
        yield c


def _all(client, **params) -> dict:
    r = client.get("/api/events", params={"limit": 1000, **params})
    assert r.status_code == 200, r.text
    return r.json()


def _n_events(store) -> int:
    with store.read() as conn:
        return conn.execute(select(func.count()).select_from(events)).scalar()


# --------------------------------------------------------------------------- reads

EVENT_KEYS = {"event_id", "event_type", "sub_event_type", "date_start", "date_end", "time_precision", "actor1",
              "actor2", "location_name", "admin1", "country", "lat", "lon", "geo_precision", "fatalities",
              "injuries", "n_sources", "outlets", "status", "corrected"}


def test_events_list_shape_paging_sorting(client, store):
    n = _n_events(store)
    assert n > 100
    r = client.get("/api/events")
    assert r.status_code == 200
    d = r.json()
    assert d["total"] == n and d["limit"] == 50 and d["offset"] == 0 and len(d["events"]) == 50
    assert set(d["events"][0]) == EVENT_KEYS
    dates = [e["date_start"] for e in d["events"]]
    assert dates == sorted(dates, reverse=True)
    page2 = client.get("/api/events", params={"offset": 50}).json()["events"]
    assert not {e["event_id"] for e in page2} & {e["event_id"] for e in d["events"]}
    everything = _all(client)["events"]
    assert len({e["event_id"] for e in everything}) == n
    fat = client.get("/api/events", params={"sort": "fatalities", "order": "desc", "limit": 20}).json()["events"]
    vals = [e["fatalities"] for e in fat]
    assert vals[0] == max(e["fatalities"] or 0 for e in everything)
    assert [v for v in vals if v is not None] == sorted([v for v in vals if v is not None], reverse=True)
    asc = client.get("/api/events", params={"sort": "country", "order": "asc", "limit": 1000}).json()["events"]
    cc = [e["country"] for e in asc if e["country"]]
    assert cc == sorted(cc)
    for bad in ({"limit": 1001}, {"limit": 0}, {"offset": -1}, {"sort": "evidence"}, {"order": "up"},
                {"format": "xml"}):
        assert client.get("/api/events", params=bad).status_code == 422, bad


def test_filters(client):
    everything = _all(client)["events"]
    sy = _all(client, country="SY")
    assert sy["total"] == sum(e["country"] == "SY" for e in everything) > 10
    assert all(e["country"] == "SY" for e in sy["events"])
    two = _all(client, country="SY,YE")
    assert two["total"] == sum(e["country"] in ("SY", "YE") for e in everything)
    assert client.get("/api/events", params=[("country", "SY"), ("country", "YE")]).json()["total"] == two["total"]
    assert _all(client, country="sy")["total"] == sy["total"]
    admin1 = next(e["admin1"] for e in sy["events"] if e["admin1"])
    a = _all(client, country="SY", admin1=admin1)
    assert a["total"] == sum(e["admin1"] == admin1 and e["country"] == "SY" for e in everything) > 0
    t = _all(client, event_type="Battles")
    assert t["total"] == sum(e["event_type"] == "Battles" for e in everything) > 0
    st = _all(client, sub_event_type="Air/drone strike")
    assert st["total"] == sum(e["sub_event_type"] == "Air/drone strike" for e in everything) > 0
    d = _all(client, date_from="2018-01-01", date_to="2018-03-31")
    assert d["total"] == sum(e["date_end"] >= "2018-01-01" and e["date_start"] <= "2018-03-31"
                             for e in everything) > 0
    box = _all(client, bbox="35.5,32.3,42.4,37.3")
    assert box["total"] == sum(e["lat"] is not None and 32.3 <= e["lat"] <= 37.3 and 35.5 <= e["lon"] <= 42.4
                               for e in everything) > 0
    outlet = next(o for e in everything for o in e["outlets"])
    o = _all(client, outlet=outlet)
    assert o["total"] == sum(outlet in e["outlets"] for e in everything) > 0
    for bad in ({"date_from": "2018-13-01"}, {"date_to": "yesterday"}, {"bbox": "1,2,3"},
                {"bbox": "10,10,0,0"}, {"bbox": "a,b,c,d"}, {"bbox": "nan,0,1,1"}):
        r = client.get("/api/events", params=bad)
        assert r.status_code == 422 and r.json()["detail"], bad


def test_actor_filter_is_folded_substring(client):
    everything = _all(client)["events"]
    hits = _all(client, actor="الأسد")
    assert hits["total"] > 0
    assert _all(client, actor="الاسد")["total"] == hits["total"]            # alef variants
    assert _all(client, actor="الأَسَد")["total"] == hits["total"]          # diacritics
    assert all("الأسد" in (e["actor1"] or "") + (e["actor2"] or "") or
               "الاسد" in (e["actor1"] or "") + (e["actor2"] or "") for e in hits["events"]) or hits["total"]
    assert _all(client, actor="Houthi")["total"] > 0                       # canonical names, any case
    assert _all(client, actor="لا يوجد ممثل بهذا الاسم")["total"] == 0
    assert len(everything) >= hits["total"]


def test_full_text_is_folded_and_clitic_aware(client):
    base = _all(client, q="قصف")
    assert base["total"] > 5
    assert _all(client, q="قَصْف")["total"] == base["total"]          # diacritics
    assert _all(client, q="قصـــف")["total"] == base["total"]         # tatweel
    # a clitic-prefixed form finds the bare word's events and the bare word finds the prefixed form
    assert 0 < _all(client, q="القصف")["total"] <= base["total"]
    with_alef = _all(client, q="إدلب")["total"]
    assert with_alef > 0 and _all(client, q="ادلب")["total"] == with_alef
    both = _all(client, q="قصف إدلب")["total"]
    assert 0 < both <= min(base["total"], with_alef)
    assert _all(client, q="كلمةغيرموجودةابدا")["total"] == 0
    # the same filter set gives the same total in the list, the map and the stats
    for p in ({"q": "قصف"}, {"country": "SY", "q": "قتلى"}, {"actor": "قوات", "event_type": "Battles"}):
        n = _all(client, **p)["total"]
        assert client.get("/api/stats", params=p).json()["total"] == n
        assert client.get("/api/events", params={**p, "format": "geojson", "limit": 100000}).json()["total"] == n


def test_geojson_for_the_map(client):
    r = client.get("/api/events", params={"format": "geojson", "limit": 100000})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/geo+json")
    fc = r.json()
    assert fc["type"] == "FeatureCollection"
    everything = _all(client)["events"]
    assert fc["total"] == len(everything)
    located = {e["event_id"]: e for e in everything if e["lat"] is not None}
    assert {f["id"] for f in fc["features"]} == set(located)
    for f in fc["features"]:
        e = located[f["id"]]
        assert f["geometry"] == {"type": "Point", "coordinates": [e["lon"], e["lat"]]}
        assert f["properties"] == {"event_id": e["event_id"], "event_type": e["event_type"],
                                   "fatalities": e["fatalities"], "date_start": e["date_start"]}
    assert client.get("/api/events", params={"format": "geojson", "limit": 100001}).status_code == 422


def test_stats_and_facets(client):
    everything = _all(client)["events"]
    s = client.get("/api/stats").json()
    assert s["total"] == len(everything)
    assert sum(n for _, n, _ in s["by_day"]) == s["total"]
    assert [d for d, _, _ in s["by_day"]] == sorted(d for d, _, _ in s["by_day"])
    assert sum(k for _, _, k in s["by_day"]) == sum(e["fatalities"] or 0 for e in everything)
    assert sum(s["by_type"].values()) == s["total"]
    assert s["by_country"].get("SY") == sum(e["country"] == "SY" for e in everything)
    sy = client.get("/api/stats", params={"country": "SY"}).json()
    assert set(sy["by_country"]) == {"SY"}
    f = client.get("/api/facets").json()
    assert {"countries", "admin1", "event_types", "sub_event_types", "outlets", "fields", "taxonomy"} <= set(f)
    assert dict(f["countries"])["SY"] == s["by_country"]["SY"]
    assert "fatalities" in f["fields"] and "Air/drone strike" in f["taxonomy"]["Explosions/Remote violence"]
    assert all(len(x) == 3 for x in f["admin1"]) and f["outlets"]


def test_event_view_and_article_offsets(client):
    everything = _all(client)["events"]
    multi = max(everything, key=lambda e: e["n_sources"])
    d = client.get(f"/api/events/{multi['event_id']}").json()
    assert d["event_id"] == multi["event_id"] and len(d["sources"]) == multi["n_sources"]
    assert d["corrections"] == [] and d["original"] == {} and d["status"] == "active"
    for k in ("fatalities_low", "fatalities_best", "fatalities_high", "reported_by", "civilian_targeting"):
        assert k in d
    for s in d["sources"]:
        a = client.get(f"/api/articles/{s['article_id']}").json()
        assert a["text"][s["evidence_start"]:s["evidence_end"]] == s["evidence"]
        mine = next(e for e in a["events"] if e["idx"] == s["idx"])
        assert mine["event_id"] == multi["event_id"] and mine["spans"] == s["spans"]
        for start, end in s["spans"].values():
            assert 0 <= start < end <= len(a["text"])
    # the ACLED-style id works too; unknown ids are 404
    iso3 = {"SY": "SYR", "YE": "YEM"}.get(multi["country"], "XXX")
    assert client.get(f"/api/events/{iso3}-{multi['event_id']}").json()["event_id"] == multi["event_id"]
    assert client.get("/api/events/E000000000000").status_code == 404
    assert client.get("/api/events/' OR 1=1 --").status_code == 404
    assert client.get("/api/articles/999999").status_code == 404
    assert client.get("/api/articles/abc").status_code == 422


# --------------------------------------------------------------------------- writes and the token

def test_writes_need_the_token(client, store):
    eid = _all(client)["events"][0]["event_id"]
    calls = [("/api/events/%s/corrections" % eid, {"field": "fatalities", "value": 3, "coder": "x"}),
             ("/api/events/%s/reject" % eid, {"coder": "x"}),
             ("/api/events/%s/restore" % eid, {"coder": "x"}),
             ("/api/articles", {"text": "نص"})]
    for path, body in calls:
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN},
                        {"X-Rasd-Token": "wrong"}, {"Authorization": "Basic " + TOKEN}):
            r = client.post(path, json=body, headers=headers)
            assert r.status_code == 401, (path, headers, r.text)
    with store.read() as conn:
        assert conn.execute(select(func.count()).select_from(corrections)).scalar() == 0
    # no token configured on the server: every write refused
    from fastapi.testclient import TestClient

    from rasd.web.app import create_app

    with TestClient(create_app(store=store, token="")) as c:
        r = c.post(f"/api/events/{eid}/reject", json={"coder": "x"}, headers={"Authorization": "Bearer "})
        assert r.status_code == 401 and "no token" in r.json()["detail"]
        assert c.get("/api/events").status_code == 200            # reads stay open


def test_post_articles_and_hostile_html_comes_back_as_text(client, store):
    art = {"text": HOSTILE, "title": '<b onmouseover="alert(1)">عاجل</b>', "url": "https://example.org/x?a=<script>",
           "outlet": "<script>alert(2)</script>", "published": "2019-12-24"}
    r = client.post("/api/articles", json=art, headers={"X-Rasd-Token": TOKEN})
    assert r.status_code == 200, r.text
    res = r.json()["articles"][0]
    assert res["status"] == "new" and res["event_ids"] and res["event_ids"][0]
    again = client.post("/api/articles", json=[art], headers=AUTH).json()["articles"][0]
    assert again["status"] == "unchanged" and again["article_id"] == res["article_id"]
    a = client.get(f"/api/articles/{res['article_id']}")
    assert a.headers["content-type"].startswith("application/json")
    body = a.json()
    assert body["text"] == HOSTILE and body["title"] == art["title"] and body["outlet"] == art["outlet"]
    assert '<script>alert("x")</script>' in body["text"] and '"><img src=x onerror=alert(1)>' in body["text"]
    ev = body["events"][0]
    # the emoji is one code point in Python and two UTF-16 units in JavaScript

    def js(i):
        return len(HOSTILE[:i].encode("utf-16-le")) // 2
    assert ev["utf16"]["evidence"] == [js(ev["evidence_start"]), js(ev["evidence_end"])]
    assert ev["utf16"]["evidence"][1] == ev["evidence_end"] + 1
    assert all(ev["utf16"]["spans"][k] == [js(s), js(e)] for k, (s, e) in ev["spans"].items())
    e = client.get(f"/api/events/{res['event_ids'][0]}").json()
    assert e["location_name"] == "معرة النعمان" and e["fatalities"] == 5
    assert e["sources"][0]["outlet"] == art["outlet"] and e["sources"][0]["utf16"] is not None
    assert _all(client, outlet=art["outlet"])["total"] >= 1
    bad = [{"title": "no text"}, {"text": ""}, {"text": "x", "published": "not a date"}, [], [{"text": "x"}] * 101]
    for b in bad:
        assert client.post("/api/articles", json=b, headers=AUTH).status_code == 422, b


def test_html_responses_carry_a_strict_csp(client):
    for path in ("/", "/docs"):
        r = client.get(path)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
        csp = r.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in \
            csp.split("script-src", 1)[1].split(";")[0]
        # the online tiles the page offers (off by default) may load as images, and only as images
        directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
        assert "https://tile.openstreetmap.org" in directives["img-src"]
        assert all("openstreetmap" not in v for k, v in directives.items() if k != "img-src")
        assert r.headers["x-content-type-options"] == "nosniff"
    assert client.get("/api/events").headers["x-content-type-options"] == "nosniff"


def test_docs_are_served_without_a_cdn(client):
    import re

    page = client.get("/docs").text
    urls = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert urls and all(u.startswith("/") for u in urls), urls
    assert "<script>" not in page.replace("<script src=", "")      # no inline script
    for u in urls:
        assert client.get(u).status_code == 200, u
    spec = client.get("/openapi.json").json()
    assert {"/api/events", "/api/events/{event_id}", "/api/articles/{article_id}", "/api/stats",
            "/api/articles", "/api/events/{event_id}/corrections"} <= set(spec["paths"])


# --------------------------------------------------------------------------- corrections

def _pick(client, **want):
    for e in _all(client)["events"]:
        if all(e[k] == v for k, v in want.items()) and not e["corrected"]:
            return e
    raise AssertionError(f"no event with {want}")


def test_corrections_are_validated(client):
    eid = _pick(client, country="SY")["event_id"]
    bad = [("nonsense", 1), ("evidence", "x"), ("anchor_key", "x"), ("status", "rejected"),
           ("fatalities", -1), ("fatalities", "many"), ("fatalities", 2.5), ("fatalities", True),
           ("injuries", [1]), ("country", "XX"), ("country", "Syria"), ("lat", 91), ("lon", "east"),
           ("lat", "NaN"), ("date_start", "2018-02-30"), ("date_start", "yesterday"), ("date_end", "1800-01-01"),
           ("event_type", "War"), ("sub_event_type", "Skirmish"), ("time_precision", 0),
           ("civilian_targeting", "maybe"), ("actor1", "x" * 301), ("geo_precision", 7)]
    for field, value in bad:
        r = client.post(f"/api/events/{eid}/corrections", json={"field": field, "value": value, "coder": "c"},
                        headers=AUTH)
        assert r.status_code == 422, (field, value, r.text)
        assert isinstance(r.json()["detail"], (str, list)) and r.json()["detail"]
    for body in ({"field": "fatalities", "value": 1}, {"field": "fatalities", "value": 1, "coder": ""}, {}):
        assert client.post(f"/api/events/{eid}/corrections", json=body, headers=AUTH).status_code == 422
    r = client.post("/api/events/E000000000000/corrections", json={"field": "fatalities", "value": 1, "coder": "c"},
                    headers=AUTH)
    assert r.status_code == 404
    assert client.get(f"/api/events/{eid}").json()["corrections"] == []


def test_corrections_apply_everywhere_and_survive_remerge_and_reextraction(client, store):
    ev = _pick(client, country="SY", n_sources=1)
    eid = ev["event_id"]
    r = client.post(f"/api/events/{eid}/corrections", headers=AUTH,
                    json={"field": "fatalities", "value": 42, "coder": "amal", "note": "per SOHR"})
    assert r.status_code == 200, r.text
    d = r.json()
    assert d["fatalities"] == 42 and d["fatalities_best"] == 42 and d["corrected"]
    assert d["original"] == {"fatalities": ev["fatalities"]}
    c = d["corrections"][0]
    assert (c["field"], c["old_value"], c["new_value"], c["coder"], c["note"]) == \
        ("fatalities", ev["fatalities"], 42, "amal", "per SOHR") and c["created_at"]
    before = {e["event_id"] for e in _all(client, actor="تحرير الشام")["events"]}     # (a search remembered)
    assert eid not in before
    client.post(f"/api/events/{eid}/corrections", headers=AUTH,
                json={"field": "actor1", "value": "هيئة تحرير الشام", "coder": "amal"})
    client.post(f"/api/events/{eid}/corrections", headers=AUTH,
                json={"field": "location_name", "value": "كفرنبل", "coder": "amal"})
    d = client.post(f"/api/events/{eid}/corrections", headers=AUTH,
                    json={"field": "sub_event_type", "value": "Armed clash", "coder": "omar"}).json()
    assert (d["event_type"], d["sub_event_type"]) == ("Battles", "Armed clash")   # the sub-type sets the type
    assert [x["field"] for x in d["corrections"]] == ["fatalities", "actor1", "location_name", "sub_event_type",
                                                       "event_type"]
    # the list, the filters, the search and the stats see the corrected values
    row = next(e for e in _all(client)["events"] if e["event_id"] == eid)
    assert (row["fatalities"], row["actor1"], row["corrected"], row["event_type"]) == \
        (42, "هيئة تحرير الشام", True, "Battles")
    assert {e["event_id"] for e in _all(client, actor="تحرير الشام")["events"]} == before | {eid}
    assert eid in {e["event_id"] for e in _all(client, q="كفرنبل")["events"]}
    assert eid in {e["event_id"] for e in _all(client, event_type="Battles")["events"]}

    def exported():
        buf = io.BytesIO()
        from rasd.export import writer

        from rasd.export.rows import records

        writer("acled-csv")(records(store), buf)
        return {r["event_id"]: r for r in csv.DictReader(io.StringIO(buf.getvalue().decode("utf-8-sig")))}

    x = exported()[eid]
    assert (x["fatalities"], x["actor1"], x["location"], x["sub_event_type"]) == \
        ("42", "هيئة تحرير الشام", "كفرنبل", "Armed clash")

    # the pipeline runs again: a full re-merge, the same articles ingested again, and the
    # event's article re-extracted after an edit of its text (same URL)
    merge_store(store, full=True)
    ingest(store, [str(SAMPLE)], say=lambda m: None)
    with store.read() as conn:
        src = conn.execute(select(event_sources.c.article_id).where(event_sources.c.event_id == eid)).scalar()
        from rasd.store.schema import articles

        a = conn.execute(select(articles).where(articles.c.id == src)).first()
    edited = {"text": a.text + "\n(تحديث)", "url": a.url, "title": a.title, "outlet": a.outlet,
              "published": a.published}
    r = client.post("/api/articles", json=edited, headers=AUTH)
    assert r.json()["articles"][0]["status"] == "updated"
    d = client.get(f"/api/events/{eid}").json()
    assert (d["fatalities"], d["actor1"], d["location_name"], d["sub_event_type"]) == \
        (42, "هيئة تحرير الشام", "كفرنبل", "Armed clash")
    assert len(d["corrections"]) == 5 and d["original"]["fatalities"] == ev["fatalities"]

    # reject: hidden by default, shown on request, left out of exports; restore brings it back
    n = _all(client)["total"]
    d = client.post(f"/api/events/{eid}/reject", headers=AUTH, json={"coder": "omar", "note": "a duplicate"}).json()
    assert d["status"] == "rejected"
    assert _all(client)["total"] == n - 1 and eid not in {e["event_id"] for e in _all(client)["events"]}
    assert client.get("/api/stats").json()["total"] == n - 1
    shown = _all(client, include_rejected="true")
    assert shown["total"] == n and next(e for e in shown["events"] if e["event_id"] == eid)["status"] == "rejected"
    assert eid not in exported()
    merge_store(store, full=True)
    assert client.get(f"/api/events/{eid}").json()["status"] == "rejected"
    assert eid not in exported()
    d = client.post(f"/api/events/{eid}/restore", headers=AUTH, json={"coder": "omar"}).json()
    assert d["status"] == "active" and _all(client)["total"] == n and d["fatalities"] == 42


def test_corrections_follow_their_sentence_when_the_events_renumber(client):
    """An edited article, re-extracted, reports a new event first: its old event 0 is now event 1.
    The coder's decision follows the sentence it was made on, not the number."""
    strike = ("قتل خمسة مدنيين وأصيب عشرة آخرون في غارة جوية شنتها الطائرات الحربية الروسية على مدينة "
              "معرة النعمان في ريف إدلب الجنوبي يوم الثلاثاء.")
    clash = ("قتل ثلاثة عناصر من قوات النظام في اشتباكات مع فصائل المعارضة في بلدة اللطامنة بريف حماة "
             "الشمالي يوم الاثنين.\n")
    art = {"text": strike, "url": "https://example.org/renumbered", "outlet": "test", "published": "2016-05-12"}
    first = client.post("/api/articles", json=art, headers=AUTH).json()["articles"][0]
    (eid,) = first["event_ids"]
    d = client.post(f"/api/events/{eid}/corrections", headers=AUTH,
                    json={"field": "fatalities", "value": 11, "coder": "amal"}).json()
    assert d["fatalities"] == 11
    again = client.post("/api/articles", json={**art, "text": clash + strike}, headers=AUTH).json()["articles"][0]
    assert again["status"] == "updated" and len(again["event_ids"]) == 2
    a = client.get(f"/api/articles/{again['article_id']}").json()
    by_type = {e["event_type"]: e["event_id"] for e in a["events"]}
    moved = client.get(f"/api/events/{by_type['Explosions/Remote violence']}").json()
    assert moved["fatalities"] == 11 and moved["original"] == {"fatalities": 5}
    assert [c["new_value"] for c in moved["corrections"]] == [11]
    other = client.get(f"/api/events/{by_type['Battles']}").json()
    assert other["fatalities"] == 3 and other["corrections"] == [] and not other["corrected"]


def test_corrections_follow_their_source_when_the_anchor_changes(store):
    """A new, earlier report joining the event gives it another anchor and id: the decisions made
    on the old anchor still apply (they follow the source, not the id)."""
    from rasd.store.corrections import apply, overlay

    with store.read() as conn:
        row = dict(conn.execute(select(events).where(events.c.original.is_(None))).first()._mapping)
    anchor = row["anchor_key"]
    now = __import__("datetime").datetime.now()
    with store.write() as conn:
        conn.execute(corrections.insert().values(event_id=row["event_id"], anchor_key=anchor, field="injuries",
                                                 old_value="null", new_value="9", coder="t", created_at=now))
        conn.execute(corrections.insert().values(event_id=row["event_id"], anchor_key=anchor, field="status",
                                                 old_value='"active"', new_value='"rejected"', coder="t",
                                                 created_at=now))
        fresh = {k: v for k, v in row.items() if k not in ("status", "original", "geog")}
        fresh["event_id"] = "Enewanchor0000"
        overlay(conn, [fresh], {"Enewanchor0000": ["url:https://earlier.example/report#0", anchor]})
        conn.execute(corrections.delete().where(corrections.c.anchor_key == anchor, corrections.c.coder == "t"))
    assert fresh["injuries"] == 9 and fresh["injuries_best"] == 9 and fresh["status"] == "rejected"
    assert json.loads(fresh["original"])["injuries"] == row["injuries"]
    assert apply(dict(row), [])["status"] == "active"


# --------------------------------------------------------------------------- hostile input

INJECTIONS = ["' OR 1=1 --", "'; DROP TABLE events; --", "\" OR \"\"=\"", "1); DELETE FROM events; --",
              '"', "'", "AND OR (", "NEAR(a b)", "*", "a* OR b*", "col:x", "body:قصف", "^x", "{body}: x",
              "\\", "%", "_", "%' OR '1'='1", "\x00", "قصف\" OR \"1", "' UNION SELECT sql FROM sqlite_master --",
              "::tsquery", "!(a)&|b", "a:* & b", "$$", "٪", "E' OR '1'='1"]
FILTERS = ["country", "admin1", "event_type", "sub_event_type", "actor", "outlet", "q", "date_from", "date_to",
           "bbox", "include_rejected", "sort", "order", "limit", "offset", "format"]
NOT_FILTERS = {"include_rejected", "sort", "order", "limit", "offset", "format"}    # (/api/stats ignores these)


def test_injection_attempts_in_every_filter_never_500(client, store):
    n = _n_events(store)
    everything = _all(client)["total"]
    for name in FILTERS:
        for payload in INJECTIONS:
            for path in ("/api/events", "/api/stats"):
                r = client.get(path, params={name: payload})
                assert r.status_code in (200, 400, 422), (path, name, payload, r.status_code, r.text)
                if r.status_code != 200:
                    assert r.json()["detail"]
                elif name not in NOT_FILTERS:                      # it never widens a filter
                    assert r.json()["total"] < everything, (name, payload)
    assert _n_events(store) == n
    with store.read() as conn:
        assert conn.execute(select(func.count()).select_from(event_sources)).scalar() > 0
    # full-text operators are words, not syntax: nothing fails, nothing widens
    for q in ('"', "AND OR (", "NEAR(", "*", ")", "-", "+", ":", "^", "'", "&&", "||", "!"):
        r = client.get("/api/events", params={"q": q})
        assert r.status_code == 200 and r.json()["total"] == 0, q


def test_injection_in_path_and_body(client, store):
    n = _n_events(store)
    for eid in ("' OR 1=1 --", "E1; DROP TABLE events", "%", "SYR-' OR '1'='1"):
        assert client.get(f"/api/events/{eid}").status_code == 404
        r = client.post(f"/api/events/{eid}/reject", json={"coder": "x"}, headers=AUTH)
        assert r.status_code == 404
    eid = _pick(client, country="SY")["event_id"]
    for v in ("'); DROP TABLE events; --", "<script>alert(1)</script>"):
        r = client.post(f"/api/events/{eid}/corrections", json={"field": "actor2", "value": v, "coder": v, "note": v},
                        headers=AUTH)
        assert r.status_code == 200 and r.json()["actor2"] == v
    assert _n_events(store) == n
