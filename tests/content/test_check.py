"""The content check finds each kind of problem and names its file and line."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from content import fact_guards, quiz_balance
from content.check import check
from content.loader import CONTENT_ROOT
from content.model import Option, Question
from content.stats import counts, table

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


def _set_options(root: Path, rewrite: Callable[[list[dict[str, Any]]], None]) -> None:
    """Rewrite the options of every quiz question in every module (and track) of a content copy."""
    curriculum = root / "curriculum"
    for path in [*curriculum.glob("modules/*/*.yaml"), *curriculum.glob("tracks/*/*.yaml")]:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for lesson in data.get("lessons") or []:
            for question in lesson.get("questions") or []:
                rewrite(question["options"])
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _right_longest(options: list[dict[str, Any]]) -> None:
    for number, option in enumerate(options):
        if not option.get("correct"):
            option["text"] = f"Sai {number}"


def _right_shortest(options: list[dict[str, Any]]) -> None:
    for option in options:
        if option.get("correct"):
            option["text"] = "Có"


def test_right_answer_too_often_the_longest_is_reported_at_each_module(content):
    _set_options(content, _right_longest)
    vi = content / M5 / "vi.yaml"
    line = vi.read_text(encoding="utf-8").splitlines().index("  id: m5") + 1
    problems = _problems(content)
    assert any(
        p.startswith(f"content/{M5}/vi.yaml:{line}: the right option is the longest in")
        and "above the 40% limit" in p
        for p in problems
    )
    assert any(f"content/{M5}/en.yaml:" in p and "the right option is the longest" in p for p in problems)


def test_right_answer_rarely_the_longest_passes(content):
    _set_options(content, _right_shortest)
    assert not any("the right option is the longest" in p for p in _problems(content))


def test_a_tie_for_longest_gives_nothing_away():
    tie = Question("q", "?", (Option("dài bằng", True), Option("dài nhau"), Option("ngắn")), "")
    longest = Question("q", "?", (Option("dài nhất ở đây", True), Option("ngắn"), Option("vừa")), "")
    assert not quiz_balance.right_is_longest(tie)
    assert quiz_balance.right_is_longest(longest)
    assert not quiz_balance.Share(2, 5).too_high and quiz_balance.Share(3, 7).too_high


def test_stats_show_the_longest_right_share(content):
    stats = counts(check(content)[0].curricula)
    for language in ("vi", "en"):
        share = stats[language]["longest_right"]
        assert {"longest", "questions", "share", "limit", "modules"} <= set(share)
        assert "m5" in share["modules"] and share["questions"] >= stats[language]["questions"]
    assert "longest" in table(stats)


def _guarded(tmp_path: Path, text: str, *, key: str = "action") -> list[str]:
    """The fact-guard messages for one text, written as a tip in a file of its own."""
    path = tmp_path / "tips.yaml"
    path.write_text(yaml.safe_dump({"tips": [{"id": "tip-x", key: text}]}, allow_unicode=True), "utf-8")
    return [finding.message for finding in fact_guards.find(tmp_path)]


@pytest.mark.parametrize(
    "text",
    [
        "Gửi tên miền trong tin nhắn tới 156 để kiểm tra.",
        "Không chạm link, nhắn tên trang tới <b>156</b> và tự mở ứng dụng ngân hàng.",
        "Đừng chạm link; kiểm tra qua 156 và ứng dụng ngân hàng.",
        "Text the suspicious website name to 156.",
        "Do not tap; report the odd domain to 156.",
    ],
)
def test_domain_check_through_156_needs_tctm(tmp_path, text):
    assert _guarded(tmp_path, text) == [fact_guards.TCTM_MESSAGE]


@pytest.mark.parametrize(
    "text",
    [
        "Muốn biết ai đăng ký trang, nhắn TCTM abc.example tới 156.",
        "Báo tin nhắn có đường link lừa đảo tới 156 theo cú pháp: S số gửi nội dung.",
        "Report a scam text with a link to 156 or 5656 in this form: S sender number content.",
        "Tra trang web ở tinnhiemmang.vn. Báo cuộc gọi lừa đảo tới 156 hoặc 5656.",
        "The reply from 156 only says who registered the site.",
        "Gọi 1560 hoặc 0.156 không liên quan đến trang web nào.",
    ],
)
def test_reporting_through_156_and_tctm_lookups_pass(tmp_path, text):
    assert _guarded(tmp_path, text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Báo tài khoản đó tại chongluadao.vn.",
        "Báo cho người bị giả mạo biết, và báo tại chongluadao.vn.",
        "Report the caller's number at chongluadao.vn.",
        "Report the website or account at chongluadao.vn.",
    ],
)
def test_accounts_people_and_numbers_are_not_reported_to_chongluadao(tmp_path, text):
    assert _guarded(tmp_path, text, key="report") == [fact_guards.CHONGLUADAO_MESSAGE]


@pytest.mark.parametrize(
    "text",
    [
        "Báo trang web lừa đảo tại tinnhiemmang.vn hoặc chongluadao.vn.",
        "Chặn tài khoản đó trong Zalo. Báo trang web giả tại chongluadao.vn.",
        "chongluadao.vn chỉ nhận báo cáo về trang web, không nhận tài khoản.",
        "chongluadao.vn only takes reports about websites, not accounts.",
    ],
)
def test_websites_at_chongluadao_pass(tmp_path, text):
    assert _guarded(tmp_path, text, key="report") == []


def test_scam_messages_and_wrong_options_may_state_wrong_facts(tmp_path):
    wrong = "Báo tài khoản đó tại chongluadao.vn."
    drill = {"id": "drill-x", "message": wrong, "verdict": "scam", "signs": ["Đúng."]}
    question = {"id": "q", "options": [{"text": wrong}, {"text": "Gọi ngân hàng", "correct": True}]}
    path = tmp_path / "quoted.yaml"
    path.write_text(yaml.safe_dump({"drills": [drill], "questions": [question]}, allow_unicode=True), "utf-8")
    assert fact_guards.find(tmp_path) == []
    drill["verdict"], question["options"][0]["correct"] = "safe", True
    path.write_text(yaml.safe_dump({"drills": [drill], "questions": [question]}, allow_unicode=True), "utf-8")
    assert len(fact_guards.find(tmp_path)) == 2


def test_fact_guards_name_the_line_inside_a_lesson_text(content):
    vi = content / M5 / "vi.yaml"
    line = _edit(
        vi, "    text: |\n", "    text: |\n      Dòng đầu.\n      Nhắn tên trang web\n      tới 156.\n"
    )
    en = content / "curriculum/tips/en.yaml"
    tip_line = _edit(
        en, "Never send money to someone you have not met", "Report the account at chongluadao.vn"
    )
    problems = _problems(content)
    assert f"content/{M5}/vi.yaml:{line + 3}: {fact_guards.TCTM_MESSAGE}" in problems
    assert f"content/curriculum/tips/en.yaml:{tip_line}: {fact_guards.CHONGLUADAO_MESSAGE}" in problems
