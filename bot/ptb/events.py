"""PTB updates -> flow events, by the rules aiogram's adapter follows (bot.telegram.events): what
a person typed is `flows.events.typed`, a message's kind is named in the same order, and the
language hint is the same, read off PTB's objects.

The one difference is PTB's: a message without a photo has `photo == ()`, not None, so a kind is
present when its attribute is truthy rather than when it is not None.
"""

from __future__ import annotations

from telegram import ChatMemberUpdated, Message
from telegram.constants import ChatMemberStatus

from bot.telegram.events import _KINDS, language_hint
from flows.events import Blocked, Event, Forwarded, Picture, Press, Unblocked, Unsupported, typed

__all__ = ["from_callback_data", "from_member_update", "from_message", "language_hint"]


def from_message(message: Message) -> Event:
    if message.forward_origin is not None:  # "is this a scam?": the text, or a picture's caption
        return Forwarded(message.text or message.caption or "")
    if message.photo:  # the largest size Telegram made of it
        return Picture(message.photo[-1].file_id)
    text = message.text
    if text is None:
        kind = next((k for k in _KINDS if getattr(message, k, None)), "other")
        return Unsupported(kind)
    return typed(text)


def from_callback_data(data: str | None) -> Event:
    return Press(data or "")


def from_member_update(update: ChatMemberUpdated) -> Event | None:
    status = update.new_chat_member.status
    if status == ChatMemberStatus.BANNED:  # "kicked": the learner blocked the bot
        return Blocked()
    if status == ChatMemberStatus.MEMBER and update.old_chat_member.status == ChatMemberStatus.BANNED:
        return Unblocked()
    return None
