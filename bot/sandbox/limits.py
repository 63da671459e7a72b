"""Telegram's flood limits, as token buckets.

Telegram documents roughly 1 message per second per chat (short bursts are
tolerated), 20 messages per minute per group and about 30 messages per second
overall, and answers 429 with ``retry_after`` beyond that. A bot that ignores
``retry_after`` loses messages in production, so the sandbox enforces the same
shape of limits: one bucket per chat (with a burst), one per group (per
minute) and one global bucket. A request is admitted only if *every* bucket
has a token, and only then are tokens taken, so a refused request costs
nothing.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FloodLimits:
    """Limits for message-sending methods; ``enabled=False`` turns them off."""

    global_per_second: float = 30
    per_chat_per_second: float = 1.0
    per_chat_burst: int = 5
    per_group_per_minute: int = 20
    enabled: bool = True


class TokenBucket:
    """``capacity`` tokens, refilled continuously at ``rate`` tokens per second."""

    __slots__ = ("capacity", "rate", "stamp", "tokens")

    def __init__(self, capacity: float, rate: float, now: float) -> None:
        self.capacity = max(capacity, 1.0)
        self.rate = rate
        self.tokens = self.capacity
        self.stamp = now

    def wait_time(self, now: float) -> float:
        """Seconds until a token is available (0 if one is available now)."""
        if now > self.stamp:
            self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
            self.stamp = now
        if self.tokens >= 1.0:
            return 0.0
        if self.rate <= 0:
            return math.inf
        return (1.0 - self.tokens) / self.rate

    def take(self) -> None:
        self.tokens -= 1.0


class FloodGate:
    """Admits or refuses sends per chat, per group and globally."""

    def __init__(self, limits: FloodLimits, clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self._clock = clock
        self._global: TokenBucket | None = None
        self._chats: dict[int, TokenBucket] = {}
        self._groups: dict[int, TokenBucket] = {}

    def admit(self, chat_id: int, is_group: bool) -> int | None:
        """Take a token for a send to ``chat_id``; else return ``retry_after`` seconds."""
        limits = self.limits
        if not limits.enabled:
            return None
        now = self._clock()
        if self._global is None:
            self._global = TokenBucket(limits.global_per_second, limits.global_per_second, now)
        buckets = [self._global, self._bucket(self._chats, chat_id, now, per_chat=True)]
        if is_group:
            buckets.append(self._bucket(self._groups, chat_id, now, per_chat=False))
        wait = max(bucket.wait_time(now) for bucket in buckets)
        if wait > 0:
            return max(1, math.ceil(wait)) if math.isfinite(wait) else 3600
        for bucket in buckets:
            bucket.take()
        return None

    def _bucket(
        self, buckets: dict[int, TokenBucket], chat_id: int, now: float, *, per_chat: bool
    ) -> TokenBucket:
        bucket = buckets.get(chat_id)
        if bucket is None:
            limits = self.limits
            if per_chat:
                bucket = TokenBucket(limits.per_chat_burst, limits.per_chat_per_second, now)
            else:
                bucket = TokenBucket(limits.per_group_per_minute, limits.per_group_per_minute / 60.0, now)
            buckets[chat_id] = bucket
        return bucket
