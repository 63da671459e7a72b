"""One outgoing rate budget per bot, shared by every process that sends for it.

Telegram lets a bot send about 30 messages a second in bulk (up to 1000 with paid broadcasts),
about one a second to one private chat (short bursts pass) and 20 a minute to one group; past
that it answers 429 with `retry_after`, and that wait holds for the whole bot. aiogram does not
limit outgoing requests, so every send first waits here: `acquire(bot_id, chat_id)` returns when
one message to that chat may go out, and `pause(bot_id, seconds)` records a 429 for everyone.

The algorithm is GCRA (virtual scheduling): each key keeps one "theoretical arrival time" (TAT).
A message conforms when `TAT - tolerance <= now`, and sending it moves the TAT to
`max(TAT, now) + interval`. With no tolerance (the global key) the sends are evenly spaced,
so any window of W seconds holds at most `W * rate + 1` of them; a private chat has a tolerance of
`chat_burst - 1` intervals, a group one of `group_burst - 1`.

An acquire first looks at the chat. If the chat is not ready the caller sleeps and asks again
without touching the global key, so a slow chat never holds a global slot it is not using. If the
chat is ready, the next global slot is reserved at once (possibly a little in the future: callers
queue in FIFO order instead of waking together and retrying), the chat is charged at that slot's
time, and the caller sleeps until its slot. After such a sleep it checks that no pause arrived in
the meantime; if one did, it waits the pause out and acquires again.

`LocalSendBudget` keeps this in dicts (the embedded default, one process). `RedisSendBudget`
keeps it in Redis, one small Lua script per acquire (EVALSHA through redis-py's `register_script`)
reading the Redis server's clock, so all processes share one clock and one budget. Chat keys
expire shortly after their TAT passes (a key in the past means the same as no key), and the local
budget drops such entries periodically, so a million chats do not stay in memory.

Why not a library: `limits` (PyPI) has Redis storage but only answers hit/test (allowed or
not, no waiting), offers fixed/moving/sliding windows rather than a smooth schedule (the moving
window keeps one entry per request), and cannot check a chat key and reserve a global key in
one atomic step or honour a pause. `aiolimiter` waits, but only inside one process. A waiting
acquisition across processes would have to be built around either of them anyway, so the ~20
lines of GCRA are written here instead.
"""

from __future__ import annotations

import asyncio
import math
import time
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from redis.asyncio import Redis

# A wait shorter than this is not worth a trip through the event loop (0.1 ms).
_EPSILON = 1e-4
# After sleeping at least this long for a reserved slot, check that no pause came meanwhile. A
# message already in flight is exposed to a 429 of the same age, so shorter waits skip the check.
_RECHECK_AFTER = 0.05


@dataclass(frozen=True)
class Limits:
    per_second: float = 30.0  # global, per bot
    per_chat_per_second: float = 1.0  # private chats
    chat_burst: int = 3  # short bursts tolerated in one private chat
    per_group_per_minute: float = 20.0
    group_burst: int = 1  # 1: a group's messages are evenly spaced (one every 3 s at 20/min)

    def __post_init__(self) -> None:
        for name in ("per_second", "per_chat_per_second", "per_group_per_minute"):
            if not getattr(self, name) > 0:
                raise ValueError(f"Limits.{name} must be positive")
        if self.chat_burst < 1 or self.group_burst < 1:
            raise ValueError("Limits.chat_burst and Limits.group_burst must be at least 1")

    @property
    def interval(self) -> float:
        """Seconds between two messages of one bot."""
        return 1.0 / self.per_second

    def chat_schedule(self, chat_id: int) -> tuple[float, float]:
        """(interval, tolerance) in seconds for one chat; groups and channels have negative ids."""
        if chat_id < 0:
            interval = 60.0 / self.per_group_per_minute
            return interval, (self.group_burst - 1) * interval
        interval = 1.0 / self.per_chat_per_second
        return interval, (self.chat_burst - 1) * interval


@runtime_checkable
class SendBudget(Protocol):
    async def acquire(self, bot_id: int, chat_id: int, per_chat: bool = True) -> None:
        """Wait until one message to chat_id may go out (group chats have negative ids).

        `per_chat=False` takes only the bot's global slot: for direct replies, which a learner
        paces by their own taps and which must not queue behind a broadcast to the same chat.
        """
        ...

    async def pause(self, bot_id: int, seconds: float) -> None:
        """Telegram said 429: nobody sends for this bot until `seconds` from now (all processes)."""
        ...

    async def close(self) -> None: ...


@dataclass(slots=True)
class _Bot:
    tat: float = 0.0  # the bot's next free global slot (time.monotonic)
    paused_until: float = 0.0
    chats: dict[int, float] = field(default_factory=dict)  # chat id -> TAT


class LocalSendBudget:
    """The budget in this process's memory: right when one process does all the sending."""

    def __init__(self, limits: Limits | None = None, *, prune_every: float = 10.0) -> None:
        self.limits = limits = limits or Limits()
        self._interval = limits.interval
        self._private = limits.chat_schedule(1)
        self._group = limits.chat_schedule(-1)
        self._bots: dict[int, _Bot] = {}
        self._prune_every = prune_every
        self._next_prune = time.monotonic() + prune_every

    @property
    def tracked_chats(self) -> int:
        """Chat entries held in memory (entries in the past are dropped every `prune_every` s)."""
        return sum(len(bot.chats) for bot in self._bots.values())

    async def acquire(self, bot_id: int, chat_id: int, per_chat: bool = True) -> None:
        bot = self._bots.get(bot_id)
        if bot is None:
            bot = self._bots[bot_id] = _Bot()
        interval, tolerance = self._group if chat_id < 0 else self._private
        while True:
            now = time.monotonic()
            if now >= self._next_prune:
                self._prune(now)
            if bot.paused_until > now:
                await asyncio.sleep(bot.paused_until - now)
                continue
            chats = bot.chats
            chat = chats.get(chat_id, now) if per_chat else now
            if chat < now:
                chat = now
            if chat - tolerance > now + _EPSILON:
                await asyncio.sleep(chat - tolerance - now)
                continue
            slot = bot.tat if bot.tat > now else now
            bot.tat = slot + self._interval
            if per_chat:
                chats[chat_id] = (slot if slot > chat else chat) + interval
            wait = slot - now
            if wait <= _EPSILON:
                return
            await asyncio.sleep(wait)
            if bot.paused_until <= time.monotonic():
                return
            # Paused while this caller waited for its slot: wait the pause out, then queue again.

    async def pause(self, bot_id: int, seconds: float) -> None:
        bot = self._bots.get(bot_id)
        if bot is None:
            bot = self._bots[bot_id] = _Bot()
        bot.paused_until = max(bot.paused_until, time.monotonic() + seconds)

    async def close(self) -> None:
        self._bots.clear()

    def _prune(self, now: float) -> None:
        """Forget chats whose TAT has passed: an absent entry means exactly the same."""
        self._next_prune = now + self._prune_every
        for bot in self._bots.values():
            chats = bot.chats
            for chat_id in [chat_id for chat_id, tat in chats.items() if tat <= now]:
                del chats[chat_id]


# Times are integer microseconds of the Redis server's clock. Numbers written back go through
# string.format('%d'): Redis turns a bare Lua number into a string with 14 significant digits,
# too few for microseconds since 1970.
_NOW = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
"""

# KEYS: paused-until, global TAT, chat TAT.
# ARGV: chat interval, chat tolerance, global interval (all µs), expiry margin (ms), per chat (1/0).
# Returns {0, wait}: a slot is reserved `wait` µs from now; {1, wait}: paused; {2, wait}: the
# chat is busy, ask again in `wait` µs (nothing was reserved).
_ACQUIRE = (
    _NOW
    + """
local paused = tonumber(redis.call('GET', KEYS[1]) or '0')
if paused > now then return {1, paused - now} end
local per_chat = ARGV[5] == '1'
local chat = now
if per_chat then
  local tolerance = tonumber(ARGV[2])
  chat = tonumber(redis.call('GET', KEYS[3]) or '0')
  if chat < now then chat = now end
  if chat - tolerance > now then return {2, chat - tolerance - now} end
end
local margin = tonumber(ARGV[4])
local slot = tonumber(redis.call('GET', KEYS[2]) or '0')
if slot < now then slot = now end
local tat = slot + tonumber(ARGV[3])
redis.call('SET', KEYS[2], string.format('%d', tat), 'PX', math.ceil((tat - now) / 1000) + margin)
if per_chat then
  if slot > chat then chat = slot end
  chat = chat + tonumber(ARGV[1])
  redis.call('SET', KEYS[3], string.format('%d', chat), 'PX', math.ceil((chat - now) / 1000) + margin)
end
return {0, slot - now}
"""
)

# KEYS: paused-until. ARGV: pause (µs), expiry margin (ms).
_PAUSE = (
    _NOW
    + """
local till = now + tonumber(ARGV[1])
local paused = tonumber(redis.call('GET', KEYS[1]) or '0')
if till > paused then
  local ttl = math.ceil((till - now) / 1000) + tonumber(ARGV[2])
  redis.call('SET', KEYS[1], string.format('%d', till), 'PX', ttl)
end
return 0
"""
)

# KEYS: paused-until. Returns the µs of pause left, 0 when not paused.
_PAUSE_LEFT = (
    _NOW
    + """
local paused = tonumber(redis.call('GET', KEYS[1]) or '0')
if paused > now then return paused - now end
return 0
"""
)

_GRANTED = 0
_EXPIRY_MARGIN_MS = 1000


def _micros(seconds: float) -> int:
    return math.ceil(seconds * 1_000_000)


class RedisSendBudget:
    """The budget in Redis, shared by all processes that send for the same bots.

    Keys are `{prefix}:{<bot_id>}:pause|global|chat:<chat_id>`; the braces keep one bot's keys
    in one Redis Cluster slot. Every key expires about a second after it stops mattering. At most
    `max_in_flight` Redis calls run at once per budget object; waiting for a slot holds none.
    """

    def __init__(
        self,
        redis: Redis,
        limits: Limits | None = None,
        *,
        prefix: str = "hocvuso:budget",
        owns_client: bool = False,
        max_in_flight: int = 32,
    ) -> None:
        self.limits = limits = limits or Limits()
        self._redis = redis
        self._prefix = prefix
        self._owns_client = owns_client
        # Callers beyond this many queue here instead of each taking a connection from the pool
        # (redis-py's default pool raises past 100 connections).
        self._in_flight = asyncio.Semaphore(max_in_flight)
        self._interval = _micros(limits.interval)
        private, group = limits.chat_schedule(1), limits.chat_schedule(-1)
        self._private = (_micros(private[0]), _micros(private[1]))
        self._group = (_micros(group[0]), _micros(group[1]))
        self._acquire = redis.register_script(_ACQUIRE)
        self._pause = redis.register_script(_PAUSE)
        self._pause_left = redis.register_script(_PAUSE_LEFT)

    @classmethod
    def from_url(
        cls, url: str, limits: Limits | None = None, *, prefix: str = "hocvuso:budget"
    ) -> RedisSendBudget:
        """A budget with its own client, closed by `close()`."""
        return cls(Redis.from_url(url), limits, prefix=prefix, owns_client=True)

    def _key(self, bot_id: int, name: str) -> str:
        return f"{self._prefix}:{{{bot_id}}}:{name}"

    async def acquire(self, bot_id: int, chat_id: int, per_chat: bool = True) -> None:
        pause_key = self._key(bot_id, "pause")
        keys = [pause_key, self._key(bot_id, "global"), self._key(bot_id, f"chat:{chat_id}")]
        interval, tolerance = self._group if chat_id < 0 else self._private
        args = [interval, tolerance, self._interval, _EXPIRY_MARGIN_MS, 1 if per_chat else 0]
        while True:
            async with self._in_flight:
                outcome, micros = await self._acquire(keys=keys, args=args)
            wait = int(micros) / 1_000_000
            if int(outcome) != _GRANTED:
                await asyncio.sleep(wait)
                continue
            if wait <= _EPSILON:
                return
            await asyncio.sleep(wait)
            if wait < _RECHECK_AFTER:
                return
            async with self._in_flight:
                left = int(await self._pause_left(keys=[pause_key])) / 1_000_000
            if left <= 0:
                return
            # Paused while this caller waited for its slot: wait the pause out, then queue again.
            await asyncio.sleep(left)

    async def pause(self, bot_id: int, seconds: float) -> None:
        async with self._in_flight:
            await self._pause(keys=[self._key(bot_id, "pause")], args=[_micros(seconds), _EXPIRY_MARGIN_MS])

    async def close(self) -> None:
        if self._owns_client:
            await self._redis.aclose()


def open_budget(limits: Limits, redis_url: str | None) -> SendBudget:
    """The Redis budget when REDIS_URL is set (several processes), else the in-process one."""
    if redis_url:
        return RedisSendBudget.from_url(redis_url, limits)
    return LocalSendBudget(limits)
