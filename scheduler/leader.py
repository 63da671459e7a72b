"""Exactly one scheduler ticks at a time, however many processes run the scheduler role.

- PostgreSQL: a session advisory lock held on a dedicated connection; if the process dies, the
  connection closes and another scheduler takes over on its next tick.
- Redis (with SQLite, which means one machine): redis-py's Lock with a lease, extended on
  every tick.
- Neither: the embedded default is one process, so it always leads.
"""

from __future__ import annotations

import contextlib
import logging
from typing import Protocol

from redis.asyncio import Redis
from redis.exceptions import LockError
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
    """redis-py's Lock: taken with SET NX, extended and released by Lua scripts that first check
    this process still holds it, so a leader whose lease ran out can never cut short its successor."""

    def __init__(self, redis: Redis, lease_seconds: int = 180) -> None:
        self.lock = redis.lock(REDIS_KEY, timeout=lease_seconds, blocking=False, thread_local=False)

    async def lead(self) -> bool:
        if self.lock.local.token is not None:
            try:
                await self.lock.reacquire()
                return True
            except LockError:  # the lease ran out and someone else may lead now
                log.warning("scheduler lost the lead")
                self.lock.local.token = None
        taken = await self.lock.acquire(blocking=False)
        if taken:
            log.info("scheduler took the lead")
        return bool(taken)

    async def release(self) -> None:
        if self.lock.local.token is not None:
            with contextlib.suppress(LockError):
                await self.lock.release()
