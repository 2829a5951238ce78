"""``rasd serve`` as a real process: it starts, answers over HTTP (httpx), enforces the token,
and refuses to listen on a non-local address without a token (exit 2, before opening anything).

The store: the first 20 real articles of tests/fixtures/corpus_sample.jsonl (ANT corpus v2.1),
ingested with ``rasd ingest``.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

SAMPLE = Path(__file__).parent / "fixtures" / "corpus_sample.jsonl"


def _rasd(*args, env=None, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "rasd", *args], capture_output=True, text=True,
                          env=env, timeout=300, **kw)


def _env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("RASD_TOKEN", "RASD_DB")}
    env.update(extra)
    return env


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("serve")
    part = d / "twenty.jsonl"
    part.write_text("".join(SAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)[:20]), encoding="utf-8")
    path = d / "serve.db"
    r = _rasd("ingest", str(part), "--db", str(path), "--no-progress", env=_env())
    assert r.returncode == 0, r.stderr
    return path


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.7", "example.org"])
def test_non_local_address_without_token_is_refused(host, tmp_path):
    path = tmp_path / "never.db"
    r = _rasd("serve", "--host", host, "--port", str(_free_port()), "--db", str(path), env=_env())
    assert r.returncode == 2
    assert "refusing to listen" in r.stderr and "--token" in r.stderr and "Traceback" not in r.stderr
    assert not path.exists()          # refused before anything was opened


def test_serve_answers_over_http(db):
    port = _free_port()
    token = "process-token-1"
    proc = subprocess.Popen([sys.executable, "-m", "rasd", "serve", "--db", str(db), "--port", str(port),
                             "--log-level", "warning"], env=_env(RASD_TOKEN=token),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/api/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert proc.poll() is None, proc.communicate()[1]
            assert time.monotonic() < deadline, "rasd serve did not start in 60 s"
            time.sleep(0.2)
        with httpx.Client(base_url=base, timeout=30) as c:
            h = c.get("/api/health").json()
            assert h["ok"] and h["events"] > 0 and h["writes"] is True
            ev = c.get("/api/events", params={"limit": 5}).json()
            assert ev["total"] == h["events"] and len(ev["events"]) == min(5, h["events"])
            eid = ev["events"][0]["event_id"]
            d = c.get(f"/api/events/{eid}").json()
            assert d["sources"] and c.get(f"/api/articles/{d['sources'][0]['article_id']}").status_code == 200
            assert c.get("/api/events", params={"format": "geojson"}).json()["type"] == "FeatureCollection"
            assert c.get("/api/stats").json()["total"] == h["events"]
            page = c.get("/")
            assert page.status_code == 200 and "default-src 'self'" in page.headers["content-security-policy"]
            assert c.get("/docs").status_code == 200 and c.get("/openapi.json").status_code == 200
            body = {"field": "fatalities", "value": 1, "coder": "t"}
            assert c.post(f"/api/events/{eid}/corrections", json=body).status_code == 401
            assert c.post(f"/api/events/{eid}/corrections", json=body,
                          headers={"Authorization": "Bearer nope"}).status_code == 401
            r = c.post(f"/api/events/{eid}/corrections", json=body, headers={"Authorization": f"Bearer {token}"})
            assert r.status_code == 200 and r.json()["fatalities"] == 1
    finally:
        _stop(proc)
    # the correction is in the store, and in what rasd export writes
    r = _rasd("export", "--db", str(db), "--format", "jsonl", env=_env())
    assert r.returncode == 0
    import json

    row = next(json.loads(x) for x in r.stdout.splitlines() if json.loads(x)["event_id"] == eid)
    assert row["fatalities"] == 1


def test_serve_with_a_token_may_listen_on_all_addresses(db):
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "rasd", "serve", "--db", str(db), "--host", "0.0.0.0",
                             "--port", str(port), "--token", "t0k", "--log-level", "warning"], env=_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2)
                if r.status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert proc.poll() is None, proc.communicate()[1]
            assert time.monotonic() < deadline
            time.sleep(0.2)
        assert r.json()["writes"] is True
    finally:
        _stop(proc)
