"""Rows of the Spark job, in plain Python (no Spark here: the executors run this code).

* :func:`read_items` -- one input file (its bytes, as Spark hands them over)
  -> items: the articles in it and its bad records, read by the very readers
  of ``rasd ingest`` (:class:`rasd.ingest.Reader`), each with its ordinal
  (input, file, item number) so that "input order" means what it means in one
  process.
* :func:`extract_item` -- an item -> a result row: the article, its identity
  (``article_key``, ``text_hash``), the document ``rasd extract`` prints, and
  its events and places as rows; the pipeline is the process's one
  (``rasd.get_pipeline``), built once per Python worker and kept while Spark
  reuses the worker.
* :func:`raw_from_event` / :func:`merge_group` -- the store's merge
  (``rasd.store.merge``: ``Raw``, ``group()``, ``summarize()``) on one group of
  raw events, giving rows with the columns of ``rasd export``
  (``rasd.export.rows``).
* :func:`event_json` -- an ``events`` row back to the JSON object ``rasd
  extract`` prints for that event.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from datetime import date
from types import SimpleNamespace
from typing import Iterable, Iterator

ITEM_FIELDS = ("input_index", "input_file", "input_item", "kind", "where", "reason", "text", "doc_id",
               "outlet", "url", "title", "published", "read_warnings")
ACTOR_FIELDS = ("name", "canonical", "inter", "country")
PLACE_FIELDS = ("name", "country", "admin1", "admin1_code", "admin2", "lat", "lon", "geonameid",
                "geo_precision", "kind", "unresolved")
PLACE_OPTIONAL = ("admin2", "geonameid", "kind", "unresolved")     # Place.as_json leaves them out when unset
COUNT_FIELDS = ("fatalities_text", "injuries_text", "children_killed", "women_killed", "children_injured",
                "women_injured")
EVENT_FIELDS = ("event_type", "sub_event_type", "date_start", "date_end", "time_precision", "actor1",
                "actor2", "location", "civilian_targeting", "fatalities", "injuries", *COUNT_FIELDS,
                "reported_by", "evidence", "evidence_start", "evidence_end", "spans")


def local_name(uri: str) -> str:
    """``file:/a/b.jsonl`` -> ``/a/b.jsonl``; other URIs (hdfs://, s3a://) as they are."""
    if uri.startswith("file://"):
        return uri[len("file://"):]
    if uri.startswith("file:"):
        return uri[len("file:"):]
    return uri


# --------------------------------------------------------------------------- reading

def read_items(input_index: int, uri: str, data: bytes, reader_opts: dict) -> Iterator[dict]:
    """The articles and bad records of one input file (``data``: its bytes) as item dicts."""
    from ..ingest import Reader
    from ..io import Skipped

    path = local_name(uri)
    tmp = tempfile.mkdtemp(prefix="rasd-spark-")
    try:
        local = os.path.join(tmp, path.rstrip("/").rsplit("/", 1)[-1] or "input")   # the same name: same ids
        with open(local, "wb") as fh:
            fh.write(data)
        for n, it in enumerate(Reader(**reader_opts).read_file(local), 1):
            where = path + it.where[len(local):] if it.where.startswith(local) else it.where
            row = dict.fromkeys(ITEM_FIELDS)
            row.update(input_index=input_index, input_file=path, input_item=n, where=where)
            if isinstance(it, Skipped):
                row.update(kind="bad", reason=it.reason.replace(local, path))
            else:
                pub = it.published
                row.update(kind="article", text=it.text, doc_id=it.doc_id, outlet=it.outlet, url=it.url,
                           title=it.title, published=pub if pub is None or isinstance(pub, str) else str(pub),
                           read_warnings=list(it.warnings))
            yield row
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# --------------------------------------------------------------------------- extracting

def _date(v) -> date | None:
    return v if v is None or isinstance(v, date) else date.fromisoformat(str(v)[:10])


def _pick(d: dict | None, fields: tuple) -> dict | None:
    return {k: d.get(k) for k in fields} if d else None


def event_row(e: dict) -> dict:
    """An event of ``Document.to_json()`` as a row of the ``events`` dataset (without its article)."""
    spans = dict(e.get("spans") or {})
    ev = spans.get("evidence") or (None, None)
    row = {k: e.get(k) for k in EVENT_FIELDS}
    row.update(date_start=_date(e["date_start"]), date_end=_date(e["date_end"]),
               actor1=_pick(e.get("actor1"), ACTOR_FIELDS), actor2=_pick(e.get("actor2"), ACTOR_FIELDS),
               location=_pick(e.get("location"), PLACE_FIELDS), reported_by=list(e.get("reported_by") or []),
               evidence_start=ev[0], evidence_end=ev[1],
               spans=json.dumps(spans, ensure_ascii=False) if "spans" in e else None)
    return row


def place_row(p: dict) -> dict:
    """A place of ``Document.to_json()`` as a row of the ``places`` dataset (without its article)."""
    row = {k: p.get(k) for k in PLACE_FIELDS}
    span = p.get("span") or (None, None)
    row.update(span_start=span[0], span_end=span[1])
    return row


def extract_item(item: dict) -> dict:
    """An item -> a result row (bad records pass through); the pipeline is this process's one."""
    from .. import __version__
    from ..ingest.identity import article_key, text_hash
    from ..store.loader import _extract

    row = dict(item, article_key=None, text_hash=None, published_date=None, warnings=None, doc=None,
               n_events=0, extractor=__version__, error=None, events=[], places=[])
    if item["kind"] != "article":
        return row
    text = item["text"]
    row.update(article_key=article_key(item["url"], text), text_hash=text_hash(text))
    meta = {k: item[k] for k in ("doc_id", "outlet", "url", "title", "published")}
    res = _extract((text, meta, list(item["read_warnings"] or ())))   # what `rasd ingest` does per article
    if not res["ok"]:
        row.update(kind="failed", error=res["error"])
        return row
    doc = res["doc"]
    row.update(published_date=_date(res["published_date"]), warnings=res["warnings"],
               doc=json.dumps(doc, ensure_ascii=False), n_events=len(doc["events"]),
               events=[event_row(e) for e in doc["events"]], places=[place_row(p) for p in doc["places"]])
    return row


def event_json(row: dict) -> dict:
    """A row of the ``events`` dataset -> the event as ``rasd extract`` prints it."""
    d = {k: row[k] for k in ("event_type", "sub_event_type", "date_start", "date_end", "time_precision",
                             "civilian_targeting", "fatalities", "injuries", "reported_by", "evidence")}
    d["date_start"], d["date_end"] = str(d["date_start"]), str(d["date_end"])
    d["reported_by"] = list(d["reported_by"] or [])
    for k in ("actor1", "actor2"):
        a = row[k]
        d[k] = {x: a[x] for x in ACTOR_FIELDS if x != "country" or a[x]} if a else None
    loc = row["location"]
    d["location"] = {k: v for k, v in dict(loc).items() if k not in PLACE_OPTIONAL or v} if loc else None
    for k in COUNT_FIELDS:
        if row[k] is not None:
            d[k] = row[k]
    if row["spans"] is not None:
        d["spans"] = json.loads(row["spans"])
    return d


# --------------------------------------------------------------------------- merging

def _side(a: dict | None):
    """A side as the store keeps it (``Store.actor_id``): no inter is 'external', no canonical is the name."""
    from ..store.merge import Side

    if not a:
        return None, None
    s = Side(a.get("inter") or "external", a.get("country"), a.get("canonical") or a.get("name") or "",
             a.get("name"))
    return s, f"{s.inter}|{s.country or ''}|{s.canonical}"


def raw_from_event(article_key: str, outlet: str | None, url: str | None, idx: int, e: dict):
    """One article's event (``Document.to_json()``) as the store's merge sees it once stored."""
    from ..store.merge import Raw, place_identity
    from ..store.repository import Store

    loc = e.get("location") or {}
    (s1, k1), (s2, k2) = _side(e.get("actor1")), _side(e.get("actor2"))
    kind = (loc.get("kind") or "settlement") if loc else None
    data = {k: e.get(k) for k in ("fatalities", "injuries", "fatalities_text", "children_killed",
                                  "women_killed", "children_injured", "women_injured")}
    data.update(civilian_targeting=bool(e.get("civilian_targeting")), evidence=e.get("evidence") or "",
                actor1_id=k1, actor1_name=(e.get("actor1") or {}).get("name"),
                actor2_id=k2, actor2_name=(e.get("actor2") or {}).get("name"),
                place_id=Store.place_key(loc) if loc else None, country=loc.get("country"),
                admin1=loc.get("admin1"), outlet=outlet, reported_by=list(e.get("reported_by") or []),
                url=url, place=(loc.get("admin2"), loc.get("admin1_code"), loc.get("geonameid"), kind))
    return Raw(key=f"{article_key}#{idx}", article=article_key, event_type=e["event_type"],
               sub_event_type=e["sub_event_type"], date_start=_date(e["date_start"]),
               date_end=_date(e["date_end"]), time_precision=e.get("time_precision") or 1,
               lat=loc.get("lat"), lon=loc.get("lon"), geo_precision=loc.get("geo_precision"),
               place=place_identity(kind, loc.get("geo_precision"), loc.get("country"), loc.get("admin1_code"),
                                    loc.get("geonameid"), loc.get("name")),
               location_name=loc.get("name"), actor1=s1, actor2=s2, data=data)


def merged_row(cluster) -> dict:
    """A cluster -> the row ``rasd export`` writes for the event (``rows.COLUMNS``), + members, partitions."""
    from ..export.parquet import _value
    from ..export.rows import _record, flat
    from ..store.merge import summarize

    s = summarize(cluster)
    members = sorted(cluster.members, key=lambda m: m.order)
    sides = {m.data[f"actor{i}_id"]: getattr(m, f"actor{i}") for m in members for i in (1, 2)}
    where = next((m for m in members if m.data["place_id"] == s["place_id"]), None)
    admin2, admin1_code, geonameid, kind = where.data["place"] if where and s["place_id"] else (None,) * 4
    a1, a2 = sides.get(s["actor1_id"]), sides.get(s["actor2_id"])
    r = SimpleNamespace(**s, a1_canonical=a1 and a1.canonical, a1_inter=a1 and a1.inter,
                        a1_country=a1 and a1.country, a2_canonical=a2 and a2.canonical,
                        a2_inter=a2 and a2.inter, a2_country=a2 and a2.country, p_admin2=admin2,
                        p_admin1_code=admin1_code, p_geonameid=geonameid, p_kind=kind)
    rec = flat(_record(r, [{"url": m.data["url"], "evidence": m.data["evidence"]} for m in members]))
    row = {c: _value(c, v) for c, v in rec.items()}
    row.update(source_keys=[m.key for m in members], country_code=s["country"],
               month=row["event_date"].isoformat()[:7])
    return row


def merge_group(raws: Iterable) -> Iterator[dict]:
    """The store's grouping over raw events no merge can join to any outside them (here: one event type)."""
    from ..store.merge import group

    for c in group(raws):
        yield merged_row(c)
