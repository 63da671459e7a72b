"""Updates already handled, so a redelivered one is answered once, for everyone.

Telegram delivers an update again when it is not sure it arrived (a webhook answer lost, a
restart before the next getUpdates offset). A learner's row also keeps its recent update ids, in
the same transaction as the state they produced; this set covers everyone else (people who never
pressed /start, groups) and saves a database round trip for the rest.

`RedisRecentUpdates` (REDIS_URL set): one key per update with a TTL, taken with SET NX, so every
bot process agrees. `LocalRecentUpdates`: the last `keep` ids per bot in this process's memory.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Protocol

from redis.asyncio import Redis

TTL_SECONDS = 24 * 3600  # Telegram keeps an unconfirmed update for at most a day


class RecentUpdates(Protocol):
    async def first_time(self, bot_id: int | str, update_id: int | str) -> bool:
        """True the first time this update is seen (and it is noted); False for a redelivery."""
        ...

    async def forget(self, bot_id: int | str, update_id: int | str) -> None:
        """Handling failed: let a redelivery be handled."""
        ...


class LocalRecentUpdates:
    def __init__(self, keep: int = 100_000) -> None:
        self._keep = keep
        self._seen: OrderedDict[tuple[str, int | str], None] = OrderedDict()

    async def first_time(self, bot_id: int | str, update_id: int | str) -> bool:
        key = (str(bot_id), update_id)
        if key in self._seen:
            return False
        self._seen[key] = None
        if len(self._seen) > self._keep:
            self._seen.popitem(last=False)
        return True

    async def forget(self, bot_id: int | str, update_id: int | str) -> None:
        self._seen.pop((str(bot_id), update_id), None)


class RedisRecentUpdates:
    def __init__(self, redis: Redis, prefix: str = "hocvuso:update", ttl: int = TTL_SECONDS) -> None:
        self._redis = redis
        self._prefix = prefix
        self._ttl = ttl

    async def first_time(self, bot_id: int | str, update_id: int | str) -> bool:
        return bool(await self._redis.set(f"{self._prefix}:{bot_id}:{update_id}", 1, nx=True, ex=self._ttl))

    async def forget(self, bot_id: int | str, update_id: int | str) -> None:
        await self._redis.delete(f"{self._prefix}:{bot_id}:{update_id}")
