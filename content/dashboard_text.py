"""The web dashboard's words, in content/dashboard/text.<language>.yaml: flat `key: text` files
an editor can change without touching code. Vietnamese is complete and is the fallback; any other
file may leave keys out. (Not named <language>.yaml: that name marks the files of the lessons'
translation round trip, `hocvuso content export|import`, which these are not part of.)"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

DASHBOARD_TEXTS = Path(__file__).resolve().parent / "dashboard"
DEFAULT = "vi"


@cache
def all_texts(root: Path = DASHBOARD_TEXTS) -> dict[str, dict[str, str]]:
    """Every language's texts, each completed from Vietnamese."""
    found: dict[str, dict[str, str]] = {}
    for path in sorted(root.glob("text.*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        found[path.name.split(".")[1]] = {str(key): str(value) for key, value in data.items()}
    reference = found.get(DEFAULT, {})
    return {language: {**reference, **texts} for language, texts in found.items()}


def languages() -> tuple[str, ...]:
    """Vietnamese first, then the others by code."""
    return tuple(sorted(all_texts(), key=lambda code: (code != DEFAULT, code)))


def texts(language: str) -> dict[str, str]:
    return all_texts().get(language) or all_texts()[DEFAULT]
