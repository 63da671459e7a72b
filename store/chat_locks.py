"""One turn at a time per chat.

Two updates from the same learner (a double tap) must not both read the old state and both write:
the second would undo the first. The lock covers reading and writing the learner's row, not the
network sends (`Turns.send_line` keeps a chat's replies in order inside one process). In one
process an asyncio lock per chat is enough; with several bot processes (REDIS_URL set) the lock
lives in Redis, using redis-py's own Lock:
- a holder extends it while it holds it (a watchdog at a third of the timeout), so it never
  expires under a turn however slow the database is; the timeout only frees the chat of a process
  that died;
- a caller that cannot get it within `wait` seconds logs and keeps trying: an update is never
  dropped for want of a lock.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Protocol

from redis.asyncio import Redis
from redis.asyncio.lock import Lock
from redis.exceptions import LockError

log = logging.getLogger("hocvuso.locks")


class ChatLocks(Protocol):
    def hold(self, key: str) -> AbstractAsyncContextManager[None]: ...


class LocalChatLocks:
    """asyncio locks, dropped when nobody waits so memory stays flat with millions of chats."""

    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}
        self._waiting: dict[str, int] = {}

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with lock:
                yield
        finally:
            self._waiting[key] -= 1
            if not self._waiting[key]:
                del self._waiting[key], self._locks[key]


class RedisChatLocks:
    """A Redis lock per chat, extended while held; the timeout only frees a dead process's chats."""

    def __init__(self, redis: Redis, timeout: float = 30.0, wait: float = 35.0) -> None:
        self._redis = redis
        self._timeout = timeout
        self._wait = wait

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        lock = self._redis.lock(f"hocvuso:chat:{key}", timeout=self._timeout, blocking_timeout=self._wait)
        while not await lock.acquire():
            log.warning("chat lock still busy, waiting on", extra={"lock": key, "waited": self._wait})
        watchdog = asyncio.create_task(self._keep(lock))
        try:
            yield
        finally:
            watchdog.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watchdog
            try:
                await lock.release()
            except LockError:  # includes LockNotOwnedError: only if Redis itself lost the key
                log.warning("chat lock was lost before release", extra={"lock": key})

    async def _keep(self, lock: Lock) -> None:
        """Reset the lock's timeout every third of it while the turn runs."""
        while True:
            await asyncio.sleep(self._timeout / 3)
            try:
                await lock.reacquire()
            except LockError:
                log.warning("chat lock could not be extended", extra={"lock": lock.name})
                return
