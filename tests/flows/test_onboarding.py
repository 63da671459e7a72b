"""Onboarding: one question a message, every step skippable, resumable, answers kept."""

from __future__ import annotations

from flows.state import Step
from tests.flows.transcript import Learner


def test_start_greets_and_asks_language_in_both_languages(library, morning):
    learner = Learner(library, morning)
    learner.command("start")
    assert "Bình dân học vụ số" in learner.text
    assert "Which language" in learner.text and "tiếng nào" in learner.text
    assert [b.label for b in learner.choices] == ["Tiếng Việt", "English"]


def test_full_onboarding_stores_every_answer_and_shows_the_menu(library, morning):
    learner = Learner(library, morning)
    learner.command("start")
    learner.press("English")
    assert "Who are you?" in learner.text
    learner.press("Older adult")
    assert "Which province" in learner.text
    learner.press("Hue")
    assert "What time" in learner.text
    learner.press("19:00")
    assert learner.state.step == Step.READY and learner.state.onboarded
    assert (
        learner.state.language,
        learner.state.group,
        learner.state.province,
        learner.state.lesson_hour,
    ) == (
        "en",
        "older-adult",
        "hue",
        19,
    )
    assert "19:00" in learner.text
    menu = learner.messages[0].shortcuts
    assert menu is not None and "📖 Today's lesson" in menu[0]


def test_every_step_can_be_skipped(library, morning):
    learner = Learner(library, morning)
    learner.command("start")
    learner.press("Tiếng Việt")
    for _ in range(3):
        learner.press("Bỏ qua")
    assert learner.state.onboarded
    assert (learner.state.group, learner.state.province, learner.state.lesson_hour) == (
        None,
        None,
        None,
    )
    assert "chưa chọn giờ" in learner.text


def test_province_pages_cover_all_34_and_search_finds_old_names(library, morning):
    learner = Learner(library, morning)
    learner.command("start")
    learner.press("Tiếng Việt")
    learner.press("Người dân")
    seen: set[str] = set()
    while True:
        seen |= {b.token for b in learner.choices if b.token.startswith("prov:")}
        if not any("Xem thêm" in b.label for b in learner.choices):
            break
        learner.press("Xem thêm")
    assert len(seen) == 34
    learner.type("bac giang")  # merged into Bắc Ninh in 2025
    assert learner.state.province == "bac-ninh"


def test_province_search_with_several_matches_offers_a_choice(library, morning):
    learner = Learner(library, morning)
    learner.command("start")
    learner.press("Tiếng Việt")
    learner.press("Bỏ qua")
    learner.type("Quảng")
    labels = [b.label for b in learner.choices]
    assert {"Quảng Ninh", "Quảng Trị", "Quảng Ngãi"} <= set(labels)
    learner.press("Quảng Trị")
    assert learner.state.province == "quang-tri"


def test_unknown_province_is_explained_and_the_question_repeated(library, morning):
    learner = Learner(library, morning)
    learner.command("start")
    learner.press("Tiếng Việt")
    learner.press("Bỏ qua")
    learner.type("Atlantis")
    assert learner.state.step == Step.PROVINCE
    assert "chưa tìm thấy" in learner.text
    assert any(b.token.startswith("prov:") for b in learner.choices)


def test_other_hour_accepts_typed_times_and_rejects_nonsense(library, morning):
    learner = Learner(library, morning)
    learner.command("start")
    learner.press("Tiếng Việt")
    learner.press("Bỏ qua")
    learner.press("Bỏ qua")
    learner.press("Giờ khác")
    learner.type("25")
    assert learner.state.step == Step.HOUR_TYPED and "0 đến 23" in learner.text
    learner.type("9 giờ tối")
    assert learner.state.lesson_hour == 21 and learner.state.onboarded


def test_learner_who_left_half_way_continues_where_they_were(library, morning):
    learner = Learner(library, morning)
    learner.command("start")
    learner.press("Tiếng Việt")
    learner.press("Học sinh")
    learner.next_day(3)
    learner.command("start")
    assert learner.state.step == Step.PROVINCE
    assert "quay lại" in learner.text and "tỉnh" in learner.text
    assert learner.state.group == "student"


def test_menu_commands_wait_until_setup_is_done(library, morning):
    learner = Learner(library, morning)
    learner.command("start")
    learner.press("Tiếng Việt")
    learner.command("lesson")
    assert learner.state.step == Step.GROUP
    assert "Bỏ qua" in learner.text


def test_language_can_be_typed(library, morning):
    learner = Learner(library, morning)
    learner.command("start")
    learner.type("english")
    assert learner.state.language == "en"
