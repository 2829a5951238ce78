"""rasd spark (rasd.scale): the same pipeline, places and merge on Apache Spark, in local mode.

Articles: tests/fixtures/corpus500.jsonl.xz, 500 real articles of the ANT
corpus v2.1 and SaudiNewsNet (see tests/fixtures/README.md), some crawled
twice.  The Spark output must equal the single-process output: every event of
``rasd extract``, field for field, and every merged event of ``rasd ingest``
into SQLite (ids, members, low/best/high, every exported column).  The Spark
tests need PySpark and Java (.ci/run installs Debian's JRE where it is
missing) and are skipped, saying why, only where either cannot be had.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from rasd.cli import main as rasd_main
from rasd.export.rows import COLUMNS
from rasd.scale.rows import event_json
from rasd.store import Store, ingest
from rasd.store.schema import event_sources

from test_ingest import FRANCE24, FRANCE24_URL, make_mixed_dir, write_warc
from test_store import pg_url, snapshot  # noqa: F401  (pg_url: a PostgreSQL database per module)

ROOT = Path(__file__).resolve().parents[1]
FIX = Path(__file__).parent / "fixtures"
CORPUS500 = FIX / "corpus500.jsonl.xz"
SAMPLE = FIX / "corpus_sample.jsonl"
EXAMPLES = ROOT / "src" / "rasd" / "examples" / "articles.jsonl"
pytestmark = pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning")


def _spark_missing() -> str | None:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "PySpark is not installed (pip install -e '.[test]' installs it)"
    if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        return "no Java for Spark (.ci/run installs default-jre-headless from Debian where apt is available)"
    return None


needs_spark = pytest.mark.skipif(_spark_missing() is not None, reason=str(_spark_missing()))


@pytest.fixture(scope="module")
def spark():
    from rasd.scale.spark import session

    s = session("local[2]", app="rasd-tests", conf={"spark.ui.enabled": "false", "spark.sql.shuffle.partitions": "4",
                                                     "spark.default.parallelism": "2"})
    yield s
    s.stop()


def read_dataset(path: Path) -> list[dict]:
    import pyarrow.dataset as ds

    return ds.dataset(str(path), format="parquet", partitioning="hive").to_table().to_pylist()


def store_export(store: Store, out: Path) -> dict[str, dict]:
    """The store's merged events as `rasd export --format parquet` writes them, by event id."""
    import pyarrow.parquet as pq

    from rasd.export import export

    export(store, "parquet", str(out))
    return {r["event_id"]: r for r in pq.read_table(out).to_pylist()}


def members(store: Store) -> dict[str, list[str]]:
    with store.read() as conn:
        rows = conn.execute(select(event_sources.c.event_id, event_sources.c.source_key)).all()
    out: dict[str, list[str]] = {}
    for eid, key in rows:
        out.setdefault(eid, []).append(key)
    return {k: sorted(v) for k, v in out.items()}


def assert_merged_equal(out: Path, store: Store, tmp: Path) -> None:
    """Spark's merged/ == the store's merged events: ids, members, every exported column."""
    ref = store_export(store, tmp / "ref.parquet")
    got = {r["event_id"]: r for r in read_dataset(out / "merged")}
    assert sorted(got) == sorted(ref) and ref
    for eid, r in ref.items():
        assert {c: got[eid][c] for c in COLUMNS} == r, eid
    assert {eid: sorted(r["source_keys"]) for eid, r in got.items()} == members(store)


# --------------------------------------------------------------------------- the corpus: Spark == one process

@pytest.fixture(scope="module")
def corpus_run(spark, tmp_path_factory):
    from rasd.scale.spark import run

    out = tmp_path_factory.mktemp("spark") / "out"
    summary = run([str(CORPUS500)], str(out), spark=spark, partitions=4, say=lambda m: None)
    return out, summary


@pytest.fixture(scope="module")
def single(tmp_path_factory):
    """`rasd extract` and `rasd ingest` (SQLite) over the same articles, in one process."""
    d = tmp_path_factory.mktemp("single")
    assert rasd_main(["extract", str(CORPUS500), "-o", str(d / "extract.jsonl"), "--no-progress"]) == 0
    docs = [json.loads(line) for line in (d / "extract.jsonl").read_text(encoding="utf-8").splitlines()]
    store = Store(str(d / "ref.db"))
    ingest(store, [str(CORPUS500)], say=lambda m: None)
    yield docs, store, d
    store.close()


@needs_spark
def test_spark_events_equal_rasd_extract(corpus_run, single):
    out, summary = corpus_run
    docs, _, _ = single
    assert summary["articles"] == len(docs) == 500 and summary["bad"] == summary["failed"] == 0
    want = {(d["doc_id"], i): e for d in docs for i, e in enumerate(d["events"])}
    rows = read_dataset(out / "events")
    got = {(r["doc_id"], r["idx"]): event_json(r) for r in rows}
    assert len(rows) == len(got) == summary["events"] == len(want) > 1000
    assert sorted(got) == sorted(want)
    for k in sorted(want):                       # event for event, every field (spans included)
        assert got[k] == want[k], k
    # the places, and each article's whole document, as rasd extract prints it
    places = {(r["doc_id"], r["idx"]): r for r in read_dataset(out / "places")}
    assert len(places) == summary["places"] == sum(len(d["places"]) for d in docs)
    for d in docs:
        for i, p in enumerate(d["places"]):
            assert places[(d["doc_id"], i)]["name"] == p["name"]
            assert places[(d["doc_id"], i)]["span_start"] == (p.get("span") or [None])[0]
    from rasd.scale.load import article_rows

    arts = list(article_rows(out / "articles"))                               # in input order
    assert [a["doc_id"] for a in arts] == [d["doc_id"] for d in docs]
    assert [json.loads(a["doc"]) for a in arts] == docs


@needs_spark
def test_spark_output_is_partitioned_by_country_and_month(corpus_run):
    out, _ = corpus_run
    for name, month_of in (("events", lambda r: str(r["date_start"])[:7]), ("merged", lambda r: str(r["event_date"])[:7])):
        dirs = {p.parent.relative_to(out / name).as_posix() for p in (out / name).rglob("*.parquet")}
        assert "country_code=SY/month=2018-01" in dirs or any(d.startswith("country_code=SY/") for d in dirs)
        assert all(d.split("/")[0].startswith("country_code=") and d.split("/")[1].startswith("month=") for d in dirs)
        for r in read_dataset(out / name):
            assert r["month"] == month_of(r)
    for r in read_dataset(out / "events"):
        assert r["country_code"] == (r["location"] or {}).get("country")
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["articles"] == 500 and summary["merged_events"] > 0 and "read_extract" in summary["phases"]


@needs_spark
def test_spark_merge_equals_the_store_merge(corpus_run, single, tmp_path):
    out, summary = corpus_run
    _, store, _ = single
    c = store.counts()
    assert summary["distinct_articles"] == c["articles"] and summary["merged_events"] == c["events"]
    assert_merged_equal(out, store, tmp_path)
    assert any(len(r["source_keys"]) > 1 for r in read_dataset(out / "merged"))   # merges across articles


@needs_spark
def test_ingest_events_loads_the_store_idempotently(corpus_run, single, tmp_path):
    out, _ = corpus_run
    _, ref, _ = single
    db = tmp_path / "from-spark.db"
    assert rasd_main(["ingest", "--events", str(out), "--db", str(db), "--no-progress"]) == 0
    store = Store(str(db))
    want = snapshot(ref)
    assert snapshot(store) == want                  # same articles, raw events, merged events and ids
    assert rasd_main(["ingest", "--events", str(out), "--db", str(db), "--no-progress"]) == 0
    assert snapshot(store) == want                  # a second load adds nothing
    again = ingest(store, [str(CORPUS500)], say=lambda m: None)
    assert (again.new, again.updated, again.raw_events) == (0, 0, 0)   # nor does rasd ingest of the input
    store.close()


@needs_spark
def test_ingest_events_into_postgresql(corpus_run, single, pg_url):  # noqa: F811
    out, _ = corpus_run
    _, ref, _ = single
    from rasd.scale.load import load

    store = Store(pg_url)
    try:
        load(store, str(out), say=lambda m: None)
        assert snapshot(store) == snapshot(ref)
        rep = load(store, str(out), say=lambda m: None)
        assert (rep.new, rep.updated, rep.raw_events) == (0, 0, 0) and snapshot(store) == snapshot(ref)
    finally:
        store.close()


# --------------------------------------------------------------------------- other inputs, bad records

def _write_parquet(path: Path, records: list[dict]) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    cols = ("doc_id", "outlet", "url", "published", "title", "text")
    pq.write_table(pa.table({c: [r.get(c) for r in records] for c in cols}), path)
    return path


def _mixed_inputs(root: Path) -> Path:
    """WARC, HTML, feed, cp1256 text, a corrupt gzip, an image (make_mixed_dir); Parquet; JSONL with bad lines;
    and one URL met three times (texts A, B, A: the store keeps B)."""
    make_mixed_dir(root)
    recs = [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines()]
    _write_parquet(root / "articles.parquet", recs[:6] + [{"doc_id": "empty", "text": "  "}])
    a, b = recs[10], dict(recs[10], text=recs[11]["text"], doc_id="edited")
    lines = [json.dumps(r, ensure_ascii=False) for r in (recs[7], a, b, dict(a, doc_id="again"))]
    lines[1:1] = ["{not json", json.dumps({"doc_id": "x", "text": ""})]
    (root / "more.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    write_warc(root / "crawl" / "CC-NEWS-2.warc", [(FRANCE24_URL + "-2", FRANCE24.read_bytes())], gz=False)
    return root


@pytest.fixture(scope="module")
def mixed_run(spark, tmp_path_factory):
    from rasd.scale.spark import run

    d = tmp_path_factory.mktemp("mixed")
    inbox = _mixed_inputs(d / "inbox")
    out = d / "out"
    summary = run([str(inbox)], str(out), spark=spark, partitions=3, say=lambda m: None)
    return inbox, out, summary


@needs_spark
def test_warc_parquet_and_bad_records(mixed_run, tmp_path):
    inbox, out, summary = mixed_run
    from rasd.ingest import read_inputs
    from rasd.io import Skipped

    items = list(read_inputs([str(inbox)]))
    bad = [i for i in items if isinstance(i, Skipped)]
    good = [i for i in items if not isinstance(i, Skipped)]
    assert summary["bad"] == len(bad) >= 5 and summary["articles"] == len(good) and summary["failed"] == 0
    arts = read_dataset(out / "articles")
    assert sorted(a["text"] for a in arts) == sorted(i.text for i in good)
    sources = {a["where"].split(str(inbox) + "/", 1)[-1].split("[", 1)[0].split(":", 1)[0] for a in arts}
    assert {"crawl/CC-NEWS-20180506.warc.gz", "crawl/CC-NEWS-2.warc", "articles.parquet", "more.jsonl"} <= sources
    assert any("[row 3]" in a["where"] for a in arts)                       # Parquet rows are named
    errors = [json.loads(line) for f in sorted((out / "errors").glob("*.json"))
              for line in f.read_text(encoding="utf-8").splitlines()]
    assert sorted((e["where"].split(str(inbox) + "/", 1)[-1], e["reason"]) for e in errors) == \
        sorted((b.where.split(str(inbox) + "/", 1)[-1], b.reason) for b in bad)
    reasons = " | ".join(e["reason"] for e in errors)
    assert "invalid JSON" in reasons and 'empty "text"' in reasons
    # the same store as rasd ingest of the same inputs: the edited text wins, as it does there
    ref = Store(str(tmp_path / "ref.db"))
    ingest(ref, [str(inbox)], say=lambda m: None)
    assert summary["distinct_articles"] == ref.counts()["articles"]
    assert_merged_equal(out, ref, tmp_path)
    loaded = Store(str(tmp_path / "loaded.db"))
    assert rasd_main(["ingest", "--events", str(out), "--db", str(tmp_path / "loaded.db"), "--no-progress"]) == 0
    a, b = snapshot(ref), snapshot(loaded)
    assert {k: v for k, v in a.items()} == {k: v for k, v in b.items()}
    assert loaded.counts()["ingest_log"] >= len(bad)
    ref.close()
    loaded.close()


@needs_spark
def test_existing_output_is_not_overwritten_without_asking(spark, tmp_path):
    from rasd.scale.spark import SparkError, run

    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    with pytest.raises(SparkError, match="already exists"):
        run([str(EXAMPLES)], str(out), spark=spark)
    assert (out / "keep.txt").read_text() == "mine"
    with pytest.raises(SparkError, match="no input found"):
        run([str(tmp_path / "missing.jsonl")], str(tmp_path / "o2"), spark=spark)


def test_no_java_is_said_clearly(monkeypatch):
    pytest.importorskip("pyspark")
    from rasd.scale.spark import SparkError, session

    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(SparkError, match="needs Java"):
        session("local[1]")


def test_parquet_articles_are_read_like_json_lines(tmp_path):
    from rasd.ingest import read_inputs
    from rasd.io import read_articles

    recs = [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines()[:5]]
    p = _write_parquet(tmp_path / "a.parquet", recs[:2] + [{"text": None}] + recs[2:])
    items = list(read_inputs([str(p)]))
    assert [getattr(i, "text", None) for i in items] == [r["text"] for r in recs[:2]] + [None] + \
        [r["text"] for r in recs[2:]]
    assert items[2].where == f"{p}[row 3]" and "text" in items[2].reason
    jl = tmp_path / "a.jsonl"
    jl.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs), encoding="utf-8")
    same = [i for i in items if hasattr(i, "text")]
    assert [(a.doc_id, a.outlet, a.url, a.published, a.title) for a in same] == \
        [(a.doc_id, a.outlet, a.url, a.published, a.title) for a in read_articles(str(jl))]


# --------------------------------------------------------------------------- the command line, as the README shows it

@needs_spark
def test_readme_command_line(tmp_path):
    """README, "Running at scale": rasd spark, then rasd ingest --events, in fresh processes (other paths)."""
    exe = Path(sys.executable).parent / "rasd"
    rasd = [str(exe)] if exe.is_file() else [sys.executable, "-m", "rasd"]
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    out, db = tmp_path / "rasd-spark-out", tmp_path / "rasd.db"
    r = subprocess.run([*rasd, "spark", "src/rasd/examples/articles.jsonl", str(out)], cwd=ROOT,
                       capture_output=True, text=True, env=env, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    assert "3 articles, 0 bad inputs, 0 failed" in r.stderr
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["articles"] == 3 and summary["events"] > 0
    r = subprocess.run([*rasd, "ingest", "--events", str(out), "--db", str(db)],
                       capture_output=True, text=True, env=env, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    assert "3 articles read (3 new" in r.stderr
    assert Store(str(db)).counts()["event_sources"] == summary["events"]
    r = subprocess.run([*rasd, "spark", str(EXAMPLES), str(out)],
                       capture_output=True, text=True, env=env, timeout=300)
    assert r.returncode == 1 and "already exists" in r.stderr
