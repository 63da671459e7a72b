"""The result of handling one event: what to show, what the learner becomes, what to record."""

from __future__ import annotations

from dataclasses import dataclass, field

from flows.effects import Effect
from flows.replies import Reply
from flows.state import LearnerState


@dataclass(slots=True)
class Outcome:
    state: LearnerState
    replies: list[Reply] = field(default_factory=list)
    effects: list[Effect] = field(default_factory=list)
    notice: str | None = None  # the short answer shown on a pressed button
    close_buttons: bool = False  # take the buttons off the pressed message (an answered question)
    persist: bool = True  # False when nothing about this chat may be stored
