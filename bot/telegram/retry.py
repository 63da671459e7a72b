"""Honouring Telegram's 429: aiogram neither waits nor retries, so this request middleware does.

The wait applies to the whole bot, as Telegram's does: while one call waits out `retry_after`,
every other call made through the session waits too instead of earning more 429s.
"""

from __future__ import annotations

import asyncio
import time

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import TelegramMethod
from aiogram.methods.base import Response, TelegramType


class RetryAfter(BaseRequestMiddleware):
    def __init__(self, attempts: int = 5) -> None:
        self.attempts = attempts
        self.paused_until = 0.0
        self.retries = 0

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        for attempt in range(self.attempts):
            pause = self.paused_until - time.monotonic()
            if pause > 0:
                await asyncio.sleep(pause)
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as error:
                if attempt == self.attempts - 1:
                    raise
                self.retries += 1
                self.paused_until = max(self.paused_until, time.monotonic() + error.retry_after)
        raise AssertionError("unreachable")  # pragma: no cover
