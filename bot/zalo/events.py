"""Zalo updates -> flow events. Zalo sends text, pictures, stickers and "unsupported" messages;
everything maps to some event, and a slash command typed as text is a command as on Telegram."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flows.events import Event, Unsupported, typed

_KINDS = {
    "message.image.received": "photo",
    "message.sticker.received": "sticker",
    "message.unsupported.received": "other",
}


@dataclass(frozen=True, slots=True)
class Incoming:
    chat_id: str
    message_id: str | None  # the redelivery key (Zalo updates carry no update id)
    event: Event
    display_name: str | None = None  # offered when a certificate asks for a name


def from_update(update: Any) -> Incoming | None:
    """None for what is not a learner writing in a private chat (groups, malformed updates)."""
    if not isinstance(update, dict):
        return None
    if "event_name" not in update and isinstance(update.get("result"), dict):
        update = update["result"]  # a push shaped like a getUpdates answer
    message = update.get("message")
    if not isinstance(message, dict) or not isinstance(message.get("chat"), dict):
        return None
    chat = message["chat"]
    chat_id = chat.get("id")
    if not isinstance(chat_id, str | int) or str(chat.get("chat_type", "PRIVATE")).upper() != "PRIVATE":
        return None
    sender = message.get("from")
    if isinstance(sender, dict) and sender.get("is_bot"):
        return None
    message_id = message.get("message_id")
    key = str(message_id) if isinstance(message_id, str | int) and str(message_id) else None
    name = sender.get("display_name") if isinstance(sender, dict) else None
    event = _event(str(update.get("event_name", "")), message)
    return Incoming(str(chat_id)[:64], key, event, name if isinstance(name, str) else None)


def _event(name: str, message: dict[str, Any]) -> Event:
    text = message.get("text")
    if name in _KINDS or not isinstance(text, str) or not text:
        return Unsupported(_KINDS.get(name, "other"))
    return typed(text)
