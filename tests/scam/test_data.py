"""content/scam: read into immutable values, problems reported with file and line, and nothing
in it breaks the content check the bot runs at start-up."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from content import fact_guards
from content.scam_data import SCAM_ROOT, ScamDataError, load_knowledge


def test_the_scam_files_pass_the_fact_guards():
    assert fact_guards.find(SCAM_ROOT) == []


def test_knowledge_cannot_be_changed():
    knowledge = load_knowledge()
    with pytest.raises(dataclasses.FrozenInstanceError):
        knowledge.thresholds = knowledge.thresholds  # type: ignore[misc]
    with pytest.raises(TypeError):
        knowledge.labels["asks_otp"] = knowledge.labels["urgency"]  # type: ignore[index]
    assert load_knowledge() is knowledge  # read once


def _copy(tmp_path: Path) -> Path:
    root = tmp_path / "scam"
    shutil.copytree(SCAM_ROOT, root)
    return root


def test_a_broken_phrase_is_reported_with_its_file_and_line(tmp_path: Path):
    root = _copy(tmp_path)
    lexicon = root / "lexicon.yaml"
    text = lexicon.read_text(encoding="utf-8")
    lexicon.write_text(text.replace("      - hoa hong\n", "      - hoa (hong\n"), encoding="utf-8")
    with pytest.raises(ScamDataError, match=r"lexicon\.yaml:\d+: phrase 'hoa \(hong' is not valid"):
        load_knowledge(root)


def test_a_rule_without_a_label_is_reported(tmp_path: Path):
    root = _copy(tmp_path)
    lexicon = root / "lexicon.yaml"
    text = lexicon.read_text(encoding="utf-8")
    lexicon.write_text(text.replace("  - kind: move_chat\n", "  - kind: move_chatt\n"), encoding="utf-8")
    with pytest.raises(ScamDataError, match=r"lexicon\.yaml:\d+: 'move_chatt' has no label"):
        load_knowledge(root)


def test_an_unknown_term_is_reported(tmp_path: Path):
    root = _copy(tmp_path)
    lexicon = root / "lexicon.yaml"
    text = lexicon.read_text(encoding="utf-8")
    lexicon.write_text(text.replace("      - hoa hong\n", "      - hoa hong {nothing}\n"), encoding="utf-8")
    with pytest.raises(ScamDataError, match="unknown term"):
        load_knowledge(root)
