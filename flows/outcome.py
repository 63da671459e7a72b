"""The result of handling one event: what to show, what the learner becomes, what to record."""

from __future__ import annotations

from dataclasses import dataclass, field

from flows.effects import Effect
from flows.replies import Answered, Reply
from flows.state import LearnerState


@dataclass(slots=True)
class Outcome:
    state: LearnerState
    replies: list[Reply] = field(default_factory=list)
    effects: list[Effect] = field(default_factory=list)
    ack: str | None = None  # a few words acknowledging a choice (Telegram shows them briefly)
    settled: bool = False  # the choices just used are spent (Telegram takes the buttons away)
    answered: Answered | None = None  # the question just answered, with its verdict
    persist: bool = True  # False when nothing about this chat may be stored
    # A checked message the host keeps for a few minutes, outside the database and the logs, in
    # case the person reports it; None leaves whatever it kept.
    hold: str | None = None
