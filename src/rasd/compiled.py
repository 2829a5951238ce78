"""Which of the pipeline's modules run compiled, and whether a compiled one is stale.

A wheel build (``pip install .``) compiles the hot modules with mypyc (see setup.py);
an editable install runs them as plain Python unless ``RASD_COMPILE=1``.  Both give
the same output.  A compiled module sits next to its source as ``name.<abi>.so`` and
is imported instead of it: after editing the source of an in-place build, the build
must be redone, and ``warn_if_stale`` (run by ``import rasd``) says so.
"""
from __future__ import annotations

import importlib
import sys
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

# the modules setup.py compiles (it reads this list from this file)
MODULES = (
    "rasd.document",
    "rasd.text.normalize",
    "rasd.text.segment",
    "rasd.text.match",
    "rasd.text.wordindex",
    "rasd.recognize.numbers",
    "rasd.recognize.dates",
    "rasd.recognize.actors",
    "rasd.recognize.triggers",
    "rasd.recognize.sources",
    "rasd.recognize.modality",
    "rasd.geo.resolve",
    "rasd.assemble.events",
)

_ROOT = Path(__file__).resolve().parent


def _paths(module: str) -> tuple[Path, list[Path]]:
    """The source of ``module`` and the compiled files that would shadow it."""
    rel = module.split(".")[1:]
    base = _ROOT.joinpath(*rel[:-1])
    return base / f"{rel[-1]}.py", [base / f"{rel[-1]}{suf}" for suf in EXTENSION_SUFFIXES]


def compiled_modules() -> dict[str, bool]:
    """Module name -> whether it runs compiled in this process (imports them)."""
    out = {}
    for name in MODULES:
        f = getattr(importlib.import_module(name), "__file__", "") or ""
        out[name] = not f.endswith(".py")
    return out


def summary() -> str:
    """One line for `rasd bench`."""
    mods = compiled_modules()
    n = sum(mods.values())
    if n == len(mods):
        return f"compiled (mypyc): all {n} pipeline modules"
    if n == 0:
        return "plain Python (not compiled; `pip install .` compiles, see README, Performance)"
    return f"partly compiled: {n} of {len(mods)} pipeline modules"


def stale_modules() -> list[str]:
    """Compiled modules whose source is newer than the compiled file (without importing them)."""
    out = []
    for name in MODULES:
        src, builds = _paths(name)
        for so in builds:
            try:
                if src.stat().st_mtime > so.stat().st_mtime + 2.0:
                    out.append(name)
                break   # the first existing build is the one Python imports
            except FileNotFoundError:
                continue
    return out


def warn_if_stale() -> None:
    stale = stale_modules()
    if stale:
        print(f"rasd: warning: compiled {', '.join(stale)} older than the source: the old code runs. "
              "Rebuild (RASD_COMPILE=1 pip install -e .) or delete the .so files next to those sources",
              file=sys.stderr)
