"""Telegram updates -> flow events. Everything a person can send maps to some event."""

from __future__ import annotations

from aiogram.types import CallbackQuery, ChatMemberUpdated, Message

from flows.events import Blocked, Event, Forwarded, Picture, Press, Unblocked, Unsupported, typed

# Message content types that are not text, in the order aiogram's Message exposes them.
_KINDS = (
    "sticker",
    "photo",
    "video",
    "animation",
    "voice",
    "video_note",
    "audio",
    "document",
    "contact",
    "location",
    "venue",
    "poll",
    "dice",
    "game",
    "story",
)


def from_message(message: Message) -> Event:
    if message.forward_origin is not None:  # "is this a scam?": the text, or a picture's caption
        return Forwarded(message.text or message.caption or "")
    if message.photo:  # the largest size Telegram made of it
        return Picture(message.photo[-1].file_id)
    text = message.text
    if text is None:
        kind = next((k for k in _KINDS if getattr(message, k, None) is not None), "other")
        return Unsupported(kind)
    return typed(text)


def from_callback(query: CallbackQuery) -> Event:
    return Press(query.data or "")


def from_member_update(update: ChatMemberUpdated) -> Event | None:
    status = update.new_chat_member.status
    if status == "kicked":
        return Blocked()
    if status == "member" and update.old_chat_member.status == "kicked":
        return Unblocked()
    return None


def language_hint(code: str | None) -> str:
    """The learner's app language until they choose: Vietnamese unless their phone says English."""
    return "en" if code and code.lower().startswith("en") else "vi"
