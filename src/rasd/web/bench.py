"""``rasd bench-serve``: how fast the API answers the page's requests over a large store.

    rasd bench-serve --db /tmp/rasd-50k.db --events 50000

1. Build (when the store holds fewer than ``--events`` events, or with
   ``--build``): ingest a real corpus (default: the ANT 2018 conflict corpus in
   /work/shared/data/corpus when present, else the bundled test sample) with
   the real pipeline and merge, then synthesise the rest by cloning the real
   events, ``k`` times over: each clone is a copy of an event and of its
   sources (same article, evidence and spans), its dates shifted by ``k``
   weeks and its point moved by up to ±0.25° (deterministic), with an id of
   its own (``synthetic:k:`` before the anchor key) and the same search
   entries.  The clones are real rows of every table the API reads; only
   their dates and places are made up.
2. Measure: start the application with uvicorn on a free local port and send,
   over HTTP (httpx), for each of a set of typical filters, the three requests
   the page makes when a filter changes: the table's first page
   (``/api/events?...&limit=50``), the map's points
   (``/api/events?...&format=geojson``, every matching event) and the
   histogram (``/api/stats?...``); ``--repeat`` times each.  Prints p50/p95 per
   request and per filter change, twice: the three one after the other (an
   upper bound) and the three at once, as the page sends them (the time until
   the last answer); and the event and article views.  Then the same answers
   in process without HTTP, in CPU time as well as wall time: on a shared
   machine, other work inflates wall times, CPU time much less.
"""
from __future__ import annotations

import hashlib
import json
import os
import socket
import statistics
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Callable

DEFAULT_CORPUS = Path("/work/shared/data/corpus/ant-2018-conflict.jsonl")
SAMPLE = Path(__file__).resolve().parents[3] / "tests" / "fixtures" / "corpus_sample.jsonl"


def _jitter(key: str) -> tuple[float, float]:
    h = hashlib.sha1(key.encode("utf-8")).digest()
    return (h[0] / 255 - 0.5) * 0.5, (h[1] / 255 - 0.5) * 0.5


def synthesise(store, target: int, say: Callable[[str], None]) -> int:
    """Clone the store's real events until it holds ``target`` events; returns how many were added."""
    from sqlalchemy import func, select, text

    from ..store.merge import event_id_for
    from ..store.schema import event_search, event_sources, events
    from ..store.search import feature

    with store.read() as conn:
        have = conn.execute(select(func.count()).select_from(events)).scalar()
    if have >= target:
        return 0
    pg = store.dialect == "postgresql"
    with store.write(lock="merge") as conn:
        base = [dict(r._mapping) for r in conn.execute(
            select(events).where(~events.c.anchor_key.like("synthetic:%")).order_by(events.c.event_id))]
        if not base:
            raise RuntimeError("no events to clone: the corpus gave none")
        srcs: dict[str, list[dict]] = {}
        for r in conn.execute(select(event_sources).where(event_sources.c.event_id.is_not(None))):
            srcs.setdefault(r.event_id, []).append(dict(r._mapping))
        search = {r.event_id: dict(r._mapping) for r in conn.execute(select(event_search))}
        fts = {}
        if not pg:
            fts = {r[0]: r[1] for r in conn.execute(text("SELECT rowid, body FROM event_fts"))}
        k = 1 + conn.execute(select(func.count()).select_from(events)
                             .where(events.c.anchor_key.like("synthetic:%"))).scalar() // len(base)
        added = 0
        while have + added < target:
            ev_rows, src_rows, s_rows, f_rows = [], [], [], []
            for e in base:
                if have + added >= target:
                    break
                anchor = f"synthetic:{k}:{e['anchor_key']}"
                eid = event_id_for(anchor)
                shift = timedelta(days=7 * k)
                dlat, dlon = _jitter(anchor)
                row = {c: v for c, v in e.items() if c != "geog"}
                row.update(event_id=eid, anchor_key=anchor, date_start=e["date_start"] + shift,
                           date_end=e["date_end"] + shift, status="active", original=None)
                if e["lat"] is not None and e["lon"] is not None:
                    row["lat"] = max(-90.0, min(90.0, e["lat"] + dlat))
                    row["lon"] = max(-180.0, min(180.0, e["lon"] + dlon))
                row["feature"] = feature(row)
                row["rid"] = int(eid[1:], 16)
                ev_rows.append(row)
                for s in srcs.get(e["event_id"], ()):
                    c = {col: v for col, v in s.items() if col not in ("id", "geog")}
                    c.update(source_key=f"synthetic:{k}:{s['source_key']}", event_id=eid,
                             idx=s["idx"] + 100_000 * k, date_start=s["date_start"] + shift,
                             date_end=s["date_end"] + shift)
                    src_rows.append(c)
                se = search.get(e["event_id"])
                if se is not None:
                    s_rows.append({**{c: v for c, v in se.items() if c != "tsv"}, "event_id": eid})
                    if not pg:
                        f_rows.append({"rid": int(eid[1:], 16), "body": fts.get(int(e["event_id"][1:], 16), "")})
                added += 1
            conn.execute(events.insert(), ev_rows)
            if src_rows:
                conn.execute(event_sources.insert(), src_rows)
            if s_rows:
                if pg:
                    conn.execute(text("INSERT INTO event_search (event_id, actors, body, tsv) VALUES (:event_id, "
                                      ":actors, :body, array_to_tsvector(string_to_array(:body, ' ')))"), s_rows)
                else:
                    conn.execute(event_search.insert(), s_rows)
                    conn.execute(text("INSERT INTO event_fts (rowid, body) VALUES (:rid, :body)"), f_rows)
                    conn.execute(text("INSERT INTO actor_fts (rowid, actors) VALUES (:rid, :actors)"),
                                 [{"rid": f["rid"], "actors": r["actors"] or ""} for f, r in zip(f_rows, s_rows)])
            say(f"synthesised copy {k}: {have + added} events")
            k += 1
    if store.dialect == "sqlite":
        with store.engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
    else:       # VACUUM too: index-only scans need the visibility map of the rows just written
        with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    return added


def build(store, target: int, corpus: list[str], workers: int, say: Callable[[str], None]) -> None:
    from sqlalchemy import func, select

    from ..store.loader import ingest
    from ..store.schema import events

    with store.read() as conn:
        real = conn.execute(select(func.count()).select_from(events)
                            .where(~events.c.anchor_key.like("synthetic:%"))).scalar()
    if not real:
        say(f"ingesting {', '.join(corpus)} ({workers} workers)")
        rep = ingest(store, corpus, workers=workers, say=say)
        say(f"ingested {rep.read} articles, {rep.raw_events} raw events -> "
            f"{rep.merge.events if rep.merge else '?'} events in {rep.seconds:.1f} s")
    n = synthesise(store, target, say)
    say(f"synthesised {n} events")


# --------------------------------------------------------------------------- measuring

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _scenarios(client) -> list[tuple[str, dict]]:
    """Typical filters, from what the store holds (its commonest country, governorate, type, word)."""
    f = client.get("/api/facets").json()
    country = f["countries"][0][0] if f["countries"] else "SY"
    admin1 = next((a for c, a, _ in f["admin1"] if c == country), None)
    etype = f["event_types"][0][0] if f["event_types"] else "Battles"
    sub = f["sub_event_types"][0][1] if f["sub_event_types"] else None
    outlet = f["outlets"][0][0] if f["outlets"] else None
    days = client.get("/api/stats").json()["by_day"]
    mid = days[len(days) // 2][0] if days else "2018-06-01"
    y = int(mid[:4])
    out = [("no filter", {}),
           ("country", {"country": country}),
           ("country + governorate", {"country": country, "admin1": admin1} if admin1 else {"country": country}),
           ("event type", {"event_type": etype}),
           ("date range (1 year)", {"date_from": f"{y}-01-01", "date_to": f"{y}-12-31"}),
           ("text q=قصف", {"q": "قصف"}),
           ("actor=قوات", {"actor": "قوات"}),
           ("outlet", {"outlet": outlet} if outlet else {}),
           ("bbox (Syria)", {"bbox": "35.5,32.3,42.4,37.3"}),
           ("combined", {"country": country, "sub_event_type": sub, "date_from": f"{y}-01-01",
                         "date_to": f"{y + 2}-12-31", "q": "قتلى"} if sub else {"country": country, "q": "قتلى"})]
    return out


def _forget(app) -> None:
    """Every round is a filter never seen before: the server's memo of full-text matches (one
    search per filter change instead of one per query) starts empty."""
    if getattr(app.state, "matches", None) is not None:
        app.state.matches.clear()


def _cpu_pass(store, scenarios: list[tuple[str, dict]], repeat: int, memo=None) -> dict:
    """The same three answers per filter computed in this process, without HTTP: CPU time (which
    other work on the machine does not inflate the way it does wall time) and wall time."""
    from . import queries
    from .app import filters as parse

    cpu: list[float] = []
    wall: list[float] = []
    for _, params in scenarios:
        p = {k: ([v] if k in ("country", "admin1", "event_type", "sub_event_type", "outlet") else v)
             for k, v in params.items()}
        f = parse(**p)
        for i in range(repeat + 1):
            if memo is not None:
                memo.clear()
            c0, t0 = time.process_time(), time.perf_counter()
            with store.read() as conn:
                json.dumps(queries.list_events(conn, f, limit=50, memo=memo), ensure_ascii=False)
                queries.geojson(conn, f, memo=memo)
                json.dumps(queries.stats(conn, f, memo), ensure_ascii=False)
            if i:
                cpu.append((time.process_time() - c0) * 1000)
                wall.append((time.perf_counter() - t0) * 1000)
    return {"cpu_p50": _pct(cpu, 50), "cpu_p95": _pct(cpu, 95), "wall_p50": _pct(wall, 50),
            "wall_p95": _pct(wall, 95)}


def _pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    if not xs:
        return 0.0
    i = min(len(xs) - 1, max(0, round(p / 100 * (len(xs) - 1))))
    return xs[i]


def measure(db: str, repeat: int, say: Callable[[str], None]) -> dict:
    import httpx
    import uvicorn

    from .app import create_app

    app = create_app(db, token="")
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    th = threading.Thread(target=server.run, daemon=True)
    th.start()
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=60) as client:
            for _ in range(200):
                try:
                    if client.get("/api/health").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.05)
            total = client.get("/api/health").json()["events"]
            results = []
            all_changes: list[float] = []
            all_parallel: list[float] = []
            from concurrent.futures import ThreadPoolExecutor

            pool = ThreadPoolExecutor(3)
            clients = [httpx.Client(base_url=base, timeout=60) for _ in range(3)]
            per_kind: dict[str, list[float]] = {"table": [], "map": [], "stats": []}
            for name, params in _scenarios(client):
                params = {k: v for k, v in params.items() if v is not None}
                reqs = {"table": ("/api/events", {**params, "limit": 50}),
                        "map": ("/api/events", {**params, "format": "geojson", "limit": 100000}),
                        "stats": ("/api/stats", params)}
                times: dict[str, list[float]] = {k: [] for k in reqs}
                changes = []
                parallel: list[float] = []
                matched = None
                for i in range(repeat + 1):        # the first round warms caches and is not counted
                    change = 0.0
                    _forget(app)
                    for kind, (path, p) in reqs.items():
                        t0 = time.perf_counter()
                        r = client.get(path, params=p)
                        dt = (time.perf_counter() - t0) * 1000
                        if r.status_code != 200:
                            raise RuntimeError(f"{path} {p}: HTTP {r.status_code} {r.text[:200]}")
                        if kind == "table":
                            matched = r.json()["total"]
                        if i:
                            times[kind].append(dt)
                        change += dt
                    if i:
                        changes.append(change)
                    # the page sends the three at once: the time until the last answer
                    _forget(app)
                    t0 = time.perf_counter()
                    futs = [pool.submit(clients[j].get, path, params=p) for j, (path, p) in enumerate(reqs.values())]
                    for fu in futs:
                        fu.result()
                    if i:
                        parallel.append((time.perf_counter() - t0) * 1000)
                for k, v in times.items():
                    per_kind[k] += v
                all_changes += changes
                all_parallel += parallel
                results.append({"filter": name, "params": params, "matched": matched,
                                **{f"{k}_p50": _pct(v, 50) for k, v in times.items()},
                                **{f"{k}_p95": _pct(v, 95) for k, v in times.items()},
                                "change_p50": _pct(changes, 50), "change_p95": _pct(changes, 95),
                                "parallel_p50": _pct(parallel, 50), "parallel_p95": _pct(parallel, 95)})
                say(f"{name}: {matched} events, filter change p50 {_pct(changes, 50):.0f} ms in turn, "
                    f"{_pct(parallel, 50):.0f} ms at once")
            ev = client.get("/api/events", params={"limit": 20}).json()["events"]
            detail, art = [], []
            for e in ev:
                t0 = time.perf_counter()
                d = client.get(f"/api/events/{e['event_id']}").json()
                detail.append((time.perf_counter() - t0) * 1000)
                if d["sources"]:
                    t0 = time.perf_counter()
                    client.get(f"/api/articles/{d['sources'][0]['article_id']}")
                    art.append((time.perf_counter() - t0) * 1000)
            pool.shutdown()
            for c in clients:
                c.close()
            cpu = _cpu_pass(app.state.store, [(r["filter"], r["params"]) for r in results], repeat,
                            app.state.matches)
    finally:
        server.should_exit = True
        th.join(timeout=10)
        app.state.store.close()
    return {"events": total, "repeat": repeat, "scenarios": results, "cpus": os.cpu_count(),
            "load_average": [round(x, 1) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None,
            "dialect": app.state.store.dialect,
            "overall": {"change_p50": _pct(all_changes, 50), "change_p95": _pct(all_changes, 95),
                        "parallel_p50": _pct(all_parallel, 50), "parallel_p95": _pct(all_parallel, 95),
                        **{f"{k}_p50": _pct(v, 50) for k, v in per_kind.items()},
                        **{f"{k}_p95": _pct(v, 95) for k, v in per_kind.items()}},
            "in_process": cpu,
            "event_view_p50": _pct(detail, 50), "event_view_p95": _pct(detail, 95),
            "article_view_p50": _pct(art, 50), "article_view_p95": _pct(art, 95)}


def report(fig: dict) -> str:
    lines = [f"rasd bench-serve: {fig['events']:,} events ({fig['dialect']}); {fig['repeat']} rounds per filter; "
             "times in ms over HTTP (p50 / p95)",
             f"machine: {fig['cpus']} CPUs, load average {fig['load_average']} at the end (other work slows "
             "every figure)", "",
             f"{'filter':24} {'matched':>7} {'table':>11} {'map (geojson)':>13} {'stats':>11} "
             f"{'change, in turn':>15} {'change, at once':>15}"]
    for r in fig["scenarios"]:
        lines.append(f"{r['filter']:24} {r['matched']:>7} "
                     f"{r['table_p50']:>5.0f} / {r['table_p95']:<3.0f} {r['map_p50']:>6.0f} / {r['map_p95']:<4.0f} "
                     f"{r['stats_p50']:>5.0f} / {r['stats_p95']:<3.0f} {r['change_p50']:>8.0f} / {r['change_p95']:<4.0f} "
                     f"{r['parallel_p50']:>8.0f} / {r['parallel_p95']:<4.0f}")
    o = fig["overall"]
    lines += ["", f"all filters: table {o['table_p50']:.0f} / {o['table_p95']:.0f}, map {o['map_p50']:.0f} / "
                  f"{o['map_p95']:.0f}, stats {o['stats_p50']:.0f} / {o['stats_p95']:.0f}; "
                  f"filter change: the three in turn {o['change_p50']:.0f} / {o['change_p95']:.0f}, "
                  f"at once (as the page sends them) {o['parallel_p50']:.0f} / {o['parallel_p95']:.0f}",
              f"in process, no HTTP, all filters: a filter change's three answers take "
              f"{fig['in_process']['cpu_p50']:.0f} / {fig['in_process']['cpu_p95']:.0f} ms of CPU time "
              f"({fig['in_process']['wall_p50']:.0f} / {fig['in_process']['wall_p95']:.0f} ms wall)",
              f"event view {fig['event_view_p50']:.0f} / {fig['event_view_p95']:.0f}; "
              f"article view {fig['article_view_p50']:.0f} / {fig['article_view_p95']:.0f}"]
    return "\n".join(lines)


def run(db: str | None, events: int = 50_000, corpus: list[str] | None = None, build_db: bool = False,
        workers: int = 2, repeat: int = 10, as_json: bool = False,
        say: Callable[[str], None] = lambda m: print(f"rasd: {m}", file=sys.stderr)) -> int:
    from sqlalchemy import func, select

    from ..store import Store
    from ..store.schema import events as events_t

    db = db or os.environ.get("RASD_DB") or "rasd-bench.db"
    corpus = corpus or [str(DEFAULT_CORPUS if DEFAULT_CORPUS.is_file() else SAMPLE)]
    store = Store(db)
    try:
        with store.read() as conn:
            have = conn.execute(select(func.count()).select_from(events_t)).scalar()
        if build_db or have < events:
            build(store, events, corpus, workers, say)
    finally:
        store.close()
    fig = measure(db, repeat, say)
    if as_json:
        print(json.dumps(fig, ensure_ascii=False, indent=1))
    else:
        print(report(fig))
    return 0
