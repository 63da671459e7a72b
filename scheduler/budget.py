"""One outgoing rate budget per bot, shared by every process that sends for it.

Telegram lets a bot send about 30 messages a second in bulk (up to 1000 with paid broadcasts),
about one a second to one private chat (short bursts pass) and 20 a minute to one group; past
that it answers 429 with `retry_after`. aiogram neither limits outgoing requests nor retries, so
every message first waits here: `acquire(bot_id, chat_id, lane)` returns when one message to that
chat may go out, and `note_429` tells the budget what Telegram said, pausing one chat or the bot.
The rules (margin, adaptive rate, lanes) are in `scheduler.send_limits`.

`LocalSendBudget` keeps the state in dicts (the embedded default, one process); `RedisSendBudget`
keeps it in Redis so that every process shares one budget.

Why not a library: `limits` (PyPI) has Redis storage but only answers hit/test (allowed or not,
no waiting), offers windows rather than a smooth schedule, and cannot check a chat key and reserve
a global key in one atomic step or adapt its rate. `aiolimiter` waits, but only inside one process.
A waiting, adaptive acquisition across processes would have to be built around either of them
anyway, so the few lines of GCRA are written here instead.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from scheduler.budget_local import LocalSendBudget
from scheduler.budget_redis import RedisSendBudget
from scheduler.send_limits import BotKey, Lane, Limits

__all__ = ["Lane", "Limits", "LocalSendBudget", "RedisSendBudget", "SendBudget", "open_budget"]


@runtime_checkable
class SendBudget(Protocol):
    limits: Limits

    async def acquire(self, bot_id: BotKey, chat_id: int, lane: Lane = Lane.BULK) -> None:
        """Wait until one message to chat_id may go out (group chats have negative ids)."""
        ...

    async def note_429(self, bot_id: BotKey, chat_id: int, seconds: float, lane: Lane) -> bool:
        """Telegram said 429 for a send to chat_id: pause that chat, or the whole bot when the
        limit is plainly bot-wide (then the rate is cut too). True when taken as bot-wide."""
        ...

    async def pause(self, bot_id: BotKey, seconds: float) -> None:
        """A bot-wide 429: nobody sends for this bot until `seconds` from now, and the rate is cut."""
        ...

    async def rate(self, bot_id: BotKey) -> float:
        """The bot's global rate now, in messages a second (below the ceiling after a cut)."""
        ...

    async def close(self) -> None: ...


def open_budget(limits: Limits, redis_url: str | None) -> SendBudget:
    """The Redis budget when REDIS_URL is set (several processes), else the in-process one."""
    if redis_url:
        return RedisSendBudget.from_url(redis_url, limits)
    return LocalSendBudget(limits)
