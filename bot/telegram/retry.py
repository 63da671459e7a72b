"""Honouring Telegram's 429: aiogram neither waits nor retries, so this request middleware does.

A metered call (one that sends or edits a message) retries at once: the send budget inside this
middleware has already heard of the 429 and makes the retry wait, for that chat alone or for the
whole bot as the budget judged. Any other call waits out its own `retry_after` before retrying;
that wait holds for that call only.
"""

from __future__ import annotations

import asyncio

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import TelegramMethod
from aiogram.methods.base import Response, TelegramType

from bot.telegram.send_budget import METERED_METHODS


class RetryAfter(BaseRequestMiddleware):
    def __init__(self, attempts: int = 5) -> None:
        self.attempts = attempts
        self.retries = 0

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        metered = method.__api_method__ in METERED_METHODS and getattr(method, "chat_id", None) is not None
        for attempt in range(self.attempts):
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as error:
                if attempt == self.attempts - 1:
                    raise
                self.retries += 1
                if not metered:
                    await asyncio.sleep(error.retry_after)
        raise AssertionError("unreachable")  # pragma: no cover
