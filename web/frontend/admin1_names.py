"""Write src/rasd/web/static/admin1-ar.json: the Arabic name of each governorate, keyed by
country and the English name the store holds (``"SY|Rif Dimashq": "ريف دمشق"``), so that the
page can show governorates in Arabic. Made from Rasd's own knowledge file
(src/rasd/knowledge/admin1.yaml); tests/test_web_e2e.py checks that it is up to date.

    .venv/bin/python web/frontend/admin1_names.py
"""
from __future__ import annotations

import json
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
KNOWLEDGE = ROOT / "src" / "rasd" / "knowledge" / "admin1.yaml"
OUT = ROOT / "src" / "rasd" / "web" / "static" / "admin1-ar.json"


def names() -> dict[str, str]:
    out = {}
    for d in yaml.safe_load(KNOWLEDGE.read_text(encoding="utf-8")) or []:
        ar = (d.get("ar") or []) + (d.get("ar_trigger") or [])
        if d.get("cc") and d.get("en") and ar:
            out[f"{d['cc']}|{d['en']}"] = ar[0]
    return dict(sorted(out.items()))


def render() -> str:
    return json.dumps(names(), ensure_ascii=False, indent=0) + "\n"


if __name__ == "__main__":
    OUT.write_text(render(), encoding="utf-8")
    print(f"{OUT.relative_to(ROOT)}: {len(names())} governorates")
