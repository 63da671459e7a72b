"""Typing a choice's number, or a quiz option's letter, is the same action as pressing it.

The flows remember the choices of the last message that offered any (`LearnerState.offered`); a
typed "2" or "b" is then read as a press of that choice's token, and from there on it is one
path with the button: the same validation, the same answer, the same state. A message without
choices leaves the earlier ones in force, as they are still on screen above it.
"""

from __future__ import annotations

import re

from flows.replies import Message, Reply
from flows.state import LearnerState

_NUMBER = re.compile(r"^\s*(\d{1,2})\s*[.)]?\s*$")
_LETTER = re.compile(r"^\s*([A-Za-z])\s*[.)]?\s*$")


def offered(replies: list[Reply]) -> tuple[tuple[str, str], ...] | None:
    """(token, key) of every choice of the last message that offers any; None when none does."""
    for reply in reversed(replies):
        if isinstance(reply, Message) and reply.choices:
            return tuple((choice.token, choice.key) for choice in reply.flat_choices())
    return None


def remember(state: LearnerState, replies: list[Reply]) -> LearnerState:
    shown = offered(replies)
    return state if shown is None or shown == state.offered else state.but(offered=shown)


def typed_token(state: LearnerState, text: str) -> str | None:
    """The token a typed number or letter names, or None when the text is not one (ASCII digits
    only: "²" is not a choice)."""
    if not state.offered:
        return None
    number = _NUMBER.match(text)
    if number and number.group(1).isascii():
        index = int(number.group(1)) - 1
        return state.offered[index][0] if 0 <= index < len(state.offered) else None
    letter = _LETTER.match(text)
    if letter and letter.group(1).isascii():
        key = letter.group(1).upper()
        return next((token for token, choice_key in state.offered if choice_key == key), None)
    return None


def is_choice_like(text: str) -> bool:
    """A number or a single letter: someone picking from a list, even one no longer offered."""
    return bool(_NUMBER.match(text) or _LETTER.match(text))
