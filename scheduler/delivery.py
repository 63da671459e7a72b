"""The delivery worker: drains the outbox for one bot at Telegram's limits.

The pace comes from the bot's send budget (a request middleware on its session), so the worker
only claims a small batch at a time (about a second's worth) and sends it; a kill -9 can then
repeat at most that batch. Telegram's answers decide each row's fate:
- sent: done;
- 403 (blocked, deactivated, cannot initiate): the learner is marked inactive, their other pending
  rows are dropped, nothing is retried;
- other 400s: failed with the reason, not retried;
- 429 after the session's own retries, timeouts, 5xx, network errors: back to the queue with
  backoff, until `max_attempts`, then failed visibly.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import ClassVar
from zoneinfo import ZoneInfo

from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
)
from sqlalchemy import Connection

from bot.telegram.show import show
from scheduler.payload import from_payload
from scheduler.quiet_hours import QuietHours
from store import learners, outbox
from store.database import Database

log = logging.getLogger("hocvuso.delivery")
RELEASE_EVERY = 10.0  # seconds between sweeps for rows a dead worker left claimed


@dataclass
class DeliveryStats:
    sent: int = 0
    failed: int = 0
    blocked: int = 0
    retried: int = 0


@dataclass
class _Result:
    row: outbox.Claimed
    state: str  # a final state, or "retry"
    error: str | None = None
    retry_in: float = 0.0


@dataclass
class DeliveryWorker:
    database: Database
    bot: Bot
    bot_id: int
    media_root: Path
    zone: ZoneInfo
    quiet: QuietHours = field(default_factory=QuietHours)
    batch: int = 50
    lease: timedelta = timedelta(seconds=60)
    max_attempts: int = 5
    idle_wait: float = 0.5
    paid_broadcast: bool = False
    worker_id: str = field(default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}")
    stats: DeliveryStats = field(default_factory=DeliveryStats)
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    _last_release: float = 0.0

    lanes: ClassVar[int] = 2

    async def run(self, stop: asyncio.Event) -> None:
        """Drain until `stop`. Two lanes keep the budget busy: while one lane records its batch and
        claims the next, the other is sending (one lane alone left ~9% of a 1000/s budget idle)."""
        log.info("delivery worker started", extra={"bot": self.bot_id, "worker": self.worker_id})
        await asyncio.gather(*(self._lane(stop) for _ in range(self.lanes)))

    async def _lane(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                sent = await self.drain_once()
            except Exception:  # a database hiccup must not kill the worker; it tries again
                log.exception("delivery round failed", extra={"bot": self.bot_id})
                sent = 0
            if not sent:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self.idle_wait)

    async def drain_once(self) -> int:
        """Claim one batch, send it, record the outcomes; returns how many rows were handled."""
        now = self.clock()
        if time.monotonic() - self._last_release > min(RELEASE_EVERY, self.lease.total_seconds() / 2):
            self._last_release = time.monotonic()
            released = await self.database.run(lambda c: outbox.release_stale(c, now, self.lease))
            if released:
                log.warning("rows released from a dead worker", extra={"rows": released, "bot": self.bot_id})
        urgent_only = self.quiet.contains(now.astimezone(self.zone))
        rows = await self.database.run(
            lambda c: outbox.claim(c, self.bot_id, self.worker_id, self.batch, now, urgent_only)
        )
        if not rows:
            return 0
        by_chat: dict[int, list[outbox.Claimed]] = defaultdict(list)
        for row in rows:
            by_chat[row.chat_id].append(row)
        groups = await asyncio.gather(*(self._send_chat(chat_rows) for chat_rows in by_chat.values()))
        results = [result for group in groups for result in group]
        await self.database.run(lambda c: self._record(c, results))
        return len(results)

    async def _send_chat(self, rows: list[outbox.Claimed]) -> list[_Result]:
        """One chat's rows in order (the lesson before its tip); a block stops the rest."""
        results = []
        for row in rows:
            result = await self._send(row)
            results.append(result)
            if result.state == outbox.BLOCKED:
                results += [
                    _Result(other, outbox.DROPPED, "learner unreachable") for other in rows[len(results) :]
                ]
                break
        return results

    async def _send(self, row: outbox.Claimed) -> _Result:
        try:
            for reply in from_payload(row.payload):
                await show(self.bot, row.chat_id, reply, self.media_root, None, paid=self.paid_broadcast)
        except TelegramForbiddenError as error:
            return _Result(row, outbox.BLOCKED, error.message)
        except TelegramRetryAfter as error:
            return _Result(row, "retry", error.message, float(error.retry_after))
        except (TelegramBadRequest, TelegramNotFound) as error:
            return _Result(row, outbox.FAILED, error.message)
        except (TelegramNetworkError, TelegramServerError, TimeoutError) as error:
            backoff = min(2.0 ** (row.attempts + 1), 300.0)
            return _Result(row, "retry", str(error) or type(error).__name__, backoff)
        return _Result(row, outbox.SENT)

    def _record(self, connection: Connection, results: list[_Result]) -> None:
        now = self.clock()
        final: list[tuple[int, str, str | None]] = []
        for result in results:
            if result.state == "retry":
                attempts = result.row.attempts + 1
                if attempts >= self.max_attempts:
                    final.append(
                        (result.row.id, outbox.FAILED, f"gave up after {attempts} tries: {result.error}")
                    )
                    self.stats.failed += 1
                else:
                    at = now + timedelta(seconds=result.retry_in)
                    outbox.retry_later(connection, result.row.id, at, attempts, result.error or "retry")
                    self.stats.retried += 1
                continue
            final.append((result.row.id, result.state, result.error))
            if result.state == outbox.SENT:
                self.stats.sent += 1
            elif result.state == outbox.BLOCKED:
                self.stats.blocked += 1
                learners.mark_inactive(connection, self.bot_id, result.row.chat_id)
                outbox.drop_chat(connection, self.bot_id, result.row.chat_id)
            else:
                self.stats.failed += 1
        outbox.finish(connection, final, now)
