"""The `rasd` command: extract, normalize, bench, --version, and what it does with bad input.

Bad input never gives a traceback: a message ``rasd: error: INPUT: what`` and a
non-zero exit when nothing could be done; a message per skipped line and exit 0
when something was.  Article texts: the bundled example (written for Rasd) and
real sentences from the ANT corpus v2.1 (Al Arabiya, 2018).
"""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
from importlib import resources
from pathlib import Path

import pytest

import rasd
from rasd import cli

from helpers import break_words

EXAMPLES = resources.files("rasd").joinpath("examples")
IDLIB = str(EXAMPLES.joinpath("idlib.txt"))
ARTICLES = str(EXAMPLES.joinpath("articles.jsonl"))
IDLIB_TEXT = Path(IDLIB).read_text(encoding="utf-8")

# ANT corpus, Al Arabiya, ant-AL-internationalNews-1349-20180527
GAZA = "قتل فلسطينيان وأصيب آخر بجروح بالغة، في قصف إسرائيلي على قطاع غزة صباح الأحد."
# ANT corpus, Al Arabiya, ant-AL-internationalNews-1287-20180523
HODEIDAH = ("قتلت عبوة ناسفة زرعتها ميليشيا الحوثي الانقلابية، الثلاثاء، ثلاثة مدنيين، بالقرب من "
            "ميناء الحيمة العسكري بمديرية التحيتا، جنوبي محافظة الحديدة غرب اليمن.")
ENGLISH = ("Five civilians were killed and twelve wounded on Friday in Russian air strikes "
           "on the town of Saraqib in the eastern Idlib countryside, rescuers said.")


def run(capsys, *argv, stdin: bytes | None = None, monkeypatch=None):
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8"))
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def records(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def jsonl(path: Path, recs) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n"
                            for r in recs), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- extract: good input

def test_extract_bundled_example(capsys):
    code, out, err = run(capsys, "extract", IDLIB, "--published", "2019-12-27")
    assert code == 0
    [doc] = records(out)
    assert doc["doc_id"] == "idlib" and doc["published"] == "2019-12-27"
    assert "warnings" not in doc
    events = doc["events"]
    assert len(events) >= 3
    for e in events:                              # every record carries checkable evidence
        s, t = e["spans"]["evidence"]
        assert IDLIB_TEXT[s:t] == e["evidence"]
    # "قُتل خمسة مدنيين ... وأصيب أكثر من 12 ... اليوم الجمعة، جراء غارات جوية ... على مدينة سراقب"
    strikes = [e for e in events if e["sub_event_type"] == "Air/drone strike"
               and e["location"] and "سراقب" in e["location"]["name"]]
    assert strikes, events
    assert strikes[0]["date_start"] == "2019-12-27" and strikes[0]["fatalities"] == 5
    assert strikes[0]["injuries"] == 12
    assert any("سراقب" in p["name"] for p in doc["places"])


def test_extract_jsonl_to_a_file(capsys, tmp_path):
    out_path = tmp_path / "events.jsonl"
    code, out, err = run(capsys, "extract", ARTICLES, "-o", str(out_path))
    assert code == 0 and out == ""
    docs = records(out_path.read_text(encoding="utf-8"))
    assert [d["doc_id"] for d in docs] == ["example-idlib-2019-12-27", "example-daraa-2019-11-14",
                                           "example-protests-2020-01-03"]
    assert docs[1]["published"] == "2019-11-14T10:30:00+02:00"
    assert sum(len(d["events"]) for d in docs) >= 5
    assert "processed 3, skipped 0" in err and str(out_path) in err
    assert sorted(os.listdir(tmp_path)) == ["events.jsonl"]        # no temporary file left


def test_extract_no_spans(capsys):
    code, out, _ = run(capsys, "extract", IDLIB, "--published", "2019-12-27", "--no-spans")
    [doc] = records(out)
    assert doc["events"] and all("spans" not in e for e in doc["events"])
    assert all("span" not in p for p in doc["places"])


def test_extract_stdin_plain_text(capsys, monkeypatch):
    code, out, err = run(capsys, "extract", "-", "--published", "2018-05-27", "--outlet", "alarabia",
                         "--doc-id", "gaza-1", stdin=GAZA.encode(), monkeypatch=monkeypatch)
    assert code == 0
    [doc] = records(out)
    assert (doc["doc_id"], doc["outlet"], doc["published"]) == ("gaza-1", "alarabia", "2018-05-27")
    assert doc["events"] and doc["events"][0]["date_start"] == "2018-05-27"


def test_extract_stdin_jsonl(capsys, monkeypatch):
    data = "\n".join(json.dumps({"doc_id": d, "published": "2018-05-23", "text": t}, ensure_ascii=False)
                     for d, t in (("g", GAZA), ("h", HODEIDAH)))
    code, out, err = run(capsys, "extract", "-", stdin=("\n  " + data).encode(), monkeypatch=monkeypatch)
    assert code == 0
    assert [d["doc_id"] for d in records(out)] == ["g", "h"]
    assert "processed 2, skipped 0" in err


def test_extract_progress_bar_does_not_break_output(capsys, tmp_path):
    p = jsonl(tmp_path / "two.jsonl", [{"text": GAZA}, {"text": HODEIDAH}])
    code, out, err = run(capsys, "extract", str(p), "--progress", "--published", "2018-05-27")
    assert code == 0 and len(records(out)) == 2
    assert "processed 2, skipped 0" in err


def test_extract_windows_1256_file(capsys, tmp_path):
    p = tmp_path / "old.txt"
    p.write_bytes(HODEIDAH.encode("cp1256"))
    code, out, err = run(capsys, "extract", str(p), "--published", "2018-05-23")
    assert code == 0
    assert f"rasd: warning: {p}: not UTF-8: decoded as windows-1256" in err
    [doc] = records(out)
    assert any("windows-1256" in w for w in doc["warnings"])
    utf8 = rasd.extract(HODEIDAH, published="2018-05-23")
    assert [e["event_type"] for e in doc["events"]] == [e.event_type for e in utf8.events]
    assert doc["events"]


def test_extract_broken_words_give_the_same_events(capsys, tmp_path):
    p = tmp_path / "broken.txt"
    p.write_text(break_words(IDLIB_TEXT), encoding="utf-8")
    _, clean_out, _ = run(capsys, "extract", IDLIB, "--published", "2019-12-27", "--no-spans")
    _, broken_out, _ = run(capsys, "extract", str(p), "--published", "2019-12-27", "--no-spans")
    key = lambda d: [(e["event_type"], e["sub_event_type"], e["date_start"], e["fatalities"])
                     for e in d["events"]]
    assert key(records(broken_out)[0]) == key(records(clean_out)[0])


# --------------------------------------------------------------------------- extract: bad input

def test_empty_file_is_an_error(capsys, tmp_path):
    p = tmp_path / "empty.txt"
    p.write_bytes(b"")
    code, out, err = run(capsys, "extract", str(p))
    assert code == 1 and out == ""
    assert err.strip() == f"rasd: error: {p}: empty file (no article to process)"


def test_empty_stdin_is_an_error(capsys, monkeypatch):
    code, out, err = run(capsys, "extract", "-", stdin=b"", monkeypatch=monkeypatch)
    assert code == 1 and "rasd: error: <stdin>: empty file" in err


def test_missing_file_is_an_error(capsys, tmp_path):
    code, out, err = run(capsys, "extract", str(tmp_path / "nope.jsonl"))
    assert code == 1
    assert err.strip() == f"rasd: error: {tmp_path / 'nope.jsonl'}: no such file"


def test_binary_file_is_an_error_naming_the_file(capsys, tmp_path):
    p = tmp_path / "scan.pdf"
    p.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Length 5 >>\nstream\n\x00\x01\x02\xff\x00")
    code, out, err = run(capsys, "extract", str(p))
    assert code == 1 and out == ""
    assert err.startswith(f"rasd: error: {p}: binary file")


def test_non_arabic_article_is_processed_with_a_warning(capsys, tmp_path):
    p = tmp_path / "english.txt"
    p.write_text(ENGLISH, encoding="utf-8")
    code, out, err = run(capsys, "extract", str(p), "--published", "2019-12-27")
    assert code == 0
    [doc] = records(out)
    assert doc["events"] == []
    assert any("not Arabic" in w for w in doc["warnings"])
    assert f"rasd: warning: {p}: text is not Arabic" in err


def test_five_megabyte_article_is_cut_and_finishes(capsys, tmp_path):
    p = tmp_path / "huge.txt"
    reps = 5_000_000 // len(IDLIB_TEXT.encode()) + 1
    p.write_text(IDLIB_TEXT * reps, encoding="utf-8")
    assert p.stat().st_size > 5_000_000
    t0 = time.perf_counter()
    code, out, err = run(capsys, "extract", str(p), "--published", "2019-12-27", "--no-spans")
    elapsed = time.perf_counter() - t0
    assert code == 0
    [doc] = records(out)
    assert any("only the first" in w and "1,000,000" in w for w in doc["warnings"])
    assert "only the first" in err
    assert doc["events"]
    assert elapsed < 120, f"a 5 MB article took {elapsed:.0f} s"


def test_invalid_json_line_is_skipped_and_the_rest_processed(capsys, tmp_path):
    p = jsonl(tmp_path / "mixed.jsonl", [
        {"doc_id": "a", "published": "2018-05-27", "text": GAZA},
        '{"doc_id": "b", "text": "قصف',
        {"doc_id": "c", "published": "2018-05-23", "text": HODEIDAH},
    ])
    code, out, err = run(capsys, "extract", str(p))
    assert code == 0
    assert [d["doc_id"] for d in records(out)] == ["a", "c"]
    assert f"rasd: {p}:2: invalid JSON (" in err
    assert "processed 2, skipped 1" in err


def test_nothing_processable_exits_1_and_writes_no_file(capsys, tmp_path):
    p = jsonl(tmp_path / "bad.jsonl", ["{not json", "[1, 2]", {"title": "no text"}])
    out_path = tmp_path / "out.jsonl"
    out_path.write_text("previous run\n", encoding="utf-8")
    code, out, err = run(capsys, "extract", str(p), "-o", str(out_path))
    assert code == 1
    assert f"{p}:1: invalid JSON" in err
    assert f"{p}:2: expected a JSON object" in err
    assert f"{p}:3: no \"text\" field" in err
    assert f"rasd: error: {p}: no article could be processed (skipped 3)" in err
    assert out_path.read_text(encoding="utf-8") == "previous run\n"     # untouched
    assert sorted(os.listdir(tmp_path)) == ["bad.jsonl", "out.jsonl"]


def test_unknown_date_format_is_a_warning_and_the_article_is_processed(capsys, tmp_path):
    p = jsonl(tmp_path / "dates.jsonl", [{"doc_id": "x", "published": "Pazartesi 27/13", "text": GAZA}])
    code, out, err = run(capsys, "extract", str(p))
    assert code == 0
    assert f"rasd: warning: {p}:1: unknown date format in \"published\": 'Pazartesi 27/13'" in err
    [doc] = records(out)
    assert doc["events"]
    assert any("unknown date format" in w for w in doc["warnings"])
    assert any("no publication date" in w for w in doc["warnings"])      # the pipeline's default


def test_bad_published_flag_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as e:
        cli.main(["extract", IDLIB, "--published", "next tuesday"])
    assert e.value.code == 2
    assert "unknown date format" in capsys.readouterr().err


def test_output_into_a_missing_directory_is_an_error(capsys, tmp_path):
    code, out, err = run(capsys, "extract", IDLIB, "-o", str(tmp_path / "no" / "out.jsonl"))
    assert code == 1 and "rasd: error:" in err and "no directory" in err


def test_internal_error_in_a_stage_skips_only_that_article(capsys, tmp_path, monkeypatch):
    pipe = rasd.get_pipeline()

    def boom(doc):
        if doc.doc_id == "b":
            raise RuntimeError("stage bug")

    monkeypatch.setattr(pipe, "stages", pipe.stages + [("boom", boom)])
    monkeypatch.delenv("RASD_DEBUG", raising=False)
    p = jsonl(tmp_path / "three.jsonl", [{"doc_id": d, "text": GAZA} for d in "abc"])
    code, out, err = run(capsys, "extract", str(p))
    assert code == 3
    assert [d["doc_id"] for d in records(out)] == ["a", "c"]
    assert f"{p}:2: internal error" in err and "RuntimeError: stage bug" in err


# --------------------------------------------------------------------------- normalize

def test_normalize_repairs_breaks_and_nothing_else(capsys, tmp_path):
    p = tmp_path / "b.txt"
    p.write_text("قصـ.ف مدفعي على ريف إدلب، وقتـ.لى\nوجرحى.", encoding="utf-8")
    code, out, err = run(capsys, "normalize", str(p))
    assert code == 0 and out == "قصف مدفعي على ريف إدلب، وقتلى\nوجرحى."


def test_normalize_stdin_roundtrips_a_broken_article(capsys, monkeypatch):
    code, out, _ = run(capsys, "normalize", "-", stdin=break_words(GAZA).encode(), monkeypatch=monkeypatch)
    assert code == 0 and out == GAZA


def test_normalize_binary_is_an_error(capsys, tmp_path):
    p = tmp_path / "x.bin"
    p.write_bytes(b"\x00\x01\x02" * 100)
    code, out, err = run(capsys, "normalize", str(p))
    assert code == 1 and err.startswith(f"rasd: error: {p}: binary file")


# --------------------------------------------------------------------------- bench, version, entry points

def test_bench_on_the_bundled_examples(capsys):
    code, out, err = run(capsys, "bench", ARTICLES, "--limit", "2", "--json")
    assert code == 0
    fig = json.loads(out)
    assert fig["articles"] == 2 and fig["articles_per_s"] > 0 and fig["peak_rss_mb"] > 0
    assert set(fig["stages"]) >= {"segment", "assemble"}
    assert fig["events"] >= 1


def test_bench_table(capsys):
    code, out, _ = run(capsys, "bench", ARTICLES)
    assert code == 0
    assert "articles/s" in out and "characters/s" in out and "stage time shares" in out
    assert "peak memory" in out and "events found" in out


def test_bench_profile_and_warm(capsys):
    code, out, _ = run(capsys, "bench", ARTICLES, "--json", "--warm", "--profile", "5")
    assert code == 0
    fig = json.loads(out)
    assert fig["warm"] is True and fig["articles_per_cpu_s"] > 0
    # the profile names the pipeline's own functions, most own time first
    prof = fig["profile"]
    assert len(prof) == 5 and prof[0]["own_s"] >= prof[-1]["own_s"]
    assert any(".py:" in r["function"] for r in prof)
    code, out, _ = run(capsys, "bench", ARTICLES, "--profile", "3")
    assert code == 0 and "profile (cProfile" in out and "cold" in out


def test_version(capsys):
    with pytest.raises(SystemExit) as e:
        cli.main(["--version"])
    assert e.value.code == 0 and capsys.readouterr().out.strip() == f"rasd {rasd.__version__}"


def test_no_command_prints_help(capsys):
    assert cli.main([]) == 2
    assert "extract" in capsys.readouterr().err


def test_python_dash_m_rasd_reads_real_stdin():
    proc = subprocess.run([sys.executable, "-m", "rasd", "extract", "-", "--published", "2018-05-27"],
                          input=GAZA.encode(), capture_output=True, timeout=300)
    assert proc.returncode == 0, proc.stderr.decode()
    [doc] = records(proc.stdout.decode("utf-8"))
    assert doc["doc_id"] == "stdin" and doc["events"]


def test_console_script_matches_python_dash_m():
    exe = Path(sys.executable).parent / "rasd"
    if not exe.exists():
        pytest.skip("the rasd console script is not installed in this environment")
    a = subprocess.run([str(exe), "--version"], capture_output=True, text=True, timeout=60)
    b = subprocess.run([sys.executable, "-m", "rasd", "--version"], capture_output=True, text=True, timeout=60)
    assert a.returncode == b.returncode == 0 and a.stdout == b.stdout == f"rasd {rasd.__version__}\n"


def test_batch_commands_settle_the_garbage_collector():
    # the long-lived knowledge is frozen out of the collector's walks (pipeline.settle_for_batch)
    code = ("import gc; from rasd.pipeline import Pipeline, settle_for_batch; p = Pipeline(); "
            "before = gc.get_freeze_count(); settle_for_batch(); "
            "print(before, gc.get_freeze_count() > 10_000, gc.get_threshold()[0])")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["0", "True", "20000"]
