"""Flow replies as Telegram shows them, whichever library talks to it (aiogram or
python-telegram-bot): HTML text, and a quiz's options spelled out under the question, since a
button can cut a long label."""

from __future__ import annotations

from content.markup import escape
from flows.replies import Answered, Choice, Message


def button_label(choice: Choice) -> str:
    return f"{choice.key}. {choice.label}" if choice.key else choice.label


def telegram_text(message: Message) -> str:
    if not message.keyed:
        return message.text
    options = "\n".join(f"{c.key}. {escape(c.label)}" for c in message.flat_choices())
    return f"{message.text}\n\n{options}"


def answered_text(answered: Answered) -> str:
    """The question as it was asked, then the verdict: what the pressed question is edited into."""
    return f"{telegram_text(answered.question)}\n\n{answered.verdict}"


def telegram_file(path: str) -> str | None:
    """A picture an admin sent the bot is kept as "tg:<file id>", which Telegram takes as it is;
    anything else is a file under content/media."""
    return path.removeprefix("tg:") if path.startswith("tg:") else None
