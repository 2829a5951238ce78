"""Build script: everything else is in pyproject.toml.

The pipeline's hot modules are compiled to C with mypyc (from mypy) when Rasd is
built as a wheel (``pip install .``): the same Python source, type-checked and
compiled, about 1.3x (cold) to 1.7x (steady state) faster.  The compiled build and
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
import sys

from setuptools import setup
from setuptools.command.build_ext import build_ext

# the modules compiled: the segmenter and the word index, the recognisers, place
# resolution, event assembly (rasd.compiled lists the same names, for `rasd bench`
# and the staleness check)
COMPILED = [
    "src/rasd/document.py",
    "src/rasd/text/normalize.py",
    "src/rasd/text/segment.py",
    "src/rasd/text/match.py",
    "src/rasd/text/wordindex.py",
    "src/rasd/recognize/numbers.py",
    "src/rasd/recognize/dates.py",
    "src/rasd/recognize/actors.py",
    "src/rasd/recognize/triggers.py",
    "src/rasd/recognize/sources.py",
    "src/rasd/recognize/modality.py",
    "src/rasd/geo/resolve.py",
    "src/rasd/assemble/events.py",
]


class OptionalBuildExt(build_ext):
    """Build the compiled modules where a C compiler works; otherwise warn and go on."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as e:  # no compiler, no Python headers
            self._skip(e)

    def build_extension(self, ext) -> None:
        try:
            super().build_extension(ext)
        except Exception as e:
            self._skip(e)

    @staticmethod
    def _skip(e: Exception) -> None:
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
