"""``rasd spark``: Rasd on Apache Spark (PySpark), for archives one machine cannot get through.

    rasd spark INPUT... OUTPUT [--master local[*]|spark://HOST:7077|yarn] [--partitions N]
    spark-submit --master yarn src/rasd/scale/spark.py INPUT... OUTPUT     # the same, as a Spark application
    python -m rasd.scale.spark INPUT... OUTPUT

INPUT: files or directories (local paths, ``hdfs://``, ``s3a://``: whatever
Spark's Hadoop file systems read) of JSON Lines (also .gz/.xz/.bz2), JSON,
Parquet, WARC, HTML, feeds or text: every file is read on an executor by the
readers of ``rasd ingest``.  The articles are then spread over N partitions
and each partition runs the very same pipeline (built once per Python worker,
kept while Spark reuses the worker).  OUTPUT (a directory) receives

=====================================================  ===================================================
``events/country_code=SY/month=2018-03/part-*.parquet``  one row per event as one article reports it: the
                                                       fields ``rasd extract`` prints (sides and place as
                                                       structs, spans as JSON) and the article's key, id,
                                                       URL, outlet and publication date
``places/country_code=../month=../``                   one row per place an article names (month: of its
                                                       publication)
``merged/country_code=../month=../``                   the events merged across articles by the store's
                                                       rules (``rasd merge``), with the columns of ``rasd
                                                       export --format parquet`` and ``source_keys``
``articles/``                                          one row per article read (input order): metadata,
                                                       text, identity, the extracted document as JSON;
                                                       what ``rasd ingest --events OUTPUT`` loads
``errors/``                                            JSON Lines: each bad input, line or record (file,
                                                       line/record, reason) and each article the pipeline
                                                       failed on (written when there are any)
``summary.json``                                       counts, errors (the first 100), timing
=====================================================  ===================================================

An article or event without a country is under ``country_code=__HIVE_DEFAULT_PARTITION__`` (read back as null).

The merge as a Spark job: raw events of different types never merge, and within
a type the store's own ``group()`` decides, so raw events are grouped by event
type and each group runs ``rasd.store.merge`` on an executor.  The articles
merged are those the store would keep: for an article (``article_key``) met
more than once, the text first met last, as ``rasd ingest`` leaves it.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time

from rasd.scale import rows as R      # absolute: spark-submit may run this file as a script

PROG = "rasd spark"


class SparkError(Exception):
    """Spark cannot be used, or the job cannot start (bad OUTPUT, no input)."""


# --------------------------------------------------------------------------- schemas

def _schemas():
    from pyspark.sql import types as T

    S, L, I, D, B, DT = T.StringType(), T.LongType(), T.IntegerType(), T.DoubleType(), T.BooleanType(), T.DateType()

    def struct(*fields):
        return T.StructType([T.StructField(n, t) for n, t in fields])

    actor = struct(*[(f, S) for f in R.ACTOR_FIELDS])
    place = [("name", S), ("country", S), ("admin1", S), ("admin1_code", S), ("admin2", S), ("lat", D),
             ("lon", D), ("geonameid", L), ("geo_precision", I), ("kind", S), ("unresolved", B)]
    event = struct(("event_type", S), ("sub_event_type", S), ("date_start", DT), ("date_end", DT),
                   ("time_precision", I), ("actor1", actor), ("actor2", actor), ("location", struct(*place)),
                   ("civilian_targeting", B), ("fatalities", L), ("injuries", L), ("fatalities_text", S),
                   ("injuries_text", S), ("children_killed", L), ("women_killed", L), ("children_injured", L),
                   ("women_injured", L), ("reported_by", T.ArrayType(S)), ("evidence", S), ("evidence_start", L),
                   ("evidence_end", L), ("spans", S))
    item = [("input_index", I), ("input_file", S), ("input_item", L), ("kind", S), ("where", S), ("reason", S),
            ("text", S), ("doc_id", S), ("outlet", S), ("url", S), ("title", S), ("published", S),
            ("read_warnings", T.ArrayType(S))]
    result = struct(*item, ("article_key", S), ("text_hash", S), ("published_date", DT),
                    ("warnings", T.ArrayType(S)), ("doc", S), ("n_events", I), ("extractor", S), ("error", S),
                    ("events", T.ArrayType(event)),
                    ("places", T.ArrayType(struct(*place, ("span_start", L), ("span_end", L)))))

    from rasd.export.rows import COLUMNS, DATE_COLUMNS, FLOAT_COLUMNS, INT_COLUMNS

    merged = struct(*[(c, L if c in INT_COLUMNS else D if c in FLOAT_COLUMNS else DT if c in DATE_COLUMNS else S)
                      for c in COLUMNS], ("source_keys", T.ArrayType(S)), ("country_code", S), ("month", S))
    return result, merged


# --------------------------------------------------------------------------- executors

def _raws_of(row):
    doc = json.loads(row["doc"])
    for i, e in enumerate(doc["events"]):
        yield e["event_type"], R.raw_from_event(row["article_key"], row["outlet"], row["url"], i, e)


def _merge_partition(groups):
    for _, raws in groups:
        yield from R.merge_group(raws)


# --------------------------------------------------------------------------- the driver

def session(master: str | None = None, app: str = "rasd", conf: dict | None = None):
    """A SparkSession: ``master`` if given, the one spark-submit chose, else ``local[*]``."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise SparkError("rasd spark needs PySpark: pip install 'rasd[spark]'") from None
    if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        raise SparkError("rasd spark needs Java (17 or newer) for Spark: e.g. apt-get install default-jre-headless")
    import warnings

    warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas")   # Rasd uses none
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)          # workers: this Python, with Rasd in it
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    b = SparkSession.builder.appName(app)
    if not master and "PYSPARK_GATEWAY_PORT" not in os.environ:       # not under spark-submit
        master = "local[*]"
    settings = {}
    if master:
        b = b.master(master)
    if (master or "").startswith("local"):     # one machine: stay on the loopback, few shuffle partitions
        settings = {"spark.driver.host": "127.0.0.1", "spark.driver.bindAddress": "127.0.0.1",
                    "spark.sql.shuffle.partitions": "8", "spark.ui.enabled": "false"}
    settings.update({"spark.ui.showConsoleProgress": "false",
                "spark.hadoop.mapreduce.input.fileinputformat.input.dir.recursive": "true",
                "spark.sql.sources.partitionOverwriteMode": "static"})
    settings.update(conf or {})
    for k, v in settings.items():
        b = b.config(k, v)
    spark = b.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def _fs(spark, path: str):
    jvm = spark.sparkContext._jvm
    p = jvm.org.apache.hadoop.fs.Path(path)
    return p.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration()), p


def _uri(path: str) -> str:
    """Local paths made absolute (executors may have another working directory); URIs as they are."""
    return path if "://" in path or path.startswith("file:") else os.path.abspath(path)


def _check_empty(output: str) -> None:
    if os.path.exists(output) and (not os.path.isdir(output) or os.listdir(output)):
        raise SparkError(f"{output}: already exists (give --overwrite to replace it)")


def _write_text(spark, path: str, text: str) -> None:
    fs, p = _fs(spark, path)
    out = fs.create(p, True)
    out.write(bytearray(text.encode("utf-8")))
    out.close()


class _Clock:
    """Seconds per phase of the job."""

    def __init__(self) -> None:
        self.t = time.perf_counter()
        self.phases: dict[str, float] = {}

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.phases[name] = round(now - self.t, 2)
        self.t = now


def run(inputs: list[str], output: str, *, spark=None, master: str | None = None, partitions: int | None = None,
        overwrite: bool = False, merge: bool = True, published=None, outlet: str | None = None,
        max_chars: int | None = None, say=lambda m: print(f"rasd: {m}", file=sys.stderr)) -> dict:
    """Run the job (see the module doc); returns the summary also written to OUTPUT/summary.json."""
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    if not overwrite and "://" not in output and not output.startswith("file:"):
        _check_empty(output)                     # before Spark starts: saying no costs nothing
    t0 = time.perf_counter()
    clock = _Clock()
    own = spark is None
    spark = spark or session(master)
    clock.lap("session")
    sc = spark.sparkContext
    try:
        out = _uri(output).rstrip("/")
        fs, op = _fs(spark, out)
        if fs.exists(op):
            if not overwrite and (not fs.getFileStatus(op).isDirectory() or len(fs.listStatus(op))):
                raise SparkError(f"{output}: already exists (give --overwrite to replace it)")
            fs.delete(op, True)
        missing, found = [], []
        for i, path in enumerate(inputs):
            ifs, ip = _fs(spark, _uri(path))
            st = ifs.globStatus(ip)
            (found if st is not None and len(st) else missing).append((i, _uri(path)))
        if not found:
            raise SparkError(f"no input found ({', '.join(p for p in inputs)})")
        n = partitions or sc.defaultParallelism * 4
        opts = {"published": published, "outlet": outlet}
        if max_chars:
            opts["max_chars"] = max_chars
        items = sc.union([sc.binaryFiles(p, minPartitions=sc.defaultParallelism)
                          .flatMap(lambda f, i=i: R.read_items(i, f[0], f[1], opts)) for i, p in found])
        result_schema, merged_schema = _schemas()
        res = (spark.createDataFrame(items.repartition(n).map(R.extract_item), result_schema, verifySchema=False)
               .persist(StorageLevel.MEMORY_AND_DISK))
        kinds = {r["kind"]: r for r in res.groupBy("kind").agg(
            F.count("*").alias("n"), F.sum("n_events").alias("events"), F.sum(F.size("places")).alias("places"),
            F.countDistinct("article_key").alias("keys")).collect()}
        count = {k: kinds[k]["n"] if k in kinds else 0 for k in ("article", "bad", "failed")}
        clock.lap("read_extract")
        good = res.filter(F.col("kind") == "article")
        meta = ["article_key", "doc_id", "url", "outlet", "published"]
        ordinal = ["input_index", "input_file", "input_item"]

        events = (good.select(*meta, F.posexplode("events").alias("idx", "e"))
                  .select(F.concat_ws("#", "article_key", F.col("idx").cast("string")).alias("source_key"),
                          *meta, "idx", "e.*")
                  .withColumn("country_code", F.col("location.country"))
                  .withColumn("month", F.date_format("date_start", "yyyy-MM")))
        events.repartition("country_code", "month").write.partitionBy("country_code", "month") \
            .parquet(f"{out}/events")
        clock.lap("events")
        places = (good.select(*meta, "published_date", F.posexplode("places").alias("idx", "p"))
                  .select(*meta, "idx", "p.*", F.col("p.country").alias("country_code"),
                          F.date_format("published_date", "yyyy-MM").alias("month")))
        places.repartition("country_code", "month").write.partitionBy("country_code", "month") \
            .parquet(f"{out}/places")
        clock.lap("places")
        # each file in input order (rasd ingest --events merges the files by it)
        res.filter(F.col("kind") != "bad").drop("events", "places", "reason").sortWithinPartitions(*ordinal) \
            .write.parquet(f"{out}/articles")
        clock.lap("articles")
        error_list = []
        if count["bad"] or count["failed"]:
            errors = (res.filter(F.col("kind") != "article")
                      .select(*ordinal, "where", "kind", F.coalesce("reason", "error").alias("reason"))
                      .coalesce(1).sortWithinPartitions(*ordinal))
            errors.write.json(f"{out}/errors")
            error_list = [r.asDict() for r in errors.limit(100).collect()]
        clock.lap("errors")

        art = kinds.get("article")
        summary = {"inputs": list(inputs), "output": output, "master": sc.master, "partitions": n,
                   "articles": count["article"], "failed": count["failed"], "bad": count["bad"] + len(missing),
                   "events": art["events"] if art else 0, "places": art["places"] if art else 0}
        if merge:
            firsts = good.groupBy("article_key", "text_hash").agg(F.min(F.struct(*ordinal)).alias("o"))
            keep = firsts.groupBy("article_key").agg(F.max("o").alias("o"))
            chosen = good.withColumn("o", F.struct(*ordinal)).join(keep, ["article_key", "o"])
            merged_rdd = (chosen.select("article_key", "outlet", "url", "doc").rdd.map(lambda r: r.asDict())
                          .flatMap(_raws_of).groupByKey(max(1, min(n, 16))).mapPartitions(_merge_partition))
            merged = spark.createDataFrame(merged_rdd, merged_schema, verifySchema=False) \
                .persist(StorageLevel.MEMORY_AND_DISK)
            merged.repartition("country_code", "month").write.partitionBy("country_code", "month") \
                .parquet(f"{out}/merged")
            summary.update(distinct_articles=art["keys"] if art else 0, merged_events=merged.count())
            merged.unpersist()
            clock.lap("merge")
        res.unpersist()
        secs = time.perf_counter() - t0
        summary.update(seconds=round(secs, 2), phases=clock.phases,
                       articles_per_second=round(summary["articles"] / secs, 1) if secs else None,
                       extract_articles_per_second=round(summary["articles"] / clock.phases["read_extract"], 1),
                       errors=[{"where": p, "kind": "bad", "reason": "no such file or directory"}
                               for _, p in missing] + [
                           {"where": e["where"], "kind": e["kind"], "reason": e["reason"]} for e in error_list])
        _write_text(spark, f"{out}/summary.json", json.dumps(summary, ensure_ascii=False, indent=1) + "\n")
        return summary
    finally:
        if own:
            spark.stop()


# --------------------------------------------------------------------------- command line

def add_arguments(p: argparse.ArgumentParser) -> None:
    from rasd.io import MAX_CHARS

    p.add_argument("inputs", metavar="INPUT", nargs="+",
                   help="files or directories (local, hdfs://, s3a://): JSON Lines (.gz/.xz/.bz2), JSON, "
                        "Parquet, WARC, HTML, feeds, text")
    p.add_argument("output", metavar="OUTPUT", help="output directory (events/, places/, merged/, articles/, "
                                                   "errors/, summary.json)")
    p.add_argument("--master", metavar="URL", help="local[*] (default), local[N], spark://HOST:PORT, yarn, ...; "
                                                   "under spark-submit, its --master")
    p.add_argument("--partitions", metavar="N", type=int,
                   help="partitions the articles are spread over (default: 4 per core)")
    p.add_argument("--overwrite", action="store_true", help="replace OUTPUT if it exists")
    p.add_argument("--no-merge", action="store_true", help="do not write merged/ (the cross-article merge)")
    p.add_argument("--published", metavar="DATE", help="publication date for inputs that give none")
    p.add_argument("--outlet", metavar="NAME", help="outlet for inputs that name none")
    p.add_argument("--max-chars", metavar="N", type=int, default=MAX_CHARS,
                   help=f"cut longer articles with a warning (default {MAX_CHARS:,})")
    p.add_argument("--json", action="store_true", help="print the summary as JSON on stdout")


def command(args: argparse.Namespace, say=lambda m: print(f"rasd: {m}", file=sys.stderr)) -> int:
    """Run from parsed arguments; 0 when articles were processed, 1 when none, 3 when the pipeline failed."""
    if args.partitions is not None and args.partitions < 1:
        say("error: --partitions must be a positive number")
        return 2
    try:
        s = run(args.inputs, args.output, master=args.master, partitions=args.partitions,
                overwrite=args.overwrite, merge=not args.no_merge, published=args.published,
                outlet=args.outlet, max_chars=args.max_chars, say=say)
    except SparkError as e:
        say(f"error: {e}")
        return 1
    except Exception as e:   # the cluster, a file system or the JVM failed: say so in one line
        if os.environ.get("RASD_DEBUG"):
            raise
        first = (str(e).strip().splitlines() or [""])[0][:500]
        say(f"error: the Spark job failed ({type(e).__name__}: {first}); RASD_DEBUG=1 shows the traceback")
        return 1
    rate = s["articles_per_second"]
    say(f"spark ({s['master']}, {s['partitions']} partitions): {s['articles']} articles, {s['bad']} bad inputs, "
        f"{s['failed']} failed; {s['events']} events, {s['places']} places"
        + (f"; merged: {s['distinct_articles']} distinct articles -> {s['merged_events']} events"
           if "merged_events" in s else "")
        + f"; {s['seconds']:.1f} s ({rate} articles/s; Spark start {s['phases']['session']:.1f} s, reading and extracting "
        f"{s['phases']['read_extract']:.1f} s) -> {args.output}")
    for e in s["errors"][:20]:
        say(f"  {e['where']}: {e['reason']}")
    if len(s["errors"]) > 20 or s["bad"] + s["failed"] > len(s["errors"]):
        say(f"  ... all of them in {args.output}/errors/")
    if args.json:
        print(json.dumps(s, ensure_ascii=False))
    if s["failed"]:
        return 3
    return 0 if s["articles"] else 1


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog=PROG, description="Rasd on Apache Spark: extract, place and merge events "
                                                       "from article archives (see rasd.scale.spark).")
    add_arguments(p)
    return command(p.parse_args(argv))


if __name__ == "__main__":     # spark-submit path/to/rasd/scale/spark.py ...
    raise SystemExit(main())
