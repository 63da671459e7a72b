"""Where a learner sees an option: options are shuffled per learner and question
(flows.option_order), so tests that answer by letter, number or label ask here."""

from __future__ import annotations

from content.model import Question
from flows.option_order import option_order

LETTERS = "ABCD"


def place(chat_id: str | int, question: Question, index: int) -> int:
    """The option's place on the learner's screen (0 first), from its index in the file."""
    return option_order(str(chat_id), question.id, len(question.options)).index(index)


def number(chat_id: str | int, question: Question, index: int) -> str:
    return str(place(chat_id, question, index) + 1)


def letter(chat_id: str | int, question: Question, index: int) -> str:
    return LETTERS[place(chat_id, question, index)]


def label(chat_id: str | int, question: Question, index: int) -> str:
    """The option's button label on Telegram."""
    return f"{letter(chat_id, question, index)}. {question.options[index].text}"
