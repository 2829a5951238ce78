"""Loading the knowledge files shipped in ``rasd/knowledge/`` (data only, no code)."""
from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

try:  # the C loader is ~10x faster when PyYAML was built with libyaml
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader


@lru_cache(maxsize=None)
def load(name: str) -> Any:
    """Parse ``rasd/knowledge/<name>`` (YAML)."""
    text = resources.files("rasd.knowledge").joinpath(name).read_text(encoding="utf-8")
    return yaml.load(text, Loader=_Loader)
