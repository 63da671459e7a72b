"""Which Vietnamese text each imported translation was made from, kept as a short hash.

The YAML of a translated language holds only the translation. When the Vietnamese text changes
later, the next export must not offer the old translation as if it were done, so the import
records a hash of each entry's Vietnamese text in `content/source-hashes/<code>.txt`, and the
export marks an entry whose Vietnamese text no longer has that hash as fuzzy ("needs review").
A plain text file, not YAML: the content check reads every YAML file under content/ as text
learners may see.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path

HASHES_DIR = "source-hashes"
HEADER = (
    "# Written by `hocvuso content import`: a hash of the Vietnamese text each translation was made\n"
    "# from, so that `hocvuso content export` marks translations of changed texts as fuzzy. Do not edit.\n"
)


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def hashes_path(root: Path, language: str) -> Path:
    return root / HASHES_DIR / f"{language}.txt"


def read_hashes(root: Path, language: str) -> dict[str, str]:
    """Context id to hash; empty when the language was never imported (written by hand, or new)."""
    path = hashes_path(root, language)
    if not path.is_file():
        return {}
    pairs = (line.split() for line in path.read_text(encoding="utf-8").splitlines() if line[:1] not in "#")
    return {pair[0]: pair[1] for pair in pairs if len(pair) == 2}


def hashes_text(hashes: Mapping[str, str]) -> str:
    return HEADER + "".join(f"{context} {value}\n" for context, value in hashes.items())
