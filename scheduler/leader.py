"""Exactly one scheduler ticks at a time, however many processes run the scheduler role.

- PostgreSQL: a session advisory lock held on a dedicated connection; if the process dies, the
  connection closes and another scheduler takes over on its next tick.
- Redis (with SQLite, which means one machine): a key with a lease, renewed on every tick.
- Neither: the embedded default is one process, so it always leads.
"""

from __future__ import annotations

import logging
import os
import socket
from typing import Protocol

from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

log = logging.getLogger("hocvuso.scheduler")
LOCK_KEY = 0x686F6376  # "hocv": the advisory lock id shared by every scheduler of a deployment
REDIS_KEY = "hocvuso:scheduler:leader"


class Leadership(Protocol):
    async def lead(self) -> bool:
        """True when this process may tick now (taking or keeping the lead)."""
        ...

    async def release(self) -> None: ...


class AlwaysLeader:
    async def lead(self) -> bool:
        return True

    async def release(self) -> None:
        return None


class PostgresLeader:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.connection: AsyncConnection | None = None

    async def lead(self) -> bool:
        if self.connection is not None:
            try:
                await self.connection.execute(text("SELECT 1"))
                return True
            except Exception:  # the connection died: the lock went with it
                log.warning("scheduler lost its database connection and the lead")
                self.connection = None
        connection = await self.engine.connect()
        query = text("SELECT pg_try_advisory_lock(:key)")
        taken = (await connection.execute(query, {"key": LOCK_KEY})).scalar()
        await connection.commit()
        if taken:
            self.connection = connection
            log.info("scheduler took the lead")
            return True
        await connection.close()
        return False

    async def release(self) -> None:
        if self.connection is not None:
            await self.connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": LOCK_KEY})
            await self.connection.close()
            self.connection = None


class RedisLeader:
    def __init__(self, redis: Redis, lease_seconds: int = 180) -> None:
        self.redis = redis
        self.lease_ms = lease_seconds * 1000
        self.me = f"{socket.gethostname()}:{os.getpid()}:{id(self)}"

    async def lead(self) -> bool:
        if await self.redis.set(REDIS_KEY, self.me, nx=True, px=self.lease_ms):
            return True
        holder = await self.redis.get(REDIS_KEY)
        if holder is not None and _text(holder) == self.me:
            await self.redis.pexpire(REDIS_KEY, self.lease_ms)
            return True
        return False

    async def release(self) -> None:
        holder = await self.redis.get(REDIS_KEY)
        if holder is not None and _text(holder) == self.me:
            await self.redis.delete(REDIS_KEY)


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
