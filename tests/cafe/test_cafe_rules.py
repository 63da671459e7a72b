"""The café's rules without a group: the post of the day (a tip never repeated within 30 days, a
poll within Telegram's limits in this group's own option order, the join link), the settings
menu's presses, the leaderboard's order and streaks."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from content.library import Library
from flows.cafe import setup_menu
from flows.cafe.daily_post import (
    EXPLANATION_LIMIT,
    OPTION_LIMIT,
    QUESTION_LIMIT,
    SCAM_MODULES,
    daily_post,
    question_pool,
)
from flows.cafe.model import Cafe, CafeSettings, code_of_payload, is_cafe_day
from flows.cafe.scores import Standing, leaderboard, ranked, streak_after, week_start, weekly_winners
from flows.replies import Message, Poll

DAY = date(2026, 11, 30)  # a Monday


def _cafe(**settings: object) -> Cafe:
    return Cafe("-1001", "abcd2345", "hocvuso_bot", CafeSettings().but(**settings))


def test_a_post_is_a_tip_a_quiz_poll_and_the_join_link(library: Library) -> None:
    post = daily_post(_cafe(), library, DAY, 600)
    tip, poll, join = post.replies
    assert isinstance(tip, Message) and "Cà phê sáng" in tip.text
    assert isinstance(poll, Poll)
    assert len(poll.question) <= QUESTION_LIMIT and len(poll.explanation) <= EXPLANATION_LIMIT
    assert all(0 < len(option) <= OPTION_LIMIT for option in poll.options)
    question = next(q for q in question_pool(library, "vi", "all") if q.id == poll.question_id)
    assert poll.options[poll.correct_place] == question.options[question.correct_index].text
    assert isinstance(join, Message)
    [[button]] = join.choices
    assert button.url == "https://t.me/hocvuso_bot?start=cafe_abcd2345"


def test_no_tip_comes_back_within_30_days_even_over_a_year(library: Library) -> None:
    cafe = _cafe()
    seen: dict[str, date] = {}
    for offset in range(400):
        day = DAY + timedelta(days=offset)
        post = daily_post(cafe, library, day, 600)
        tip_text = post.replies[0].text  # type: ignore[union-attr]
        if tip_text in seen:
            assert (day - seen[tip_text]).days >= 30, tip_text[:80]
        seen[tip_text] = day
        cafe = post.cafe


def test_two_groups_see_a_question_s_options_in_different_orders(library: Library) -> None:
    question = question_pool(library, "vi", "all")[0]
    orders = {
        daily_post(Cafe(f"-100{n}", "c0de", "b"), library, DAY, 600).replies[1].order for n in range(12)
    }  # type: ignore[union-attr]
    assert len(orders) > 1 and all(sorted(order) == list(range(len(question.options))) for order in orders)


def test_scams_first_starts_with_the_scam_modules(library: Library) -> None:
    first = question_pool(library, "vi", "scams")[0]
    module = next(m for m in library.curriculum("vi").modules if any(first in x.questions for x in m.lessons))
    assert module.id in SCAM_MODULES


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("hour", "9", {"hour": 9}),
        ("days", "weekdays", {"days": "weekdays"}),
        ("focus", "scams", {"focus": "scams"}),
        ("on", "0", {"enabled": False}),
        ("lang", "en", {"language": "en"}),
    ],
)
def test_each_press_changes_one_setting(library: Library, field: str, value: str, expected: dict) -> None:
    changed = setup_menu.apply(CafeSettings(), library, field, value)
    assert changed == CafeSettings().but(**expected)


@pytest.mark.parametrize(
    ("field", "value"), [("hour", "3"), ("hour", "x"), ("days", "sundays"), ("lang", "fr"), ("x", "1")]
)
def test_forged_presses_change_nothing(library: Library, field: str, value: str) -> None:
    assert setup_menu.apply(CafeSettings(), library, field, value) is None


def test_the_menu_marks_the_current_choices(library: Library) -> None:
    menu = setup_menu.menu(CafeSettings(hour=9, days="weekdays"), library)
    labels = [c.label for c in menu.flat_choices()]
    assert "✓ 9" in labels and "✓ Thứ 2 đến thứ 6" in labels and "7" in labels


def test_cafe_days() -> None:
    saturday, sunday = date(2026, 12, 5), date(2026, 12, 6)
    assert is_cafe_day(CafeSettings(days="mon_sat"), saturday)
    assert not is_cafe_day(CafeSettings(days="mon_sat"), sunday)
    assert not is_cafe_day(CafeSettings(days="weekdays"), saturday)
    assert is_cafe_day(CafeSettings(), sunday)


def test_the_leaderboard_ranks_right_answers_then_accuracy(library: Library) -> None:
    standings = [Standing("An", 3, 5, 2), Standing("Bình", 5, 9, 1), Standing("Chi", 5, 6, 4)]
    assert [s.first_name for s in ranked(standings)] == ["Chi", "Bình", "An"]
    text = leaderboard(standings, "vi", library).text
    assert text.index("Chi") < text.index("Bình") < text.index("An") and "🥇" in text
    many = [Standing(f"P{i}", i, i, 0) for i in range(15)]
    assert leaderboard(many, "vi", library).text.count("ngày liền") == 10
    assert weekly_winners([], "vi", library) is None
    assert weekly_winners(standings, "vi", library).text.count("câu đúng") == 3  # type: ignore[union-attr]


def test_a_cafe_streak_runs_over_cafe_days() -> None:
    friday, monday = date(2026, 12, 4), date(2026, 12, 7)
    assert streak_after(3, friday, friday, monday) == 4  # the café's previous post was on Friday
    assert streak_after(3, monday, friday, monday) == 3  # a second answer on the same day
    assert streak_after(3, date(2026, 12, 1), friday, monday) == 1  # missed Friday's
    assert week_start(date(2026, 12, 6)) == date(2026, 11, 30)


def test_start_payloads() -> None:
    assert code_of_payload("cafe_abcd2345") == "abcd2345"
    assert code_of_payload("cafe_") is None and code_of_payload("hello") is None
    assert code_of_payload("cafe_../../x") is None
