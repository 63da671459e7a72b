"""One turn at a time per chat.

Two updates from the same learner (a double tap) must not both read the old state and both write:
the second would undo the first. In one process an asyncio lock per chat is enough; with several
bot processes (REDIS_URL set) the lock lives in Redis, using redis-py's own Lock.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Protocol

from redis.asyncio import Redis


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
    """A Redis lock per chat with a timeout, so a crashed process cannot hold a chat forever."""

    def __init__(self, redis: Redis, timeout: float = 30.0, wait: float = 35.0) -> None:
        self._redis = redis
        self._timeout = timeout
        self._wait = wait

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        lock = self._redis.lock(f"hocvuso:chat:{key}", timeout=self._timeout, blocking_timeout=self._wait)
        async with lock:
            yield
