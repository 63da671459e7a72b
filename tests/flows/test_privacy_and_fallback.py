"""Stop, my data, forget; and the answers to everything else a person can send."""

from __future__ import annotations

import pytest

from flows.effects import ForgetLearner
from flows.events import Blocked, Press, Unblocked
from flows.replies import PersonalData
from flows.state import Step
from tests.flows.transcript import Learner


@pytest.fixture
def learner(library, morning) -> Learner:
    person = Learner(library, morning)
    person.onboard()
    return person


def test_stop_pauses_and_start_resumes(learner):
    learner.command("stop")
    assert learner.state.paused and "/start" in learner.text
    learner.command("settings")
    assert "tạm dừng" in learner.text
    learner.command("start")
    assert not learner.state.paused and "quay lại" in learner.text


def test_mydata_asks_the_host_for_the_document(learner):
    learner.command("mydata")
    assert any(isinstance(r, PersonalData) for r in learner.last.replies)


def test_forget_needs_confirmation_and_no_keeps_everything(learner):
    learner.command("forget")
    assert learner.state.step == Step.FORGET and not learner.last.effects
    learner.press("Không, giữ lại")
    assert learner.state.onboarded and learner.state.step == Step.READY


def test_forget_yes_deletes_and_stores_nothing_more(learner):
    learner.command("forget")
    learner.press("Có, xóa hết")
    assert any(isinstance(e, ForgetLearner) for e in learner.last.effects)
    assert learner.state.step == Step.NEW and not learner.stored
    learner.type("hello")
    assert not learner.stored and "/start" in learner.text


def test_forget_mid_quiz_declined_returns_to_the_quiz(learner):
    learner.start_quiz()
    learner.command("forget")
    learner.press("Không, giữ lại")
    assert learner.state.step == Step.QUIZ


@pytest.mark.parametrize(
    ("kind", "words"),
    [
        ("sticker", "chỉ đọc được chữ"),
        ("photo", "chỉ đọc được chữ"),
        ("voice", "tin nhắn thoại"),
        ("video_note", "tin nhắn thoại"),
        ("contact", "số điện thoại"),
        ("location", "vị trí"),
        ("dice", "chỉ đọc được chữ"),
    ],
)
def test_non_text_gets_a_kind_answer_and_keeps_state(learner, kind, words):
    learner.start_quiz()
    before = learner.state
    learner.sends(kind)
    assert words in learner.text
    assert learner.state == before
    assert "Câu 1/2" in learner.text  # the question is asked again so they can carry on


@pytest.mark.parametrize(
    "token",
    [
        "",
        "nonsense",
        "ans:no-such-question:1",
        "ans:m0-buttons-screen-charging-q1:9",
        "prov:atlantis",
        "lang:fr",
        "read:m9-nothing",
        "x" * 64,
        "set:password",
        "forget:maybe",
        "hour:99",
        "provpage:77",
        "ans:" + "a" * 70,
        "skip:language",
    ],
)
def test_forged_or_stale_buttons_are_answered_politely(learner, token):
    before = learner.state
    learner.send(Press(token))
    assert learner.state == before
    assert learner.last.ack and learner.messages


def test_unknown_command_and_free_text(learner):
    learner.command("pay")
    assert "/help" in learner.text
    learner.type("chuyển tiền cho tôi")
    assert "chưa hiểu" in learner.text
    assert learner.messages[-1].shortcuts  # the menu comes back


def test_blocking_marks_inactive_silently_and_unblocking_reactivates(learner):
    learner.send(Blocked())
    assert not learner.state.active and not learner.last.replies
    learner.send(Unblocked())
    assert learner.state.active


def test_strangers_are_not_stored_until_they_start(library, morning):
    stranger = Learner(library, morning)
    stranger.type("hi")
    assert not stranger.stored and "/start" in stranger.text
    stranger.send(Press("lesson"))
    assert not stranger.stored and stranger.last.ack
