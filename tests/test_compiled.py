"""The mypyc-compiled pipeline (setup.py): it builds, it is what runs, and it gives the
same output as the plain Python, byte for byte, on 500 real articles.

The build is done once, in a copy of the sources (the checkout itself stays plain
Python), with the real compiler and mypyc from the test extras: about a minute and a half.
Articles: tests/fixtures/corpus500.jsonl.xz (500 articles of the ANT corpus).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS500 = Path(__file__).parent / "fixtures" / "corpus500.jsonl.xz"

# run in a child process with one tree or the other first on sys.path: every article's
# JSON, one per line, then a last line with which modules ran compiled
DUMP = r"""
import json, lzma, sys
from rasd.compiled import compiled_modules
from rasd.pipeline import Pipeline
pipe = Pipeline()
out = open(sys.argv[1], "w", encoding="utf-8")
with lzma.open(sys.argv[2], "rt", encoding="utf-8") as f:
    for line in f:
        a = json.loads(line)
        doc = pipe(a["text"], published=a.get("published"), doc_id=a.get("id"))
        out.write(json.dumps(doc.to_json(), ensure_ascii=False, sort_keys=True) + "\n")
out.write(json.dumps(compiled_modules()) + "\n")
"""


def _missing() -> str | None:
    try:
        import mypyc  # noqa: F401
    except ImportError:
        return "mypy (mypyc) is not installed (it is in the test extras)"
    if not (shutil.which("cc") or shutil.which("gcc")):
        return "no C compiler"
    return None


pytestmark = pytest.mark.skipif(_missing() is not None, reason=str(_missing()))


def _env(src: Path, tmp: Path) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(src)
    env["RASD_DATA_DIR"] = str(tmp / "data")   # no user gazetteer sources
    return env


def _copy_tree(tree: Path) -> Path:
    tree.mkdir(parents=True, exist_ok=True)
    for name in ("setup.py", "pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, tree / name)
    shutil.copytree(ROOT / "src", tree / "src",
                    ignore=shutil.ignore_patterns("__pycache__", "*.so", "build"))
    return tree


def _build(tree: Path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "setup.py", "build_ext", "--inplace"], cwd=tree,
                          env=dict(os.environ, RASD_COMPILE="1", **env), capture_output=True, text=True,
                          timeout=900)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """A copy of the sources, compiled in place as `RASD_COMPILE=1` does."""
    tree = _copy_tree(tmp_path_factory.mktemp("compiled"))
    r = _build(tree)
    assert r.returncode == 0, r.stderr[-3000:]
    assert "rasd: " not in r.stderr, r.stderr[-3000:]   # no fallback to plain Python
    return tree


def _dump(src: Path, tmp: Path, name: str) -> tuple[list[str], dict]:
    out = tmp / name
    r = subprocess.run([sys.executable, "-c", DUMP, str(out), str(CORPUS500)], env=_env(src, tmp),
                       capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stderr[-3000:]
    lines = out.read_text(encoding="utf-8").splitlines()
    return lines[:-1], json.loads(lines[-1])


def test_compiled_output_equals_plain_python(built, tmp_path):
    plain, plain_mods = _dump(ROOT / "src", tmp_path, "plain.jsonl")
    comp, comp_mods = _dump(built / "src", tmp_path, "compiled.jsonl")
    assert not any(plain_mods.values())          # the checkout runs plain Python
    assert all(comp_mods.values()) and comp_mods.keys() == plain_mods.keys()
    assert len(plain) == len(comp) == 500
    assert sum(len(json.loads(x)["events"]) for x in plain) > 500   # real work was compared
    for a, b in zip(plain, comp):
        assert a == b


def test_a_stale_compiled_module_is_reported(built, tmp_path):
    src = built / "src" / "rasd" / "text" / "segment.py"
    code = "import rasd"
    r = subprocess.run([sys.executable, "-c", code], env=_env(built / "src", tmp_path),
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0 and "older than the source" not in r.stderr
    st = src.stat()
    so = next(src.parent.glob("segment.*.so"))
    os.utime(src, (st.st_atime, so.stat().st_mtime + 60))   # as an edit after the build would
    try:
        r = subprocess.run([sys.executable, "-c", code], env=_env(built / "src", tmp_path),
                           capture_output=True, text=True, timeout=300)
    finally:
        os.utime(src, (st.st_atime, st.st_mtime))
    assert r.returncode == 0
    assert "rasd.text.segment older than the source" in r.stderr


def test_bench_says_what_runs(built, tmp_path):
    code = "from rasd.compiled import summary; print(summary())"
    for src, want in ((built / "src", "compiled (mypyc): all 13"), (ROOT / "src", "plain Python")):
        r = subprocess.run([sys.executable, "-c", code], env=_env(src, tmp_path),
                           capture_output=True, text=True, timeout=300)
        assert r.returncode == 0 and r.stdout.startswith(want), (r.stdout, r.stderr)


def test_a_failed_compile_leaves_plain_python(tmp_path):
    # a C compiler that fails: the build says so, goes on, and leaves no half build
    tree = _copy_tree(tmp_path / "tree")
    r = _build(tree, CC="false", LDSHARED="false")
    assert r.returncode == 0, r.stderr[-3000:]
    assert "rasd: building the compiled modules failed" in r.stderr
    assert not list((tree / "src").rglob("*.so"))
    code = ("import rasd; from rasd.compiled import summary; print(summary()); "
            "print(rasd.extract('قصفت الطائرات بلدة سراقب أمس', published='2019-12-27').events[0].event_type)")
    r = subprocess.run([sys.executable, "-c", code], env=_env(tree / "src", tmp_path),
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("plain Python") and "Explosions/Remote violence" in r.stdout, r.stdout
