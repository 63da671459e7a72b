"""Certificates as a learner meets them: earned by passing every quiz of a module (60% or better,
retakes allowed), named the way the learner asks, listed in progress, and checkable by anyone."""

from __future__ import annotations

from datetime import datetime

import pytest

from content.library import Library
from flows import certificates
from flows.effects import CertificateIssued
from flows.events import Command, Press
from flows.replies import Certificate
from flows.state import Step
from tests.flows.transcript import Learner


def _finish_module(learner: Learner, module_index: int = 0, right: bool = True) -> None:
    """Take every lesson of one module, a day apart, all answers right (or all wrong)."""
    module = learner.library.curriculum("vi").modules[module_index]
    for _ in module.lessons:
        learner.next_day()
        learner.take_lesson(right)


def _certificates(learner: Learner) -> list[Certificate]:
    return [r for r in learner.last.replies if isinstance(r, Certificate)]


@pytest.fixture
def learner(library: Library, morning: datetime) -> Learner:
    someone = Learner(library, morning)
    someone.onboard()
    return someone


def test_passing_a_module_asks_for_the_name_then_issues_the_certificate(learner: Learner) -> None:
    _finish_module(learner)
    assert learner.state.step == Step.CERT_NAME
    assert "ghi tên" in learner.text.lower()
    learner.press("Lan")  # the chat's first name, offered as a button
    [issued] = _certificates(learner)
    module = learner.library.curriculum("vi").modules[0]
    assert issued.name == "Lan"
    assert issued.module == module.title
    assert issued.title == "Giấy chứng nhận"
    assert f"/verify_{issued.code}" in issued.caption
    assert certificates.normal_code(issued.code) == issued.code
    assert learner.state.step == Step.READY
    assert learner.state.certificates == ((module.id, issued.code),)
    assert [type(e) for e in learner.last.effects] == [CertificateIssued]


def test_a_typed_name_is_printed_as_typed_without_stray_spaces(learner: Learner) -> None:
    _finish_module(learner)
    learner.type("  Nguyễn   Thị\tLan ")
    [issued] = _certificates(learner)
    assert issued.name == "Nguyễn Thị Lan"
    assert learner.state.certificate_name == "Nguyễn Thị Lan"


@pytest.mark.parametrize("unprintable", ["🙂🙂", "12345", "x" * 61])
def test_a_name_that_cannot_be_printed_is_asked_again(learner: Learner, unprintable: str) -> None:
    _finish_module(learner)
    learner.type(unprintable)
    assert not _certificates(learner)
    assert learner.state.step == Step.CERT_NAME
    assert "gõ lại" in learner.text


def test_the_second_module_uses_the_name_already_given(learner: Learner) -> None:
    _finish_module(learner, 0)
    learner.type("Trần Văn Minh")
    _finish_module(learner, 1)
    [issued] = _certificates(learner)
    assert issued.name == "Trần Văn Minh"
    assert issued.module == learner.library.curriculum("vi").modules[1].title
    assert len(learner.state.certificates) == 2
    assert len({code for _, code in learner.state.certificates}) == 2


def test_a_failed_quiz_offers_a_retake_and_the_certificate_waits_for_it(learner: Learner) -> None:
    module = learner.library.curriculum("vi").modules[0]
    learner.next_day()
    learner.take_lesson(right=False)
    failed = module.lessons[0].id
    assert "6 trên 10" in learner.text
    assert failed not in learner.state.passed
    for _ in module.lessons[1:]:
        learner.next_day()
        learner.take_lesson()
    assert learner.state.step != Step.CERT_NAME  # one lesson is still under 60%
    assert not learner.state.certificates
    learner.next_day()
    learner.send(Press(f"retake:{failed}"))  # the button under that lesson's score
    learner.press("Tôi đã đọc xong")
    assert learner.state.lesson_id == failed
    learner.answer_all(right=True)
    assert failed in learner.state.passed
    assert learner.state.step == Step.CERT_NAME


def test_once_every_lesson_is_taken_the_next_lesson_is_a_retake(learner: Learner) -> None:
    order = learner.library.lesson_order
    failed = order[3]
    learner.state = learner.state.but(completed=frozenset(order), passed=frozenset(order) - {failed})
    learner.next_day()
    learner.command("lesson")
    assert learner.state.lesson_id == failed


def test_the_retake_button_reopens_the_lesson(learner: Learner) -> None:
    learner.next_day()
    learner.take_lesson(right=False)
    failed = learner.library.curriculum("vi").modules[0].lessons[0].id
    learner.press("Học lại")
    assert learner.state.step == Step.READING
    assert learner.state.lesson_id == failed


def test_progress_lists_the_certificates_earned(learner: Learner) -> None:
    _finish_module(learner)
    learner.press("Lan")
    code = learner.state.certificates[0][1]
    learner.command("progress")
    assert f"/verify_{code}" in learner.text
    assert "Giấy chứng nhận" in learner.text


def test_anyone_can_verify_a_code_and_a_made_up_one_is_refused(
    learner: Learner, library: Library, morning: datetime
) -> None:
    _finish_module(learner)
    learner.type("Nguyễn Thị Lan")
    code = learner.state.certificates[0][1]
    stranger = Learner(library, morning, chat_id="777", hint="en")
    stranger.register = learner.register
    stranger.send(Command(f"verify_{code.lower()}"))  # Telegram lowers nothing, people do
    assert "Valid" in stranger.text and "N. T. L." in stranger.text
    assert learner.library.curriculum("en").modules[0].title in stranger.text
    assert not stranger.stored  # asking leaves no trace of the stranger
    stranger.send(Command("verify", code.replace("0", "O")))
    assert "Valid" in stranger.text
    stranger.send(Command("verify", "7K3M9Q2XH4B8R1TC"))
    assert "Not valid" in stranger.text
    stranger.send(Command("verify"))
    assert "/verify" in stranger.text and "Valid" not in stranger.text
    learner.send(Command(f"verify_{code}"))
    assert "Hợp lệ" in learner.text and "Không hợp lệ" not in learner.text


def test_the_final_certificate_comes_after_every_module(learner: Learner) -> None:
    modules = learner.library.curriculum("vi").modules
    for index in range(len(modules)):
        _finish_module(learner, index)
        if index == 0:
            learner.press("Lan")
    modules_done = [m for m, _ in learner.state.certificates]
    assert modules_done == [*(m.id for m in modules), certificates.FINAL]
    final = _certificates(learner)[-1]
    assert final.module == "Toàn bộ khoá học kỹ năng số"


def test_a_daily_lesson_still_comes_while_the_name_question_waits(learner: Learner) -> None:
    from flows.context import Context
    from flows.daily import daily_lesson

    _finish_module(learner)
    learner.next_day()
    outcome = daily_lesson(learner.state, Context(learner.library, learner.now))
    assert outcome is not None and outcome.state.step == Step.READING
    learner.state, learner.last = outcome.state, outcome
    learner.press("Tôi đã đọc xong")
    learner.answer_all()
    assert learner.state.step == Step.CERT_NAME  # asked again when that lesson ends


def test_a_forged_name_button_outside_the_question_is_a_stale_button(learner: Learner) -> None:
    learner.send(Press("certname"))
    assert learner.state.certificate_name is None
    assert not _certificates(learner)


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("7k3m-9q2x-h4b8-r1tc", "7K3M9Q2XH4B8R1TC"),
        ("7K3M 9Q2X H4B8 RITC", "7K3M9Q2XH4B8R1TC"),  # I read as 1
        ("O000000000000000", "0000000000000000"),  # O read as 0
        ("7K3M9Q2XH4B8R1T", None),  # too short
        ("7K3M9Q2XH4B8R1TU", None),  # U is not in the alphabet
    ],
)
def test_codes_survive_the_usual_copying_mistakes(typed: str, code: str | None) -> None:
    assert certificates.normal_code(typed) == code


def test_codes_carry_80_bits_and_do_not_repeat() -> None:
    import os

    codes = {certificates.new_code(os.urandom(16), 0) for _ in range(2000)}
    assert len(codes) == 2000
    assert all(len(c) == 16 and certificates.normal_code(c) == c for c in codes)
