"""rasd.store.merge: the same event reported by several articles becomes one event.

The reports are those of the explosion in a house in al-Zawaida, central Gaza,
on 2018-05-05 (ANT corpus v2.1): Al Arabiya (ant-AL-internationalNews-1005-20180505,
"خمسة فلسطينيين قتلوا"), Sky News Arabia (ant-SK-middleEast-1445-20180505, "5
فلسطينيين قتلوا") and France 24 (ant-FR-internationalNews-1095-20180505, "ستة
فلسطينيين قتلوا"): one event, five to six killed.  Unit tests build the raw
events as the pipeline reads them; the end-to-end tests ingest the pages, the
feed and the WARC those reports come in.
"""
from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta

import pytest

from rasd.store import Store, ingest, merge_store
from rasd.store.merge import Cluster, Raw, Side, check, explain, group, place_identity, summarize

D = date(2018, 5, 5)
ZAWAIDA = (31.4339, 34.3669)            # الزوايدة, Deir al-Balah governorate (GeoNames)
GAZA_CITY = (31.50161, 34.46672)        # غزة, about 12 km north-east
PAL_CIV = Side("civilians", "PSE", "Civilians (Palestine)")


def report(key, outlet, killed, *, day=D, end=None, where=ZAWAIDA, prec=1, place=None, article=None,
           a1=None, a2=PAL_CIV, etype="Explosions/Remote violence", sub="Remote explosive/landmine/IED",
           reported_by=()):
    return Raw(key=key, article=article or key.split("#")[0], event_type=etype, sub_event_type=sub,
               date_start=day, date_end=end or day, time_precision=1, lat=where[0] if where else None,
               lon=where[1] if where else None, geo_precision=prec, place=place, location_name="الزوايدة",
               actor1=a1, actor2=a2,
               data={"fatalities": killed, "outlet": outlet, "reported_by": list(reported_by),
                     "evidence": f"{outlet}: ...", "civilian_targeting": False})


ARABIYA = report("url:alarabiya/zawaida#0", "العربية", 5, reported_by=["وزارة الصحة"])
SKY = report("url:skynews/1045008#0", "سكاي نيوز عربية", 5, reported_by=["مصادر طبية"])
F24 = report("url:france24/zawaida#1", "فرانس 24", 6, reported_by=["وزارة الصحة", "الجناح العسكري لحماس"])


def ids(clusters):
    return sorted(sorted(m.key for m in c.members) for c in clusters)


# --------------------------------------------------------------------------- the rule

def test_three_outlets_one_event_low_best_high():
    [c] = group([F24, SKY, ARABIYA])
    e = summarize(c)
    assert e["n_sources"] == 3 and e["n_articles"] == 3
    assert (e["fatalities_low"], e["fatalities_best"], e["fatalities_high"]) == (5, 5, 6)
    assert e["fatalities"] == 5                                    # ACLED: the lowest credible figure
    assert e["reported_by"] == '["وزارة الصحة", "الجناح العسكري لحماس", "مصادر طبية"]'
    assert sorted(e["outlets"].strip("[]").replace('"', "").split(", ")) == sorted(
        ["العربية", "سكاي نيوز عربية", "فرانس 24"])


def test_dates_within_one_day_merge_two_days_do_not():
    nextday = replace(SKY, date_start=D + timedelta(days=1), date_end=D + timedelta(days=1))
    assert check(ARABIYA, nextday)[0]
    later = replace(SKY, date_start=D + timedelta(days=2), date_end=D + timedelta(days=2))
    ok, why = check(ARABIYA, later)
    assert not ok and "2 days apart" in why
    ranged = replace(SKY, date_start=D - timedelta(days=6), date_end=D, time_precision=2)   # "this week"
    assert check(ARABIYA, ranged)[0]


def test_places_within_10_km_or_same_place_at_precision_2_3():
    near = replace(SKY, lat=ZAWAIDA[0] + 0.06, lon=ZAWAIDA[1])     # 6.7 km north
    ok, why = check(ARABIYA, near)
    assert ok and "6.7 km" in why
    far = replace(SKY, lat=GAZA_CITY[0], lon=GAZA_CITY[1])
    ok, why = check(ARABIYA, far)
    assert not ok and "km apart" in why
    gov = place_identity("admin1", 3, "PS", "PS-DEB", None, "محافظة دير البلح")
    assert gov == place_identity("relative", 3, "PS", "PS-DEB", None, "وسط قطاع غزة")
    a = replace(ARABIYA, lat=None, lon=None, geo_precision=3, place=gov)
    b = replace(SKY, lat=None, lon=None, geo_precision=3, place=gov)
    assert check(a, b)[0]
    assert place_identity("settlement", 1, "PS", "PS-DEB", 282400, "الزوايدة") is None   # precision 1: distance only
    nowhere = replace(SKY, lat=None, lon=None, place=None)
    assert not check(ARABIYA, nowhere)[0]


def test_sides_must_be_compatible():
    idf = Side("state", "ISR", "Military Forces of Israel")
    hamas = Side("rebel", "PSE", "Hamas")
    egypt = Side("state", "EGY", "Military Forces of Egypt")
    assert check(replace(ARABIYA, actor1=idf), SKY)[0]            # a side unknown in one report
    assert not check(replace(ARABIYA, actor1=idf), replace(SKY, actor1=egypt))[0]
    clash = dict(etype="Battles", sub="Armed clash")
    x = report("url:a#0", "a", 1, a1=idf, a2=hamas, **clash)
    y = report("url:b#0", "b", 2, a1=hamas, a2=idf, **clash)
    assert check(x, y)[0]                                         # Battles: either order
    z = replace(y, event_type="Explosions/Remote violence")
    assert not check(replace(x, event_type="Explosions/Remote violence"), z)[0]


def test_one_articles_events_never_merge():
    second = replace(SKY, key="url:skynews/1045008#1", article=SKY.article)
    ok, why = check(SKY, second)
    assert not ok and "same article" in why


def test_no_chains_every_source_compatible_with_every_other():
    d1 = ARABIYA
    d2 = replace(SKY, date_start=D + timedelta(days=1), date_end=D + timedelta(days=1))
    d3 = replace(F24, date_start=D + timedelta(days=2), date_end=D + timedelta(days=2))
    assert ids(group([d1, d2, d3])) == sorted([[d3.key], sorted([d1.key, d2.key])])


def test_deterministic_whatever_the_order():
    reps = [ARABIYA, SKY, F24,
            report("url:x/gaza#0", "x", 2, where=GAZA_CITY), report("url:y/gaza#0", "y", 3, where=GAZA_CITY),
            report("url:z/gaza#0", "z", 1, where=GAZA_CITY, day=D + timedelta(days=5))]
    first = group(reps)
    for seed in range(5):
        shuffled = reps[:]
        random.Random(seed).shuffle(shuffled)
        again = group(shuffled)
        assert ids(again) == ids(first)
        assert sorted(c.event_id for c in again) == sorted(c.event_id for c in first)


def test_incremental_grouping_equals_grouping_everything():
    reps = [report(f"url:o{i}/a#0", f"o{i}", i, day=D + timedelta(days=i // 3),
                   where=(ZAWAIDA[0] + 0.01 * (i % 4), ZAWAIDA[1])) for i in range(12)]
    full = group(reps)
    t = D + timedelta(days=2)
    earlier = [r for r in reps if r.date_start < t]
    prior = [Cluster([m for m in c.members if m.date_start < t]) for c in group(earlier)]
    incremental = group([r for r in reps if r.date_start >= t], prior)
    assert ids(incremental) == ids(full)


def test_explanation_in_words():
    lines = explain([F24, SKY, ARABIYA])
    assert lines[0].endswith("first report (gives the event its id)")
    assert all("same type; dates overlap; places 0.0 km apart; sides compatible" in x for x in lines[1:])
    assert lines[2].endswith("compatible with all 2 earlier reports")


# --------------------------------------------------------------------------- in the store

@pytest.fixture(scope="module")
def mixed_store(tmp_path_factory):
    from test_ingest import make_mixed_dir

    root = tmp_path_factory.mktemp("merge")
    d = make_mixed_dir(root / "inbox")
    store = Store(str(root / "m.db"))
    ingest(store, [str(d)], say=lambda m: None)
    yield store, d
    store.close()


def _zawaida_event(store):
    from sqlalchemy import select

    from rasd.store.schema import event_sources, events

    with store.read() as conn:
        rows = conn.execute(select(events).where(events.c.location_name == "الزوايدة")).all()
        n_src = {r.event_id: conn.execute(select(event_sources.c.source_key).where(
            event_sources.c.event_id == r.event_id)).scalars().all() for r in rows}
    return rows, n_src


def test_page_feed_and_warc_reports_become_one_event(mixed_store):
    store, _ = mixed_store
    rows, sources = _zawaida_event(store)
    [ev] = [r for r in rows if r.n_articles == 3]
    assert ev.event_type == "Explosions/Remote violence"
    assert (ev.fatalities, ev.fatalities_low, ev.fatalities_best, ev.fatalities_high) == (5, 5, 5, 6)
    assert set(__import__("json").loads(ev.outlets)) == {"العربية", "فرانس 24", "سكاي نيوز عربية - الشرق الأوسط"}
    keys = " ".join(sources[ev.event_id])
    assert "alarabiya.net" in keys and "skynewsarabia.com/middle-east/1045008" in keys and "france24.com" in keys


def test_show_explains_the_merge(mixed_store, capsys):
    from rasd import cli

    store, _ = mixed_store
    rows, _ = _zawaida_event(store)
    [ev] = [r for r in rows if r.n_articles == 3]
    code = cli.main(["show", f"PSE-{ev.event_id}", "--db", store.url])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert out.count("source ") >= 3 and "why" in out and "km apart" in out
    assert "خمسة فلسطينيين قتلوا" in out or "5 فلسطينيين قتلوا" in out       # evidence sentences
    assert "low/best/high 5/5/6" in out
    assert cli.main(["show", "E000000000000", "--db", store.url]) == 1


def test_merge_after_more_articles_equals_full_regrouping(tmp_path):
    """Ingest in two halves (merging after each), then regroup everything: the same events."""
    from pathlib import Path

    sample = Path(__file__).parent / "fixtures" / "corpus_sample.jsonl"
    lines = sample.read_text(encoding="utf-8").splitlines(keepends=True)
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    a.write_text("".join(lines[1::2]), encoding="utf-8")
    b.write_text("".join(lines[0::2]), encoding="utf-8")
    store = Store(str(tmp_path / "h.db"))
    ingest(store, [str(a)], say=lambda m: None)
    ingest(store, [str(b)], say=lambda m: None)
    from test_store import snapshot

    incremental = snapshot(store)
    stats = merge_store(store, full=True)
    assert snapshot(store) == incremental
    assert stats.sources == incremental["event_sources"] and stats.events == incremental["events"]
