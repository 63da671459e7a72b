"""The send budget in Redis, shared by every process that sends for the same bots.

The same rules as `LocalSendBudget`, one small Lua script per acquire (EVALSHA through redis-py's
`register_script`) reading the Redis server's clock, so all processes share one clock, one queue
of global slots, one adaptive rate and every chat's pause. Keys are
`{prefix}:{<bot_id>}:pause|global|aimd|recent|chat:<chat_id>`; the braces keep one bot's keys in
one Redis Cluster slot, and every key expires about a second after it stops mattering.

Times are integer microseconds of the Redis clock. Numbers written back go through
string.format: Redis turns a bare Lua number into a string with 14 significant digits, too few
for microseconds since 1970.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Sequence
from typing import Any

from redis.asyncio import Redis
from redis.commands.core import AsyncScript

from scheduler.send_limits import BotKey, Lane, Limits

_NOW = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
local function setx(key, value, till, margin)
  redis.call('SET', key, string.format('%d', value), 'PX', math.ceil((till - now) / 1000) + margin)
end
local function rate_at(at, ceiling, recover)
  local cut = redis.call('HMGET', KEYS[3], 'rate', 'at')
  if not cut[1] then return ceiling end
  local since = at - tonumber(cut[2])
  if since < 0 then since = 0 end
  local rate = tonumber(cut[1]) + recover * since / 1000000
  if rate > ceiling then return ceiling end
  return rate
end
"""

# KEYS: pause, global, aimd, chat. ARGV: chat interval, chat tolerance (µs), ceiling (msg/s),
# recovery (msg/s per s), lane depth (µs, -1 for none), expiry margin (ms).
# Returns {0, wait}: a slot is reserved `wait` µs from now; {1, wait}: paused; {2, wait}: the chat
# is busy; {3, wait}: the queue is too deep for this lane (nothing reserved in those three).
_ACQUIRE = (
    _NOW
    + """
local margin = tonumber(ARGV[6])
local paused = tonumber(redis.call('GET', KEYS[1]) or '0')
if paused > now then return {1, paused - now} end
local chat = tonumber(redis.call('GET', KEYS[4]) or '0')
if chat < now then chat = now end
local tolerance = tonumber(ARGV[2])
if chat - tolerance > now then return {2, chat - tolerance - now} end
local slot = tonumber(redis.call('GET', KEYS[2]) or '0')
if slot < now then slot = now end
local depth = tonumber(ARGV[5])
if depth >= 0 and slot - now > depth then return {3, slot - now - depth} end
local rate = rate_at(slot, tonumber(ARGV[3]), tonumber(ARGV[4]))
local tat = slot + math.floor(1000000 / rate)
setx(KEYS[2], tat, tat, margin)
if slot > chat then chat = slot end
chat = chat + tonumber(ARGV[1])
setx(KEYS[4], chat, chat, margin)
return {0, slot - now}
"""
)

# KEYS: pause, global, aimd, chat, recent. ARGV: retry (µs), chat id, bulk (1/0), chats that make
# it bot-wide, ceiling, recovery, decrease, floor, chat tolerance (µs), expiry margin (ms).
# Returns 1 when the 429 was taken as bot-wide, 0 when only the chat was paused.
_NOTE_429 = (
    _NOW
    + """
local retry = tonumber(ARGV[1])
local margin = tonumber(ARGV[10])
local global = ARGV[3] == '1'
if not global then
  redis.call('ZADD', KEYS[5], now, ARGV[2])
  redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', now - 1000000)
  redis.call('PEXPIRE', KEYS[5], 2000)
  global = redis.call('ZCARD', KEYS[5]) >= tonumber(ARGV[4])
end
if not global then
  local till = now + retry + tonumber(ARGV[9])
  local chat = tonumber(redis.call('GET', KEYS[4]) or '0')
  if till > chat then setx(KEYS[4], till, till, margin) end
  return 0
end
local paused = tonumber(redis.call('GET', KEYS[1]) or '0')
local till = now + retry
if till > paused then setx(KEYS[1], till, till, margin) end
local ceiling = tonumber(ARGV[5])
local recover = tonumber(ARGV[6])
if paused <= now then
  local cut = rate_at(now, ceiling, recover) * tonumber(ARGV[7])
  if cut < tonumber(ARGV[8]) then cut = tonumber(ARGV[8]) end
  redis.call('HSET', KEYS[3], 'rate', string.format('%.6f', cut), 'at', string.format('%d', till))
  local horizon = till + (ceiling - cut) / recover * 1000000
  redis.call('PEXPIRE', KEYS[3], math.ceil((horizon - now) / 1000) + margin)
elseif till > paused then
  redis.call('HSET', KEYS[3], 'at', string.format('%d', till))
end
return 1
"""
)

# KEYS: pause. Returns the µs of pause left, 0 when not paused.
_PAUSE_LEFT = (
    _NOW
    + """
local paused = tonumber(redis.call('GET', KEYS[1]) or '0')
if paused > now then return paused - now end
return 0
"""
)

# KEYS: pause, global, aimd. ARGV: ceiling, recovery. Returns the rate in milli-messages a second.
_RATE = _NOW + "return math.floor(rate_at(now, tonumber(ARGV[1]), tonumber(ARGV[2])) * 1000)"

_GRANTED = 0
_EXPIRY_MARGIN_MS = 1000
_EPSILON = 1e-4
_RECHECK_AFTER = 0.05  # after a longer wait for a reserved slot, check no pause came meanwhile


def _micros(seconds: float) -> int:
    return math.ceil(seconds * 1_000_000)


class RedisSendBudget:
    """At most `max_in_flight` Redis calls run at once per budget object; waiting holds none."""

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
        private, group = limits.chat_schedule(1), limits.chat_schedule(-1)
        self._private = (_micros(private[0]), _micros(private[1]))
        self._group = (_micros(group[0]), _micros(group[1]))
        self._acquire = redis.register_script(_ACQUIRE)
        self._note_429 = redis.register_script(_NOTE_429)
        self._pause_left = redis.register_script(_PAUSE_LEFT)
        self._rate = redis.register_script(_RATE)

    @classmethod
    def from_url(
        cls, url: str, limits: Limits | None = None, *, prefix: str = "hocvuso:budget"
    ) -> RedisSendBudget:
        """A budget with its own client, closed by `close()`."""
        return cls(Redis.from_url(url), limits, prefix=prefix, owns_client=True)

    def _keys(self, bot_id: BotKey, chat_id: int) -> list[str]:
        base = f"{self._prefix}:{{{bot_id}}}"
        return [f"{base}:pause", f"{base}:global", f"{base}:aimd", f"{base}:chat:{chat_id}", f"{base}:recent"]

    async def _run(self, script: AsyncScript, keys: Sequence[str], args: Sequence[float | str]) -> Any:
        async with self._in_flight:
            return await script(keys=list(keys), args=list(args))

    async def rate(self, bot_id: BotKey) -> float:
        limits = self.limits
        args = [limits.ceiling, limits.recover_per_second]
        milli = await self._run(self._rate, self._keys(bot_id, 0)[:3], args)
        return int(milli) / 1000

    async def acquire(self, bot_id: BotKey, chat_id: int, lane: Lane = Lane.BULK) -> None:
        limits = self.limits
        keys = self._keys(bot_id, chat_id)[:4]
        interval, tolerance = self._group if chat_id < 0 else self._private
        depth = limits.depth(lane)
        args = [
            interval, tolerance, limits.ceiling, limits.recover_per_second,
            -1 if math.isinf(depth) else _micros(depth), _EXPIRY_MARGIN_MS,
        ]  # fmt: skip
        while True:
            outcome, micros = await self._run(self._acquire, keys, args)
            wait = int(micros) / 1_000_000
            if int(outcome) != _GRANTED:
                await asyncio.sleep(max(wait, _EPSILON))
                continue
            if wait <= _EPSILON:
                return
            await asyncio.sleep(wait)
            if wait < _RECHECK_AFTER:
                return
            left = int(await self._run(self._pause_left, keys[:1], [])) / 1_000_000
            if left <= 0:
                return
            # Paused while this caller waited for its slot: wait the pause out, then queue again.
            await asyncio.sleep(left)

    async def note_429(self, bot_id: BotKey, chat_id: int, seconds: float, lane: Lane) -> bool:
        limits = self.limits
        tolerance = (self._group if chat_id < 0 else self._private)[1]
        args: list[float | str] = [
            _micros(seconds), str(chat_id), 1 if lane == Lane.BULK else 0, limits.global_after_chats,
            limits.ceiling, limits.recover_per_second, limits.decrease, limits.floor, tolerance,
            _EXPIRY_MARGIN_MS,
        ]  # fmt: skip
        return bool(await self._run(self._note_429, self._keys(bot_id, chat_id), args))

    async def pause(self, bot_id: BotKey, seconds: float) -> None:
        await self.note_429(bot_id, 0, seconds, Lane.BULK)

    async def close(self) -> None:
        if self._owns_client:
            await self._redis.aclose()
