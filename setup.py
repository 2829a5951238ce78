"""Build script: everything else is in pyproject.toml.

The pipeline's hot modules are compiled to C with mypyc (from mypy) when Rasd is
built as a wheel (``pip install .``): the same Python source, type-checked and
compiled, about 1.5-2x faster (README, Performance).  The compiled build and
the plain one give the same output, byte for byte (tests/test_compiled.py).

``RASD_COMPILE`` decides:
  unset or ``auto``  compile wheels; leave editable installs (``pip install -e .``,
                     for development) as plain Python, so an edit takes effect at once
  ``1``              compile editable installs too (the .so files then sit next to
                     the sources and shadow them: rebuild after every edit;
                     ``import rasd`` warns when one is older than its source)
  ``0``              never compile
Where the C compiler fails, the build goes on without the compiled modules (a
warning says so): Rasd runs the same, only slower.
"""
from __future__ import annotations

import os
import runpy
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_ext import build_ext

# the modules compiled (the segmenter and the word index, the recognisers, place
# resolution, event assembly): one list, in rasd/compiled.py, which `rasd bench` and
# the staleness check read too (run as a file: the package's dependencies need not be here)
_MODULES = runpy.run_path(str(Path(__file__).resolve().parent / "src" / "rasd" / "compiled.py"))["MODULES"]
COMPILED = ["src/" + m.replace(".", "/") + ".py" for m in _MODULES]


class OptionalBuildExt(build_ext):
    """Build the compiled modules where a C compiler works; otherwise warn and go on."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as e:  # no compiler, no Python headers
            # all or nothing: a module without the shared library it calls would not import
            for ext in self.extensions:
                Path(self.get_ext_fullpath(ext.name)).unlink(missing_ok=True)
            print(f"rasd: building the compiled modules failed ({e}); "
                  "installing plain Python (same results, slower)", file=sys.stderr)


def _wanted() -> bool:
    mode = os.environ.get("RASD_COMPILE", "auto").strip().lower()
    building = {"bdist_wheel", "build_ext", "build", "editable_wheel", "install", "develop"} & set(sys.argv)
    if mode in ("0", "no", "false", "off") or not building:
        return False    # metadata and sdists need no compiling
    if mode in ("1", "yes", "true", "on"):
        return True
    return "editable_wheel" not in sys.argv and "develop" not in sys.argv


def _extensions() -> list:
    if not _wanted():
        return []
    try:
        from mypyc.build import mypycify
    except ImportError:
        print("rasd: mypyc (from mypy) is not installed; installing plain Python", file=sys.stderr)
        return []
    try:
        return mypycify(["--follow-imports=silent", "--ignore-missing-imports", *COMPILED], opt_level="3")
    except BaseException as e:  # a type error mypyc refuses: a bug to fix, but not the user's problem
        print(f"rasd: mypyc could not compile the pipeline ({e}); installing plain Python", file=sys.stderr)
        return []


setup(ext_modules=_extensions(), cmdclass={"build_ext": OptionalBuildExt})
