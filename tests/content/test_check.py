"""The content check finds each kind of problem and names its file and line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from content.check import check
from content.loader import CONTENT_ROOT

M5 = "curriculum/modules/m5-protect-yourself"


@pytest.fixture
def content(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    shutil.copytree(CONTENT_ROOT, root, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return root


def _edit(path: Path, old: str, new: str, count: int = 1) -> int:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return line


def _problems(root: Path) -> list[str]:
    return [str(p) for p in check(root)[1]]


def test_shipped_content_is_clean():
    assert [str(p) for p in check()[1]] == []


def test_missing_translation_is_reported_at_the_item(content):
    en = content / M5 / "en.yaml"
    _edit(en, "- id: m5-public-wifi\n", "- id: m5-public-wifi-x\n")
    problems = _problems(content)
    assert any("vi.yaml" in p and "'m5-public-wifi' has no translation in 'en'" in p for p in problems)
    assert any("en.yaml" in p and "'m5-public-wifi-x' has no translation in 'vi'" in p for p in problems)


def test_duplicate_id_names_both_places(content):
    vi = content / M5 / "vi.yaml"
    line = _edit(vi, "- id: m5-public-wifi\n", "- id: m5-otp-house-key\n")
    problems = _problems(content)
    assert any(
        p.startswith(f"content/{M5}/vi.yaml:{line}: duplicate id 'm5-otp-house-key'") for p in problems
    )


def test_text_over_telegram_limit(content):
    vi = content / M5 / "vi.yaml"
    text = vi.read_text(encoding="utf-8")
    question_line = next(x for x in text.splitlines() if x.strip().startswith("question:"))
    _edit(vi, question_line, question_line.split("question:")[0] + "question: " + "dài " * 90)
    assert any("over the limit of 300" in p for p in _problems(content))


def test_question_without_exactly_one_right_answer(content):
    vi = content / M5 / "vi.yaml"
    _edit(vi, "correct: true", "correct: false")
    problems = _problems(content)
    assert any("has 0 options marked correct" in p and "vi.yaml:" in p for p in problems)


def test_unescaped_markup_and_unknown_tags(content):
    vi = content / M5 / "vi.yaml"
    _edit(vi, "    text: |\n", "    text: |\n      Lãi 5% & hơn <script>\n")
    problems = _problems(content)
    assert any("unescaped '&'" in p for p in problems)
    assert any("tag <script> is not allowed" in p for p in problems)


def test_markup_in_a_quiz_option_is_refused(content):
    vi = content / M5 / "vi.yaml"
    text = vi.read_text(encoding="utf-8")
    option_line = next(x for x in text.splitlines() if x.strip().startswith("- text:"))
    _edit(vi, option_line, option_line.replace("- text: ", "- text: <b>x</b> "))
    assert any("plain text" in p for p in _problems(content))


def test_right_answer_must_match_across_languages(content):
    en = content / M5 / "en.yaml"
    text = en.read_text(encoding="utf-8")
    start = text.index("correct: true")
    block_end = text.index("explanation:", start)
    segment = text[start:block_end].replace("correct: true", "correct: false", 1)
    text = text[:start] + segment + text[block_end:]
    en.write_text(text, encoding="utf-8")
    assert any("en.yaml" in p for p in _problems(content))


def test_unknown_source_and_yaml_syntax_error(content):
    vi = content / M5 / "vi.yaml"
    _edit(vi, "sources: [", "sources: [Z99, ")
    assert any("unknown source id 'Z99'" in p for p in _problems(content))
    tips = content / "curriculum/tips/en.yaml"
    tips.write_text("tips:\n  - id: [unclosed\n", encoding="utf-8")
    assert any(
        p.startswith("content/curriculum/tips/en.yaml:") and "YAML syntax" in p for p in _problems(content)
    )


def test_ui_string_missing_in_one_language(content):
    en = content / "ui/en.yaml"
    _edit(en, 'menu.help: "❓ Help"\n', "")
    assert any("ui string 'menu.help' has no translation in 'en'" in p for p in _problems(content))
