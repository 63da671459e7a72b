"""Keeps aiogram's parametrised response models alive.

aiogram builds `Response[<return type>]` for every Bot API call; pydantic caches those generic
classes only weakly, so each garbage collection throws them away and the next call rebuilds one,
which costs milliseconds. Holding one strong reference per return type the bot uses keeps them in
the cache for the life of the process.
"""

from __future__ import annotations

from typing import Any

from aiogram.methods.base import Response
from aiogram.types import BotCommand, Message, Update, User, WebhookInfo

_RETURN_TYPES: tuple[Any, ...] = (
    Message,
    bool,
    list[Update],
    User,
    WebhookInfo,
    list[BotCommand],
    Message | bool,
)
KEPT = tuple(Response[return_type] for return_type in _RETURN_TYPES)  # type: ignore[valid-type]
