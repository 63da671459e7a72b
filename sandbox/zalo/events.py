"""The update objects a Zalo bot receives, one per user action.

Documented: ``event_name``, and a ``message`` with ``message_id`` (hex),
``date`` (ms), ``text`` (text messages), ``chat`` and ``from``. There is no
``update_id``. Guessed (the published facts name no fields for them, so a bot
should read them defensively): an image carries ``photo_url`` and an optional
``caption``; a sticker carries ``sticker`` (its id) and ``url`` (its
picture). These are the names python-zalo-bot parses and the official
examples show, but they are not in the facts this sandbox follows.
"""

from __future__ import annotations

from typing import Any

TEXT_RECEIVED = "message.text.received"
IMAGE_RECEIVED = "message.image.received"
STICKER_RECEIVED = "message.sticker.received"
UNSUPPORTED_RECEIVED = "message.unsupported.received"
EVENT_NAMES = (TEXT_RECEIVED, IMAGE_RECEIVED, STICKER_RECEIVED, UNSUPPORTED_RECEIVED)

PHOTO_URL_FIELD = "photo_url"  # guessed
CAPTION_FIELD = "caption"  # guessed
STICKER_FIELD = "sticker"  # guessed
STICKER_URL_FIELD = "url"  # guessed


def message_update(
    event_name: str,
    *,
    message_id: str,
    date: int,
    chat: dict[str, Any],
    sender: dict[str, Any],
    content: dict[str, Any],
) -> dict[str, Any]:
    """One update as getUpdates returns it and the webhook receives it."""
    if event_name not in EVENT_NAMES:
        raise ValueError(f"unknown event {event_name!r}")
    message: dict[str, Any] = {
        "message_id": message_id,
        "date": date,
        "chat": dict(chat),
        "from": dict(sender),
    }
    message.update(content)
    return {"event_name": event_name, "message": message}
