"""The whole journey by typing, as on Zalo: no start button, no buttons, no command menu."""

from __future__ import annotations

import pytest

from flows.context import Context
from flows.conversation import handle
from flows.events import Command, Text, Unsupported
from flows.state import LearnerState, Step
from tests import options
from tests.flows.transcript import Learner


class Typist(Learner):
    """A learner on a channel where the first message starts, answering choices by number."""

    def send(self, event):
        self.last = handle(self.state, event, Context(self.library, self.now, first_message_starts=True))
        self.state = self.last.state
        self.effects.extend(self.last.effects)
        self.stored = self.last.persist
        return self.last

    def pick(self, label: str) -> None:
        """Type the number of the newest choice whose label contains `label`."""
        choices = [c for m in self.messages for c in m.flat_choices()]
        numbered = {c.token: n for n, c in enumerate(choices[-len(self.state.offered) :], start=1)}
        match = [c for c in choices if label in c.label][-1]
        self.type(str(numbered[match.token]))


@pytest.mark.parametrize("first", [Text("xin chào"), Text("/whatever"), Unsupported("sticker")])
def test_whatever_comes_first_starts_onboarding(library, morning, first):
    learner = Typist(library, morning)
    learner.send(first)
    assert learner.state.step == Step.LANGUAGE and learner.stored


def test_a_first_message_does_not_start_where_there_is_a_start_button(library, morning):
    outcome = handle(LearnerState("1"), Text("xin chào"), Context(library, morning))
    assert outcome.state.step == Step.NEW and not outcome.persist


def test_onboarding_a_lesson_and_its_quiz_by_typing(library, morning):
    learner = Typist(library, morning)
    learner.type("chào")
    learner.pick("Tiếng Việt")
    learner.pick("Người dân")
    learner.type("Huế")
    learner.pick("7")
    assert learner.state.onboarded and learner.state.province == "hue" and learner.state.lesson_hour == 7
    learner.type("bài học")
    assert learner.state.step == Step.READING
    learner.type("1")  # "I've read it" is the only choice
    assert learner.state.step == Step.QUIZ
    lesson = library.curriculum("vi").lessons[learner.state.lesson_id]
    first, second = lesson.questions[:2]
    learner.type(options.number(learner.state.chat_id, first, first.correct_index))  # by number
    assert learner.last.answered is not None and "Đúng rồi" in learner.last.answered.verdict
    learner.type(options.letter(learner.state.chat_id, second, second.correct_index).lower())  # by letter
    assert lesson.id in learner.state.completed and learner.state.quiz_correct == 0


@pytest.mark.parametrize(
    ("words", "command"),
    [
        ("bài học", "lesson"), ("Bài Học!", "lesson"), ("bai hoc", "lesson"), ("tiến độ", "progress"),
        ("cài đặt", "settings"), ("trợ giúp", "help"), ("dừng", "stop"), ("dữ liệu của tôi", "mydata"),
        ("xoá dữ liệu", "forget"), ("xóa dữ liệu", "forget"), ("lesson", "lesson"), ("Progress", "progress"),
        ("settings", "settings"), ("help", "help"), ("stop", "stop"), ("my data", "mydata"),
        ("delete my data", "forget"),
    ],
)  # fmt: skip
def test_words_work_as_commands_in_both_languages(library, morning, words, command):
    learner = Typist(library, morning)
    learner.onboard()
    by_words = handle(learner.state, Text(words), Context(library, morning))
    by_command = handle(learner.state, Command(command), Context(library, morning))
    assert by_words == by_command


def test_unaccented_words_that_could_mean_something_else_are_not_commands(library, morning):
    learner = Typist(library, morning)
    learner.onboard()
    outcome = handle(learner.state, Text("dung"), Context(library, morning))  # «đúng»? «dùng»? not «dừng»
    assert not outcome.state.paused
