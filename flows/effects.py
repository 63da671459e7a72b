"""Facts the flows want recorded beyond the learner's own state. The host applies them in the same
transaction as the state change, so a crash never records an answer without its state or the
reverse."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flows.certificate_record import CertificateRecord


@dataclass(frozen=True, slots=True)
class QuestionAnswered:
    lesson_id: str
    question_id: str
    option: int
    correct: bool
    at: datetime


@dataclass(frozen=True, slots=True)
class LessonFinished:
    lesson_id: str
    correct: int
    total: int
    at: datetime


@dataclass(frozen=True, slots=True)
class ReviewAnswered:
    """An answer to a question brought back for review: moves it up a Leitner box or back to one."""

    question_id: str
    correct: bool
    at: datetime


@dataclass(frozen=True, slots=True)
class CertificateIssued:
    """Kept so that anyone can check the code later; deleted with the learner."""

    record: CertificateRecord


@dataclass(frozen=True, slots=True)
class ReportFiled:
    """A message the person chose to report: already stripped of their phone numbers and name."""

    text: str
    light: str
    signals: tuple[str, ...]
    at: datetime


@dataclass(frozen=True, slots=True)
class DrillAnswered:
    """A spot-the-scam drill answered; a wrong one comes back for review like a quiz question."""

    drill_id: str
    correct: bool
    at: datetime


@dataclass(frozen=True, slots=True)
class ForgetLearner:
    """Delete every row about this learner (Decree 13/2023: the right to deletion)."""


Effect = (
    QuestionAnswered | LessonFinished | ReviewAnswered | CertificateIssued | ReportFiled | DrillAnswered
    | ForgetLearner
)
