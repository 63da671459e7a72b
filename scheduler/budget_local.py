"""The send budget in this process's memory: right when one process does all the sending.

GCRA (virtual scheduling): each key keeps one "theoretical arrival time" (TAT). A message conforms
when `TAT - tolerance <= now`, and sending it moves the TAT to `max(TAT, now) + interval`. The
global key has no tolerance, so the bot's messages are evenly spaced, and the times they actually
leave keep to the same rate (`_spaced`), so an event-loop stall never releases a burst.
A caller whose chat is not ready sleeps without touching the global key, so a slow chat never
holds a global slot it is not using. The global interval follows the adaptive rate of
`Limits.rate_after_cut`.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from dataclasses import dataclass, field

from scheduler.send_limits import BotKey, Lane, Limits

_EPSILON = 1e-4  # a wait shorter than this is not worth a trip through the event loop


@dataclass(slots=True)
class _Bot:
    tat: float = 0.0  # the bot's next free global slot (time.monotonic)
    departure: float = 0.0  # the TAT of the bot's actual departures (time.monotonic)
    paused_until: float = 0.0
    cut_rate: float | None = None  # the rate right after the last bot-wide 429
    cut_at: float = 0.0  # when it started growing back
    chats: dict[int, float] = field(default_factory=dict)  # chat id -> TAT
    recent_429: deque[tuple[float, int]] = field(default_factory=deque)

    def rate(self, limits: Limits, at: float) -> float:
        return limits.rate_after_cut(self.cut_rate, at - self.cut_at)


class LocalSendBudget:
    def __init__(self, limits: Limits | None = None, *, prune_every: float = 10.0) -> None:
        self.limits = limits = limits or Limits()
        self._private = limits.chat_schedule(1)
        self._group = limits.chat_schedule(-1)
        self._bots: dict[BotKey, _Bot] = {}
        self._prune_every = prune_every
        self._next_prune = time.monotonic() + prune_every

    @property
    def tracked_chats(self) -> int:
        """Chat entries held in memory (entries in the past are dropped every `prune_every` s)."""
        return sum(len(bot.chats) for bot in self._bots.values())

    def _bot(self, bot_id: BotKey) -> _Bot:
        bot = self._bots.get(bot_id)
        if bot is None:
            bot = self._bots[bot_id] = _Bot()
        return bot

    async def rate(self, bot_id: BotKey) -> float:
        return self._bot(bot_id).rate(self.limits, time.monotonic())

    async def acquire(self, bot_id: BotKey, chat_id: int, lane: Lane = Lane.BULK) -> None:
        bot = self._bot(bot_id)
        interval, tolerance = self._group if chat_id < 0 else self._private
        depth = self.limits.depth(lane)
        while True:
            now = time.monotonic()
            if now >= self._next_prune:
                self._prune(now)
            if bot.paused_until > now:
                await asyncio.sleep(bot.paused_until - now)
                continue
            chat = max(bot.chats.get(chat_id, now), now)
            if chat - tolerance > now + _EPSILON:
                await asyncio.sleep(chat - tolerance - now)
                continue
            slot = max(bot.tat, now)
            if slot - now > depth + _EPSILON:
                await asyncio.sleep(slot - now - depth)
                continue
            bot.tat = slot + 1.0 / bot.rate(self.limits, slot)
            bot.chats[chat_id] = max(slot, chat) + interval
            wait = slot - now
            if wait > _EPSILON:
                await asyncio.sleep(wait)
                if bot.paused_until > time.monotonic():
                    continue  # paused while this caller waited for its slot: wait it out, queue again
            late = self._spaced(bot, time.monotonic())
            if late > _EPSILON:
                await asyncio.sleep(late)
            return

    def _spaced(self, bot: _Bot, now: float) -> float:
        """Seconds to wait so the message's actual departure keeps to the bot's rate.

        Slots are reserved ahead (up to a lane's depth), so when the event loop stalls, callers
        whose slots passed during the stall would all wake at its end and leave together: a burst
        that a strict one-second window counts against the bot. The departures themselves go
        through a second GCRA with a small tolerance: a message late by a few milliseconds costs
        nothing, and after a stall the messages leave at the bot's rate instead of at once, so no
        second of departures holds more than the nominal per-second limit less one. The next free
        slot moves behind the departures, so the time a stall took is lost rather than made up
        by every later caller waiting here (replies included)."""
        gap = 1.0 / bot.rate(self.limits, now)
        tolerance = self.limits.departure_tolerance(gap)
        leaves = max(now, bot.departure - tolerance)
        bot.departure = max(bot.departure, leaves) + gap
        bot.tat = max(bot.tat, bot.departure - tolerance)  # no slot is handed out behind the stall
        return leaves - now

    async def note_429(self, bot_id: BotKey, chat_id: int, seconds: float, lane: Lane) -> bool:
        bot = self._bot(bot_id)
        now = time.monotonic()
        if lane != Lane.BULK:
            recent = bot.recent_429
            recent.append((now, chat_id))
            while recent and recent[0][0] <= now - 1.0:
                recent.popleft()
            if len({chat for _, chat in recent}) < self.limits.global_after_chats:
                tolerance = (self._group if chat_id < 0 else self._private)[1]
                bot.chats[chat_id] = max(bot.chats.get(chat_id, 0.0), now + seconds + tolerance)
                return False
        await self.pause(bot_id, seconds)
        return True

    async def pause(self, bot_id: BotKey, seconds: float) -> None:
        bot = self._bot(bot_id)
        now = time.monotonic()
        if bot.paused_until <= now:  # a new limit event, not one more answer to the same one
            bot.cut_rate = self.limits.cut(bot.rate(self.limits, now))
        bot.paused_until = max(bot.paused_until, now + seconds)
        bot.cut_at = max(bot.cut_at, bot.paused_until)

    async def close(self) -> None:
        self._bots.clear()

    def _prune(self, now: float) -> None:
        """Forget chats whose TAT has passed: an absent entry means exactly the same."""
        self._next_prune = now + self._prune_every
        for bot in self._bots.values():
            chats = bot.chats
            for chat_id in [chat_id for chat_id, tat in chats.items() if tat <= now]:
                del chats[chat_id]
