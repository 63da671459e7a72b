"""The text-only form of a reply: what Zalo, the terminal and any channel without buttons show.

Every choice becomes a numbered line, `1. …`, and a quiz option keeps the letter the question
gives it: `2. B. …`. Typing the number (or the letter) is the same action as pressing the button
(`flows.typed_choices`), so a channel that can only send text offers everything a rich one does.
"""

from __future__ import annotations

from content.markup import plain_text
from flows.replies import Answered, Choice, Message


def choice_line(number: int, choice: Choice) -> str:
    prefix = f"{number}. {choice.key}. " if choice.key else f"{number}. "
    return prefix + choice.label


def text_form(message: Message) -> str:
    """The message as plain text with its choices numbered beneath it."""
    text = plain_text(message.text)
    lines = [choice_line(n, choice) for n, choice in enumerate(message.flat_choices(), start=1)]
    return f"{text}\n\n" + "\n".join(lines) if lines else text


def verdict_form(answered: Answered) -> str:
    """An answer's verdict as a new message: the question is already on screen above it."""
    return plain_text(answered.verdict)
