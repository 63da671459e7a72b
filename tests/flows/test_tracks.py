"""The "who you are" answer chooses an extra short track: it comes right after the first module,
is answered and reviewed like any lesson, and shows in progress."""

from __future__ import annotations

import pytest

from flows.context import Context
from flows.daily import review_message
from flows.events import Press
from flows.state import Step
from tests.flows.transcript import Learner


def _through_first_module(learner: Learner, library) -> None:
    for _ in library.curriculum("vi").modules[0].lessons:
        learner.next_day()
        learner.take_lesson()


@pytest.mark.parametrize("group, label", [("worker", "Người lao động"), ("student", "Học sinh")])
def test_a_groups_track_follows_the_first_module(library, morning, group, label):
    learner = Learner(library, morning)
    learner.onboard(group=label)
    assert learner.state.group == group
    _through_first_module(learner, library)
    track = library.track(group, "vi")
    learner.next_day()
    learner.command("lesson")
    assert learner.state.lesson_id == track.lessons[0].id
    assert track.lessons[0].title in learner.text
    learner.press("Tôi đã đọc xong")
    question = track.lessons[0].questions[0]
    wrong = (question.correct_index + 1) % len(question.options)
    learner.send(Press(f"ans:{question.id}:{wrong}"))  # a track question is answered like any other
    assert learner.last.answered is not None and learner.state.answered > 0
    assert any(getattr(e, "question_id", None) == question.id for e in learner.last.effects)
    review = review_message(learner.state, Context(library, morning), question.id)
    assert review is not None and review.choices  # and comes back for review
    learner.command("progress")
    assert track.title in learner.text


def test_citizens_follow_the_main_course_only(library, morning):
    learner = Learner(library, morning)
    learner.onboard(group="Người dân")
    _through_first_module(learner, library)
    learner.next_day()
    learner.command("lesson")
    assert learner.state.step == Step.READING
    assert learner.state.lesson_id == library.lesson_order[len(library.curriculum("vi").modules[0].lessons)]
    learner.command("progress")
    assert not any(track.title in learner.text for track in library.tracks.values())
