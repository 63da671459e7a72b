"""Reading and checking the fields of a call, with the documented limits.

Unknown or extra fields are ignored, as the platform does; a wrong type or a
value outside the documented range is a 400. Lengths are Python ``str``
lengths (code points): the platform says "characters" and no more.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from sandbox.zalo.errors import bad_request

MAX_TEXT = 2000
MAX_CAPTION = 2000
CHAT_ACTIONS = frozenset({"typing", "upload_photo"})


def chat_id(body: dict[str, Any]) -> str:
    value = body.get("chat_id")
    if value is None:
        raise bad_request("chat_id is required")
    if not isinstance(value, str):
        raise bad_request("chat_id must be a string")
    if not value:
        raise bad_request("chat_id is empty")
    return value


def text(body: dict[str, Any]) -> str:
    value = body.get("text")
    if not isinstance(value, str):
        raise bad_request("text is required and must be a string")
    if not 1 <= len(value) <= MAX_TEXT:
        raise bad_request(f"text must be 1 to {MAX_TEXT} characters (got {len(value)})")
    return value


def caption(body: dict[str, Any]) -> str | None:
    value = body.get("caption")
    if value is None:
        return None
    if not isinstance(value, str):
        raise bad_request("caption must be a string")
    if len(value) > MAX_CAPTION:
        raise bad_request(f"caption must be at most {MAX_CAPTION} characters (got {len(value)})")
    return value


def photo_url(body: dict[str, Any]) -> str:
    """A public http(s) URL the platform fetches: never a path, bytes or a file id."""
    value = body.get("photo")
    if not isinstance(value, str):
        raise bad_request("photo must be an http(s) URL")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise bad_request("photo must be an http(s) URL")
    return value


def sticker(body: dict[str, Any]) -> str:
    value = body.get("sticker")
    if not isinstance(value, str) or not value:
        raise bad_request("sticker must be a sticker id")
    return value


def chat_action(body: dict[str, Any]) -> str:
    value = body.get("action")
    if value not in CHAT_ACTIONS:
        raise bad_request(f"action must be one of {', '.join(sorted(CHAT_ACTIONS))}")
    assert isinstance(value, str)
    return value
