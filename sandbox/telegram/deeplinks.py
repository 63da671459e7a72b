"""Deep links: what tapping ``t.me/<bot>?start=...`` or ``?startgroup=...`` does.

- ``https://t.me/<bot>?start=<payload>`` opens the private chat and, when the
  person taps Start, sends ``/start <payload>`` (a bot_command entity covers
  ``/start``). A person who had blocked the bot unblocks it by doing so.
- ``https://t.me/<bot>?startgroup=<payload>`` lets the person pick a group of
  theirs and add the bot: the bot gets ``my_chat_member`` (left -> member,
  ``from`` = that person), the group shows the ``new_chat_members`` service
  message, and the person's client sends ``/start@<bot> <payload>`` in the
  group (addressed to the bot, so privacy mode lets it through).

The payload is up to 64 characters of ``A-Za-z0-9_-``; Telegram ignores a
link with anything else, so the sandbox refuses to play one.
"""

from __future__ import annotations

import re

MAX_PAYLOAD = 64
_PAYLOAD = re.compile(r"[A-Za-z0-9_-]{0,64}\Z")


def check_payload(payload: str) -> str:
    """Return ``payload`` if a deep link may carry it, else raise ``ValueError``."""
    if not _PAYLOAD.match(payload):
        raise ValueError(
            f"deep-link payload must be at most {MAX_PAYLOAD} characters of A-Za-z0-9_-, got {payload!r}"
        )
    return payload


def start_text(payload: str, bot_username: str | None = None) -> str:
    """The text the client sends: ``/start``, ``/start <payload>`` or ``/start@bot <payload>``."""
    command = "/start" if bot_username is None else f"/start@{bot_username}"
    return f"{command} {payload}" if payload else command
