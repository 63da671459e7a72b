"""Telegram's flood limits, in each shape they might have.

Telegram documents roughly 1 message per second per chat (short bursts are
tolerated), 20 messages per minute per group and about 30 messages per second
overall, and answers 429 with ``retry_after`` beyond that. Nobody outside
Telegram knows the algorithm, so the sandbox offers every plausible one
(``FloodLimits.model``), and the bot is tested under each:

- ``bucket``: token buckets, which allow a burst of a whole bucket;
- ``sliding``: at most N sends in any window (any one second for the bot,
  with a bot-wide wait of ``global_penalty`` seconds after it is exceeded);
- ``fixed``: at most N sends in each window aligned to the clock.

One limiter per chat, one per group (per minute) and one for the bot. A
request is admitted only if *every* limiter agrees, and only then is it
counted, so a refused request costs nothing. The group budget counts
messages, not requests: an album of five photos takes five of a group's
twenty a minute (and one request's worth of the chat's and the bot's rate).
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Union

from sandbox.token_bucket import TokenBucket


@dataclass(frozen=True, slots=True)
class FloodLimits:
    """Limits for message-sending methods; ``enabled=False`` turns them off."""

    global_per_second: float = 30
    per_chat_per_second: float = 1.0
    per_chat_burst: int = 5
    per_group_per_minute: int = 20
    enabled: bool = True
    model: str = "bucket"  # "bucket", "sliding" or "fixed"
    per_chat_per_window: int = 4  # sliding and fixed: sends to one private chat in one second
    global_penalty: float = 3.0  # sliding and fixed: the bot-wide wait after the bot's limit is hit
    count_edits: bool = True  # edits count against the chat's (and the bot's) limit

    def __post_init__(self) -> None:
        if self.model not in MODELS:
            raise ValueError(f"unknown flood model {self.model!r}; use one of {', '.join(MODELS)}")


MODELS = ("bucket", "sliding", "fixed")


class Window:
    """At most ``limit`` events in any window of ``length`` seconds (sliding), or in each window
    aligned to multiples of ``length`` (fixed)."""

    __slots__ = ("events", "fixed", "length", "limit", "start")

    def __init__(self, limit: int, length: float, fixed: bool) -> None:
        self.limit = max(limit, 1)
        self.length = length
        self.fixed = fixed
        self.events: deque[float] = deque()
        self.start = 0.0

    def wait_time(self, now: float) -> float:
        if self.fixed:
            start = math.floor(now / self.length) * self.length
            if start != self.start:
                self.start = start
                self.events.clear()
            return 0.0 if len(self.events) < self.limit else start + self.length - now
        events = self.events
        while events and events[0] <= now - self.length:
            events.popleft()
        return 0.0 if len(events) < self.limit else events[0] + self.length - now

    def take(self, now: float) -> None:
        self.events.append(now)


Limiter = Union["TokenBucket", Window]


def wait_for(limiter: Limiter, now: float, count: int) -> float:
    """Seconds until ``limiter`` has room for ``count`` sends (``inf`` if it never will)."""
    wait = limiter.wait_time(now)  # also refills the bucket / expires old events
    if count <= 1 or wait > 0:
        return wait
    if isinstance(limiter, TokenBucket):
        if count > limiter.capacity:
            return math.inf
        missing = count - limiter.tokens
        if missing <= 0:
            return 0.0
        return missing / limiter.rate if limiter.rate > 0 else math.inf
    if count > limiter.limit:
        return math.inf
    excess = len(limiter.events) + count - limiter.limit
    if excess <= 0:
        return 0.0
    if limiter.fixed:
        return limiter.start + limiter.length - now
    return limiter.events[excess - 1] + limiter.length - now


def max_in_window(times: list[float], window: float = 60.0) -> int:
    """The largest number of ``times`` (sorted) inside any window of ``window`` seconds.

    A window is half-open, ``[t, t + window)``: sends exactly a minute apart
    fall into different minutes, as with a sliding limit.
    """
    best = 0
    start = 0
    for end, stamp in enumerate(times):
        while stamp - times[start] >= window:
            start += 1
        best = max(best, end - start + 1)
    return best


class FloodGate:
    """Admits or refuses sends per chat, per group and globally."""

    def __init__(self, limits: FloodLimits, clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self._clock = clock
        self._global: Limiter | None = None
        self._blocked_until = 0.0
        self._chats: dict[int, Limiter] = {}
        self._groups: dict[int, Limiter] = {}
        self.refused = 0

    def admit(self, chat_id: int, is_group: bool, count: int = 1) -> int | None:
        """Count a send of ``count`` messages to ``chat_id``; else return ``retry_after`` seconds."""
        limits = self.limits
        if not limits.enabled:
            return None
        now = self._clock()
        if now < self._blocked_until:
            self.refused += 1
            return max(1, math.ceil(self._blocked_until - now))
        if self._global is None:
            self._global = self._make(limits.global_per_second, 1.0, limits.global_per_second, now)
        limiters = [self._global, self._limiter(self._chats, chat_id, now, per_chat=True)]
        counts = [1, 1]
        if is_group:
            limiters.append(self._limiter(self._groups, chat_id, now, per_chat=False))
            counts.append(max(count, 1))
        waits = [wait_for(limiter, now, needed) for limiter, needed in zip(limiters, counts, strict=True)]
        wait = max(waits)
        if wait > 0:
            self.refused += 1
            if waits[0] > 0 and limits.model != "bucket":
                self._blocked_until = now + limits.global_penalty
                return max(1, math.ceil(limits.global_penalty))
            return max(1, math.ceil(wait)) if math.isfinite(wait) else 3600
        for limiter, needed in zip(limiters, counts, strict=True):
            for _ in range(needed):
                limiter.take(now)
        return None

    def _make(self, count: float, length: float, rate: float, now: float) -> Limiter:
        if self.limits.model == "bucket":
            return TokenBucket(count, rate, now)
        return Window(int(count), length, fixed=self.limits.model == "fixed")

    def _limiter(self, limiters: dict[int, Limiter], chat_id: int, now: float, *, per_chat: bool) -> Limiter:
        limiter = limiters.get(chat_id)
        if limiter is None:
            limits = self.limits
            if per_chat:
                count = limits.per_chat_burst if limits.model == "bucket" else limits.per_chat_per_window
                limiter = self._make(count, 1.0, limits.per_chat_per_second, now)
            else:
                per_minute = limits.per_group_per_minute
                limiter = self._make(per_minute, 60.0, per_minute / 60.0, now)
            limiters[chat_id] = limiter
        return limiter
