"""Every message the bot sends or edits waits for the bot's send budget (scheduler.budget), through
python-telegram-bot's own hook for this: a `telegram.ext.BaseRateLimiter` on the bot (an ExtBot).

Why a rate limiter, rather than a `telegram.request.BaseRequest` wrapping HTTPXRequest or an
override of `Bot._post`/`_do_post`: the request layer sees only a URL and encoded form data, so it
would cut the method name out of the URL and parse a 429's body again before PTB turns it into
RetryAfter; `_post`/`_do_post` are private and may change in any release. The rate limiter is
public API made for exactly this job: PTB hands it every request but getUpdates, with the method
name and the parameters as values (chat_id as given), and a 429 arrives as
`telegram.error.RetryAfter`, which the limiter may retry.

The rules are aiogram's (bot.telegram.send_budget, bot.telegram.retry), shared where they can be:
the metered methods, the chat key, and the turn's lane counter, so that both libraries count a
turn's messages alike.
- Replies (`lane` None): the first message of a turn goes in the first lane, the rest in the reply
  lane. A 429 is tried again, up to `attempts` calls in all: a metered call at once, since the
  budget heard of the 429 and makes the next acquire wait (for the chat, or the whole bot); any
  other call after its own retry_after.
- The outbox (`Lane.BULK`, one attempt): a 429 goes back to the delivery worker as RetryAfter, so
  the row waits in the queue instead of holding a batch.
"""

from __future__ import annotations

import asyncio
import warnings
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter
from telegram.warnings import PTBDeprecationWarning

from bot.telegram.send_budget import METERED_METHODS, budget_chat_id, turn_lane
from scheduler.budget import Lane, SendBudget

REPLY_ATTEMPTS = 5  # as aiogram's RetryAfter middleware

Result = bool | dict[str, Any] | list[dict[str, Any]]


def retry_seconds(error: RetryAfter) -> float:
    """The pause Telegram asked for. PTB 22 warns when `retry_after` is read as a number (it is
    becoming a timedelta); either form is taken here, without the warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value: Any = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class BudgetLimiter(BaseRateLimiter[Any]):
    """Acquire before each metered request, tell the budget about a 429, retry replies."""

    def __init__(self, budget: SendBudget, bot_key: int, lane: Lane | None = None, attempts: int = 1) -> None:
        if attempts < 1:
            raise ValueError("attempts must be at least 1")
        self.budget = budget
        self.bot_key = bot_key
        self.lane = lane
        self.attempts = attempts
        self.retries = 0

    async def initialize(self) -> None:
        """Nothing to open: the budget belongs to the app, which closes it."""

    async def shutdown(self) -> None:
        """Nothing to close (see `initialize`)."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Any,
    ) -> Result:
        chat_id = data.get("chat_id")
        chat_key = budget_chat_id(chat_id) if isinstance(chat_id, int | str) else None
        metered = endpoint in METERED_METHODS and chat_key is not None
        for attempt in range(self.attempts):
            try:
                if metered and chat_key is not None:
                    return await self._metered(chat_key, callback, args, kwargs)
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                if attempt == self.attempts - 1:
                    raise
                self.retries += 1
                if not metered:
                    await asyncio.sleep(retry_seconds(error))
        raise AssertionError("unreachable")  # pragma: no cover

    async def _metered(
        self,
        chat_key: int,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
    ) -> Result:
        lane = self.lane if self.lane is not None else turn_lane()
        await self.budget.acquire(self.bot_key, chat_key, lane)
        try:
            return await callback(*args, **kwargs)
        except RetryAfter as error:
            await self.budget.note_429(self.bot_key, chat_key, retry_seconds(error), lane)
            raise
