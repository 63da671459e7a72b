"""The result of handling one event: what to show, what the learner becomes, what to record."""

from __future__ import annotations

from dataclasses import dataclass, field

from flows.effects import Effect
from flows.replies import Message, Reply
from flows.state import LearnerState


@dataclass(slots=True)
class Outcome:
    state: LearnerState
    replies: list[Reply] = field(default_factory=list)
    effects: list[Effect] = field(default_factory=list)
    notice: str | None = None  # the short answer shown on a pressed button
    close_buttons: bool = False  # take the buttons off the pressed message
    edit: Message | None = None  # the pressed message becomes this (an answered question: its feedback)
    persist: bool = True  # False when nothing about this chat may be stored
