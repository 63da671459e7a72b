"""Property: every reply the flows produce can be used by typing alone. Its text form offers
every choice on a numbered line, and typing that number (or a quiz option's letter) is the same
event as pressing the button: the same state, replies and effects."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from content.markup import plain_text
from flows import daily
from flows.context import Context
from flows.conversation import handle
from flows.events import Press, Text
from flows.replies import Message
from flows.state import LearnerState, Step
from flows.text_form import text_form
from flows.typed_choices import remember
from tests import options
from tests.conftest import ZONE
from tests.flows.test_random_events import LIBRARY, events


def _check_typing_equals_pressing(state: LearnerState, message: Message, ctx: Context) -> None:
    shown = text_form(message)
    assert "<b>" not in shown and "<i>" not in shown  # no markup on a text-only channel
    for number, choice in enumerate(message.flat_choices(), start=1):
        line = f"{number}. {choice.key}. {choice.label}" if choice.key else f"{number}. {choice.label}"
        assert line in shown.splitlines(), f"choice {choice.label!r} not offered as {line!r}"
        pressed = handle(state, Press(choice.token), ctx)
        assert handle(state, Text(str(number)), ctx) == pressed
        if choice.key:
            assert handle(state, Text(choice.key.lower()), ctx) == pressed
            assert handle(state, Text(f"{choice.key}."), ctx) == pressed


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(events, st.integers(0, 2)), max_size=25), st.randoms())
def test_typing_a_choice_is_pressing_it(steps, rng):
    state = LearnerState("7")
    now = datetime(2026, 11, 23, 8, tzinfo=ZONE)
    offered: list[str] = []
    for event, days in steps:
        now += timedelta(days=days)
        ctx = Context(LIBRARY, now)
        if event == "offered":
            if not offered:
                continue
            event = Press(rng.choice(offered))
        outcome = handle(state, event, ctx)
        state = outcome.state
        with_choices = [r for r in outcome.replies if isinstance(r, Message) and r.choices]
        if with_choices:
            _check_typing_equals_pressing(state, with_choices[-1], ctx)
            offered = [c.token for c in with_choices[-1].flat_choices()]


def test_daily_messages_can_be_answered_by_typing(library, morning):
    """A review and a reminder arrive from the outbox; typing their numbers works as well."""
    ctx = Context(library, morning)
    ready = LearnerState("9", step=Step.READY, onboarded=True, language="vi")
    question_id = library.curriculum("vi").lessons[library.lesson_order[0]].questions[0].id
    review = daily.review_message(ready, ctx, question_id)
    reminder = daily.reminder(ready, ctx, 0)
    assert review is not None and reminder is not None
    for message in (review, reminder):
        _check_typing_equals_pressing(remember(ready, [message]), message, ctx)


def test_text_form_spells_out_quiz_options_with_numbers_and_letters(library, morning):
    ctx = Context(library, morning)
    ready = LearnerState("9", step=Step.READY, onboarded=True, language="vi")
    question = library.curriculum("vi").lessons[library.lesson_order[0]].questions[0]
    review = daily.review_message(ready, ctx, question.id)
    assert review is not None
    lines = text_form(review).splitlines()
    for index, option in enumerate(question.options):
        place = options.place(ready.chat_id, question, index)
        assert f"{place + 1}. {'ABCD'[place]}. {option.text}" in lines
    assert plain_text(question.question) in text_form(review)


def test_a_number_out_of_range_or_a_stray_letter_is_not_a_choice(library, morning):
    ctx = Context(library, morning)
    ready = LearnerState("9", step=Step.READY, onboarded=True, language="vi")
    question = library.curriculum("vi").lessons[library.lesson_order[0]].questions[0]
    review = daily.review_message(ready, ctx, question.id)
    assert review is not None
    waiting = remember(ready, [review])
    for typed in ("9", "0", "Z", "²", "12345"):
        outcome = handle(waiting, Text(typed), ctx)
        assert outcome.effects == [] and outcome.answered is None, typed
