"""The rules behind what the bot sends on its own: streak freeze, tip rotation, Leitner boxes,
reminder wording."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flows import daily
from flows.context import Context
from flows.state import LearnerState, Step
from flows.streaks import after_lesson as streak_after
from tests.conftest import ZONE
from tests.flows.transcript import Learner

DAY = date(2026, 11, 23)


def test_one_missed_day_a_week_is_forgiven():
    state = LearnerState("1", streak=5, last_study_day=DAY - timedelta(days=2))
    streak, freeze = streak_after(state, DAY)
    assert (streak, freeze) == (6, DAY - timedelta(days=1))
    again = state.but(streak=6, last_study_day=DAY + timedelta(days=2), freeze_used_on=freeze)
    assert streak_after(again, DAY + timedelta(days=4))[0] == 1  # a second miss within the week breaks it
    later = again.but(last_study_day=DAY + timedelta(days=7))
    assert streak_after(later, DAY + timedelta(days=9))[0] == 7  # a week on, the freeze is back
    assert streak_after(state.but(last_study_day=DAY - timedelta(days=3)), DAY)[0] == 1  # two missed days


def test_the_streak_shown_counts_a_forgiven_day(library, morning):
    learner = Learner(library, morning)
    learner.onboard()
    for _ in range(3):
        learner.take_lesson()
        learner.next_day()
    learner.next_day()  # one day missed
    learner.command("progress")
    assert "3 ngày" in learner.text
    learner.take_lesson()
    assert learner.state.streak == 4


def test_tips_rotate_without_a_repeat_within_thirty_days(library):
    state = LearnerState("1", step=Step.READY, onboarded=True, language="vi")
    seen: dict[str, date] = {}
    tips = library.curriculum("vi").tips
    sent = 0
    for offset in range(90):
        day = DAY + timedelta(days=offset)
        outcome = daily.tip_of_the_day(
            state, Context(library, datetime.combine(day, datetime.min.time(), ZONE))
        )
        if outcome is None:
            continue
        text = outcome.replies[0].text  # type: ignore[union-attr]
        title = next(t.title for t in tips if t.title in text)
        assert title not in seen or (day - seen[title]).days >= daily.TIP_REPEAT_DAYS
        seen[title] = day
        state = outcome.state
        sent += 1
    assert len(seen) == len(tips) and sent >= 2 * len(tips)


def test_leitner_boxes_1_3_7_21():
    assert daily.next_box(1, True, DAY) == (2, DAY + timedelta(days=3))
    assert daily.next_box(2, True, DAY) == (3, DAY + timedelta(days=7))
    assert daily.next_box(3, True, DAY) == (4, DAY + timedelta(days=21))
    assert daily.next_box(4, True, DAY) == (None, None)  # learnt
    assert daily.next_box(3, False, DAY) == (1, DAY + timedelta(days=1))


def test_reminders_vary_and_never_go_to_paused_learners(library, morning):
    state = LearnerState("1", step=Step.READING, onboarded=True, language="vi")
    texts = {daily.reminder(state, Context(library, morning + timedelta(days=d)), 0).text for d in range(4)}  # type: ignore[union-attr]
    assert len(texts) == daily.REMINDER_VARIANTS
    assert daily.reminder(state.but(paused=True), Context(library, morning), 0) is None


def test_no_daily_lesson_mid_quiz_or_after_todays(library, morning):
    ctx = Context(library, morning)
    ready = LearnerState("1", step=Step.READY, onboarded=True, language="vi")
    assert daily.daily_lesson(ready, ctx) is not None
    assert daily.daily_lesson(ready.but(step=Step.QUIZ), ctx) is None
    assert daily.daily_lesson(ready.but(last_study_day=morning.date()), ctx) is None
    assert daily.daily_lesson(ready.but(active=False), ctx) is None


def test_older_adults_rest_a_day_after_each_lesson(library, morning):
    ctx = Context(library, morning)
    gentle = LearnerState("1", step=Step.READY, onboarded=True, language="vi", group="older-adult")
    yesterday = morning.date() - timedelta(days=1)
    assert daily.daily_lesson(gentle.but(last_study_day=yesterday), ctx) is None
    assert daily.daily_lesson(gentle.but(last_study_day=yesterday - timedelta(days=1)), ctx) is not None
    assert daily.daily_lesson(gentle.but(group="worker", last_study_day=yesterday), ctx) is not None
