"""Spotting Telegram-style HTML in texts the bot sends.

Zalo shows every text verbatim: ``<b>Bài 1</b>`` reaches the learner with the
angle brackets. The sandbox records such texts unchanged (as the platform
would) and counts them, so tests can assert that the bot sent no markup left
over from its Telegram rendering.
"""

from __future__ import annotations

import re

_TAGS = "b|strong|i|em|u|ins|s|strike|del|a|code|pre|span|tg-spoiler|tg-emoji|blockquote|br"
_TAG = re.compile(rf"</?(?:{_TAGS})(?:\s[^<>]*)?/?>", re.IGNORECASE)


def looks_like_markup(text: str | None) -> bool:
    """Whether ``text`` contains a tag Telegram's HTML parse mode would have interpreted."""
    return bool(text) and _TAG.search(text or "") is not None
