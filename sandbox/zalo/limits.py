"""Optional rate limits, since Zalo documents none.

The real limits are unknown, so they are off by default; a test or benchmark
turns them on to check that the bot paces itself and honours 429. Whether a
429 carries ``parameters.retry_after`` is a setting too, because the platform
does not say. Limits are token buckets holding one second's worth of calls:
a call is admitted only if both the chat's bucket and the bot's agree, and
only then is it counted, so a refused call costs nothing.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from sandbox.token_bucket import TokenBucket


@dataclass(frozen=True, slots=True)
class RateLimits:
    """Calls per second to one chat and for the whole bot; ``None`` means unlimited."""

    per_chat_per_second: float | None = None
    global_per_second: float | None = None
    include_retry_after: bool = True

    @property
    def enabled(self) -> bool:
        return self.per_chat_per_second is not None or self.global_per_second is not None


class RateGate:
    """Admits or refuses the chat-addressed calls of one bot."""

    def __init__(self, limits: RateLimits | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self.limits = limits or RateLimits()
        self._global: TokenBucket | None = None
        self._chats: dict[str, TokenBucket] = {}

    def reset(self, limits: RateLimits) -> None:
        """New limits, starting with full buckets."""
        self.limits = limits
        self._global = None
        self._chats.clear()

    def admit(self, chat_id: str) -> int | None:
        """Count one call to ``chat_id``; else the whole seconds to wait (at least 1)."""
        limits = self.limits
        if not limits.enabled:
            return None
        now = self._clock()
        buckets: list[TokenBucket] = []
        if limits.global_per_second is not None:
            if self._global is None:
                self._global = TokenBucket(limits.global_per_second, limits.global_per_second, now)
            buckets.append(self._global)
        if limits.per_chat_per_second is not None:
            bucket = self._chats.get(chat_id)
            if bucket is None:
                bucket = self._chats[chat_id] = TokenBucket(
                    limits.per_chat_per_second, limits.per_chat_per_second, now
                )
            buckets.append(bucket)
        wait = max(bucket.wait_time(now) for bucket in buckets)
        if wait > 0:
            return max(1, math.ceil(wait)) if math.isfinite(wait) else 3600
        for bucket in buckets:
            bucket.take(now)
        return None
