"""rasd.store: schema and migrations, idempotent and resumable ingestion, SQLite and PostgreSQL+PostGIS.

Articles: a few hundred real articles of the ANT corpus v2.1 (Al Arabiya, BBC
Arabic, CNN Arabic, France24, Sky News Arabia; 2018) when the shared corpus is
there, else the 80 articles of tests/fixtures/corpus_sample.jsonl.  The slice
of the corpus used holds CNN pages crawled twice, over http and https, one of
them with an edited text: the same article for the store.

PostgreSQL: the tests run against the real server named by ``RASD_TEST_PG``
(``.ci/run`` installs PostgreSQL 15 + PostGIS from Debian and starts it), each
in a database of its own, dropped afterwards; they are skipped, saying so,
only where no server is available.
"""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, inspect, select, text

from rasd.store import Store, ingest, merge_store
from rasd.store import migrations
from rasd.store.repository import db_url, split_where
from rasd.store.schema import article_versions, articles, event_sources, events, ingest_log

from helpers import ANT_CONFLICT

SAMPLE = Path(__file__).parent / "fixtures" / "corpus_sample.jsonl"
PG = os.environ.get("RASD_TEST_PG")
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """A few hundred real articles (lines 841-1140 of the ANT conflict corpus), else the sample."""
    if not ANT_CONFLICT.is_file():
        return SAMPLE
    out = tmp_path_factory.mktemp("corpus") / "ant-slice.jsonl"
    with open(ANT_CONFLICT, encoding="utf-8") as fh:
        lines = fh.readlines()[840:1140]
    out.write_text("".join(lines), encoding="utf-8")
    return out


def snapshot(store: Store) -> dict:
    """What an ingest leaves: counts, article keys, and which raw events make which event."""
    with store.read() as conn:
        keys = sorted(conn.execute(select(articles.c.article_key)).scalars())
        groups = sorted(conn.execute(select(event_sources.c.event_id, func.count()).group_by(
            event_sources.c.event_id)).all(), key=lambda r: (str(r[0]), r[1]))
        sources = sorted(conn.execute(select(event_sources.c.source_key, event_sources.c.event_id)).all())
        evs = sorted(conn.execute(select(events.c.event_id, events.c.fatalities, events.c.n_sources)).all())
    c = store.counts()
    return {"articles": c["articles"], "event_sources": c["event_sources"], "events": c["events"],
            "unmerged": c["unmerged"], "keys": keys, "groups": [tuple(g) for g in groups],
            "sources": [tuple(s) for s in sources], "events_rows": [tuple(e) for e in evs]}


def consistent(store: Store) -> None:
    """Every raw event belongs to an event that exists; every event has a raw event; counts agree."""
    with store.read() as conn:
        orphans = conn.execute(text("SELECT count(*) FROM event_sources s LEFT JOIN events e "
                                    "ON e.event_id = s.event_id WHERE e.event_id IS NULL")).scalar()
        empty = conn.execute(text("SELECT count(*) FROM events e WHERE NOT EXISTS "
                                  "(SELECT 1 FROM event_sources s WHERE s.event_id = e.event_id)")).scalar()
        wrong = conn.execute(text("SELECT count(*) FROM events e WHERE n_sources <> "
                                  "(SELECT count(*) FROM event_sources s WHERE s.event_id = e.event_id)")).scalar()
        n_ev = conn.execute(text("SELECT count(*) FROM articles a WHERE n_events <> "
                                 "(SELECT count(*) FROM event_sources s WHERE s.article_id = a.id)")).scalar()
    assert (orphans, empty, wrong, n_ev) == (0, 0, 0, 0)


@pytest.fixture(scope="module")
def reference(corpus, tmp_path_factory):
    """The corpus slice ingested once, uninterrupted, into SQLite with one worker."""
    db = tmp_path_factory.mktemp("ref") / "ref.db"
    store = Store(str(db))
    report = ingest(store, [str(corpus)], say=lambda m: None)
    snap = snapshot(store)
    yield store, report, snap
    store.close()


# --------------------------------------------------------------------------- schema and migrations

def test_new_database_is_migrated_to_the_latest_version(tmp_path):
    store = Store(str(tmp_path / "new.db"))
    with store.read() as conn:
        assert migrations.current_version(conn) == migrations.LATEST
        names = set(inspect(conn).get_table_names())
        mode = conn.exec_driver_sql("PRAGMA journal_mode").scalar()
    assert {"articles", "events", "event_sources", "places", "actors", "ingest_log", "schema_version"} <= names
    assert mode == "wal"
    assert migrations.migrate(store.engine) == []              # nothing left to apply


def test_migrations_apply_step_by_step(tmp_path):
    engine = create_engine(db_url(str(tmp_path / "old.db")))
    assert migrations.migrate(engine, target=1) == [1]        # a database made by an older Rasd
    assert migrations.migrate(engine) == list(range(2, migrations.LATEST + 1))
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT version, description FROM schema_version ORDER BY version")).all()
    assert [r[0] for r in rows] == list(range(1, migrations.LATEST + 1)) and all(r[1] for r in rows)


def test_db_urls():
    assert db_url("x/rasd.db").startswith("sqlite:////") and db_url("x/rasd.db").endswith("x/rasd.db")
    assert db_url("postgresql://u:p@h/db") == "postgresql+psycopg://u:p@h/db"
    assert db_url("sqlite:///a.db") == "sqlite:///a.db"
    assert split_where("a/b.jsonl:7") == ("a/b.jsonl", "line 7")
    assert split_where("c.warc.gz[record 3]") == ("c.warc.gz", "record 3")
    assert split_where("f.rss[item 2] http://x/y") == ("f.rss", "item 2 http://x/y")


# --------------------------------------------------------------------------- idempotent ingestion

def test_ingest_stores_articles_and_events(reference):
    store, report, snap = reference
    assert report.read > 50 and report.new > 50 and report.bad == 0
    assert snap["articles"] == report.new                       # one row per distinct article
    assert snap["event_sources"] == report.raw_events > 0
    assert 0 < snap["events"] <= snap["event_sources"] and snap["unmerged"] == 0
    consistent(store)


def test_second_ingest_adds_nothing(reference, corpus):
    store, _, snap = reference
    again = ingest(store, [str(corpus)], say=lambda m: None)
    assert (again.new, again.updated, again.raw_events) == (0, 0, 0)
    assert again.unchanged >= snap["articles"]                 # every stored article recognised, not re-extracted
    assert snapshot(store) == snap


@pytest.mark.skipif(not ANT_CONFLICT.is_file(), reason="needs the shared ANT corpus")
def test_crawled_twice_same_article(reference):
    """CNN pages in the corpus twice (http and https), once with an edited text: one article."""
    store, report, _ = reference
    with store.read() as conn:
        row = conn.execute(select(articles.c.id, articles.c.url).where(
            articles.c.article_key == "url:https://arabic.cnn.com/world/article/2018/08/16/yemen-rap-women-rights"
        )).first()
        versions = conn.execute(select(func.count()).select_from(article_versions).where(
            article_versions.c.article_id == row.id)).scalar()
    assert versions == 2                # both texts seen; meeting either again changes nothing
    assert report.updated >= 1 and report.unchanged >= 1


def test_changed_text_replaces_old_events_in_one_transaction(tmp_path):
    recs = [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines()[:12]]
    src = tmp_path / "a.jsonl"
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs), encoding="utf-8")
    store = Store(str(tmp_path / "s.db"))
    ingest(store, [str(src)], say=lambda m: None)
    with store.read() as conn:
        target = conn.execute(select(articles.c.article_key, articles.c.id, articles.c.n_events)
                              .where(articles.c.n_events > 0).order_by(articles.c.id)).first()
    before = snapshot(store)
    # the outlet edits the article: its event sentences are gone, a line is left
    from rasd.ingest import article_key

    [edited] = [r for r in recs if article_key(r.get("url"), r["text"]) == target.article_key]
    edited["text"] = "تحديث: تم تعديل هذا الخبر بعد نشره."        # "Update: this story was edited."
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs), encoding="utf-8")
    rep = ingest(store, [str(src)], say=lambda m: None)
    assert (rep.new, rep.updated) == (0, 1)
    after = snapshot(store)
    assert after["articles"] == before["articles"]
    assert after["event_sources"] == before["event_sources"] - target.n_events
    with store.read() as conn:
        left = conn.execute(select(func.count()).select_from(event_sources)
                            .where(event_sources.c.article_id == target.id)).scalar()
    assert left == 0
    consistent(store)


def test_workers_give_the_same_store(tmp_path):
    one = Store(str(tmp_path / "one.db"))
    two = Store(str(tmp_path / "two.db"))
    r1 = ingest(one, [str(SAMPLE)], workers=1, say=lambda m: None)
    r2 = ingest(two, [str(SAMPLE)], workers=2, batch_size=16, say=lambda m: None)
    assert (r1.new, r1.raw_events) == (r2.new, r2.raw_events)
    assert snapshot(one) == snapshot(two)


def test_bad_inputs_are_logged_and_the_batch_goes_on(tmp_path):
    from test_ingest import make_mixed_dir

    d = make_mixed_dir(tmp_path / "inbox")
    store = Store(str(tmp_path / "m.db"))
    rep = ingest(store, [str(d)], say=lambda m: None)
    assert rep.bad == 2 and rep.new == 6
    with store.read() as conn:
        rows = conn.execute(select(ingest_log.c.level, ingest_log.c.source, ingest_log.c.item, ingest_log.c.reason)
                            .where(ingest_log.c.run_id == rep.run_id, ingest_log.c.level == "error")).all()
    assert sorted(Path(r.source).name for r in rows) == ["corrupt.jsonl.gz", "logo.png"]
    assert all(r.reason for r in rows)
    assert store.counts()["articles"] == 6


def test_cli_ingest_summary_and_exit(tmp_path, capsys):
    from rasd import cli

    from test_ingest import make_mixed_dir

    d = make_mixed_dir(tmp_path / "inbox")
    db = tmp_path / "c.db"
    code = cli.main(["ingest", str(d), "--db", str(db), "--no-progress", "--json"])
    out, err = capsys.readouterr()
    assert code == 0 and "Traceback" not in err
    rep = json.loads(out)
    assert rep["new"] == 6 and rep["bad"] == 2 and rep["merge"]["events"] >= 1
    assert "corrupt.jsonl.gz" in err and "logo.png" in err and "ingest_log" in err
    code = cli.main(["ingest", str(tmp_path / "missing.jsonl"), "--db", str(db), "--no-progress"])
    _, err = capsys.readouterr()
    assert code == 1 and "no such file" in err


# --------------------------------------------------------------------------- kill -9 and rerun

def test_kill_9_midway_then_rerun_gives_the_same_store(reference, corpus, tmp_path):
    _, _, snap = reference
    db = tmp_path / "killed.db"
    cmd = [sys.executable, "-m", "rasd", "ingest", str(corpus), "--db", str(db), "--batch", "8", "--no-progress"]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    n = 0
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            if db.exists():
                try:
                    with sqlite3.connect(db, timeout=1) as c:
                        n = c.execute("SELECT count(*) FROM articles").fetchone()[0]
                except sqlite3.Error:
                    n = 0
                if n >= 24:
                    break
            time.sleep(0.02)
        assert proc.poll() is None, "the ingest finished before it could be killed"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    with sqlite3.connect(db) as c:
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = c.execute("SELECT count(*) FROM articles").fetchone()[0]
    assert 0 < stored < snap["articles"]
    rerun = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
    assert rerun.returncode in (0, 3), rerun.stderr
    store = Store(str(db))
    assert snapshot(store) == snap
    consistent(store)


# --------------------------------------------------------------------------- PostgreSQL + PostGIS

@pytest.fixture(scope="module")
def pg_url():
    if not PG:
        pytest.skip("no PostgreSQL server: RASD_TEST_PG is not set (.ci/run installs PostgreSQL 15 + PostGIS "
                    "from Debian and sets it where apt is available)")
    from sqlalchemy.engine import make_url

    admin = create_engine(db_url(PG), isolation_level="AUTOCOMMIT")
    name = f"rasd_test_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(db_url(PG)).set(database=name).render_as_string(hide_password=False)
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_postgresql_same_counts_as_sqlite_and_idempotent(pg_url, reference, corpus):
    _, _, snap = reference
    store = Store(pg_url)
    try:
        assert store.dialect == "postgresql"
        ingest(store, [str(corpus)], say=lambda m: None)
        assert snapshot(store) == snap                      # same articles, raw events, events, event ids
        again = ingest(store, [str(corpus)], say=lambda m: None)
        assert (again.new, again.updated) == (0, 0) and snapshot(store) == snap
        consistent(store)
        with store.read() as conn:
            n_places, n_geog = conn.execute(text("SELECT count(*), count(geog) FROM places")).one()
            n_coords = conn.execute(text("SELECT count(*) FROM places WHERE lat IS NOT NULL")).scalar()
            idx = conn.execute(text("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_places_geog'")).scalar()
            # a spatial query: places within 10 km of Gaza City
            near = conn.execute(text("SELECT count(*) FROM places WHERE ST_DWithin(geog, "
                                     "ST_SetSRID(ST_MakePoint(34.4667, 31.5017), 4326)::geography, 10000)")).scalar()
            typ = conn.execute(text("SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
                                    "WHERE attrelid = 'places'::regclass AND attname = 'geog'")).scalar()
        assert n_places > 0 and n_geog == n_coords
        assert "gist" in idx.lower() and typ == "geography(Point,4326)"
        assert near >= 1
    finally:
        store.close()


def test_postgresql_merge_is_transactional_and_incremental(pg_url):
    store = Store(pg_url)
    try:
        before = store.counts()
        stats = merge_store(store)
        assert stats.regrouped == 0 and store.counts() == before      # nothing new: nothing done
        full = merge_store(store, full=True)
        assert full.events == before["events"] and store.counts() == before
    finally:
        store.close()
