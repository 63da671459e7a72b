"""The daily streak: consecutive days with a finished lesson, one missed day a week forgiven.

One rule, asked two ways: what a finished lesson makes the streak (`after_lesson`), and what it
is today when nothing was finished yet (`today`), for the progress page.
"""

from __future__ import annotations

from datetime import date, timedelta

from flows.state import LearnerState

FREEZE_EVERY_DAYS = 7  # one missed day a week is forgiven


def can_freeze(state: LearnerState, missed: date) -> bool:
    """The weekly streak freeze: a single missed day, at most once in seven days."""
    return state.freeze_used_on is None or (missed - state.freeze_used_on).days >= FREEZE_EVERY_DAYS


def _forgiven_day(state: LearnerState, today: date) -> date | None:
    """The missed day the freeze covers when the last lesson was two days ago, if it may."""
    missed = today - timedelta(days=1)
    if state.last_study_day == today - timedelta(days=2) and can_freeze(state, missed):
        return missed
    return None


def alive(state: LearnerState, today: date) -> bool:
    """The streak still stands today: studied today or yesterday, or the gap can be forgiven."""
    last = state.last_study_day
    return last in (today, today - timedelta(days=1)) or _forgiven_day(state, today) is not None


def today(state: LearnerState, day: date) -> int:
    return state.streak if alive(state, day) else 0


def after_lesson(state: LearnerState, day: date) -> tuple[int, date | None]:
    """The streak with a lesson finished on `day`, and the freeze day if one was used."""
    if state.last_study_day == day:
        return max(state.streak, 1), state.freeze_used_on
    if not alive(state, day):
        return 1, state.freeze_used_on
    return state.streak + 1, _forgiven_day(state, day) or state.freeze_used_on
