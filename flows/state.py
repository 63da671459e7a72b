"""A learner as the flows see them: everything a conversation needs to decide its next step.

Frozen so that a flow can only change a learner by returning a new value, which the host saves
together with the effects; there is no half-applied change to worry about.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum


class Step(StrEnum):
    """Where the learner is in the conversation. Saved, so a learner who leaves mid-way resumes."""

    NEW = "new"  # never pressed /start (or forgot their data)
    LANGUAGE = "language"
    GROUP = "group"
    PROVINCE = "province"
    HOUR = "hour"
    HOUR_TYPED = "hour_typed"  # asked to type an hour after choosing "other"
    READY = "ready"  # onboarded, nothing in progress
    READING = "reading"  # a lesson is shown, waiting for "I've read it"
    QUIZ = "quiz"
    FORGET = "forget"  # waiting for the confirmation of /forget
    CERT_NAME = "cert_name"  # asked how their name should be written on a certificate
    CHECK = "check"  # asked to paste a message to check for scams (/check)


ONBOARDING = (Step.LANGUAGE, Step.GROUP, Step.PROVINCE, Step.HOUR)


@dataclass(frozen=True, slots=True)
class LearnerState:
    chat_id: str
    step: Step = Step.NEW
    language: str | None = None
    language_hint: str = "vi"
    group: str | None = None
    province: str | None = None
    lesson_hour: int | None = None
    onboarded: bool = False
    editing: bool = False  # answering one question from settings, not the whole onboarding
    resume_step: Step = Step.READY  # where to return after settings or a declined /forget
    paused: bool = False
    active: bool = True
    province_page: int = 0
    lesson_id: str | None = None
    question_index: int = 0
    quiz_correct: int = 0
    completed: frozenset[str] = field(default_factory=frozenset)
    answered: int = 0
    correct: int = 0
    streak: int = 0
    last_study_day: date | None = None
    freeze_used_on: date | None = None  # the last missed day forgiven by the weekly streak freeze
    last_opened_on: date | None = None  # the last day the learner opened (read) a lesson
    tip_cursor: int = 0  # how many tips of the day this learner has been sent
    tip_cycle_started: date | None = None  # when the current round through all tips began
    # (token, letter) of each choice of the last message that offered any: a typed number or
    # letter picks one of these (flows.typed_choices)
    offered: tuple[tuple[str, str], ...] = ()
    passed: frozenset[str] = field(default_factory=frozenset)  # lessons whose quiz scored 60%+
    certificates: tuple[tuple[str, str], ...] = ()  # (module id, code) in the order earned
    certificate_name: str | None = None  # the name printed on certificates, as the learner chose
    cafe_code: str | None = None  # the café whose link brought them (t.me/<bot>?start=cafe_<code>)
    drills_done: int = 0  # spot-the-scam drills answered (/practice), and how many rightly
    drills_right: int = 0

    @property
    def lang(self) -> str:
        return self.language or self.language_hint

    def but(self, **changes: object) -> LearnerState:
        return replace(self, **changes)  # type: ignore[arg-type]
