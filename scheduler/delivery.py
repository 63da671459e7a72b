"""The delivery worker: drains the outbox for one bot at its channel's limits.

It sends through the bot's `Sender` (scheduler.sender), so it knows no platform. The pace comes
from the bot's send budget (metered inside the sender), so the worker claims a small batch at a
time and renews the claim while it sends: a batch never outlives its lease, and a kill -9 can
repeat at most the rows in flight. A batch is sized (`Pace`) to keep the budget busy for as long
as the batch must last anyway: about a second of messages to private chats, but as long as its
slowest chat takes when one row is several messages to a group paced at 20 a minute (a café's
post is three, so at least six seconds). The sender's answers decide each row's fate:
- sent: done;
- unreachable (blocked, deactivated, cannot initiate): the flows' `Blocked` event marks the
  learner, their other pending rows are dropped, nothing is retried;
- refused (a bad request, a group that moved): failed with the reason, not retried;
- slow down (429): back to the queue after `retry_after`, not counted as a failed try;
- transient (timeouts, 5xx, network errors, unreadable answers) and any other error: back to the
  queue with backoff, until `max_attempts`, then failed visibly.
An error in one row is that row's outcome; it never abandons the rest of the batch. Rows whose
learner no longer exists (they asked to be forgotten) are dropped unsent.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import ClassVar
from zoneinfo import ZoneInfo

from sqlalchemy import Connection

from content.library import Library
from scheduler.quiet_hours import QuietHours
from scheduler.render import is_daily, render
from scheduler.sender import Moved, Refused, Sender, SlowDown, Transient, Unreachable
from service.turns import learner_unreachable
from store import cafes, learners, outbox
from store.database import Database
from store.payload import from_payload

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
    parts_sent: int = 0
    counts_as_try: bool = True  # a 429 is the budget's business, not a failed try
    moved_to: str | None = None  # the group's new id, when it became a supergroup


@dataclass
class Pace:
    """What the last batches showed, smoothed, for sizing the next one.

    Rows a second alone would mislead: a batch of group posts lasts as long as its slowest group's
    pacing however few rows it holds, so a rate measured in rows would shrink the batch to one
    row and leave the budget idle. Little's law instead: the rows to claim are the messages the
    budget can take over the time the batch must last anyway, divided by the messages a row
    holds. The budget's rate is measured only from batches the budget held back, not from those
    a chat's pacing did."""

    rate: float  # messages a second this lane got when the budget was what held it back
    per_row: float = 1.0  # messages a row held
    span: float = 0.0  # how long the slowest chat took from its first message to its last
    learnt: bool = False  # from a batch yet: until then rate, per_row and span are guesses
    HEADROOM: ClassVar[float] = 2.0  # more rows than the bare product, when chats pace the batch
    STARVED: ClassVar[float] = 0.8  # below this share of its rate, a batch was short of rows
    STRETCH: ClassVar[float] = 10.0  # the longest horizon, in windows, a paced batch is sized for

    def rows(self, window: float, most: int) -> int:
        """Rows for the next batch: `window` seconds of the budget, or the chats' span if longer.
        `most` caps a window's worth; a paced batch's cap grows with its horizon, as the rows in it
        are spread over that long anyway."""
        paced = self.span > window
        horizon = min(self.span, window * self.STRETCH) if paced else window
        wanted = self.rate * horizon / self.per_row * (self.HEADROOM if paced else 1.0)
        return max(1, min(int(most * horizon / window), int(wanted)))

    def learn(self, rows: int, messages: int, elapsed: float, span: float) -> None:
        """Fold one batch in; a batch that sent nothing (all retried or dropped) teaches nothing.

        A longer span is believed only from a batch that got less than its share of the budget:
        when the budget held the batch back, its chats waited on the budget too, and a horizon
        stretched by those waits would size the next batch larger each time."""
        if rows < 1 or messages < 1 or elapsed <= 0:
            return
        first, self.learnt = not self.learnt, True
        achieved = messages / elapsed
        self.per_row = _smooth(self.per_row, messages / rows, first)
        if first or span < self.span or achieved < self.STARVED * self.rate:
            self.span = _smooth(self.span, span, first)
        if messages >= 2 and span < elapsed / 2:  # the budget, not a chat, set the pace
            self.rate = _smooth(self.rate, achieved, False)


def _span(stamps: list[float]) -> float:
    return stamps[-1] - stamps[0] if stamps else 0.0


def _smooth(old: float, new: float, first: bool) -> float:
    """Half the old, half the new; the first batch replaces the guesses it started from."""
    return new if first else 0.5 * old + 0.5 * new


def _worker_id() -> str:
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass
class DeliveryWorker:
    database: Database
    sender: Sender
    zone: ZoneInfo
    quiet: QuietHours = field(default_factory=QuietHours)
    batch: int = 250  # the most rows one lane claims for a second's worth (more when paced: Pace)
    lease: timedelta = timedelta(seconds=60)
    rate_hint: float = 15.0  # messages a second this worker expects to send, until it has measured
    max_attempts: int = 5
    idle_wait: float = 0.5
    library: Library | None = None  # for daily rows, written when they go out (loaded if not given)
    worker_id: str = field(default_factory=_worker_id)
    stats: DeliveryStats = field(default_factory=DeliveryStats)
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    _last_release: float = 0.0
    pace: Pace = field(init=False)

    def __post_init__(self) -> None:
        self.pace = Pace(self.rate_hint)

    lanes: ClassVar[int] = 4

    async def run(self, stop: asyncio.Event) -> None:
        """Drain until `stop`. Several lanes keep the budget busy: while one lane records its batch
        and claims the next, or waits for the last groups of its batch to be paced, the others are
        sending (one lane alone left ~9% of a 1000/s budget idle; two left ~15% of 30/s idle when
        the rows were café posts)."""
        log.info("delivery worker started", extra={"bot": str(self.sender.bot), "worker": self.worker_id})
        await asyncio.gather(*(self._lane(stop) for _ in range(self.lanes)))

    async def _lane(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                sent = await self.drain_once()
            except Exception:  # a database hiccup must not kill the worker; it tries again
                log.exception("delivery round failed", extra={"bot": str(self.sender.bot)})
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
                log.warning(
                    "rows released from a dead worker", extra={"rows": released, "bot": str(self.sender.bot)}
                )
        urgent_only = self.quiet.contains(now.astimezone(self.zone))
        size = self.batch_size()
        rows, gone = await self.database.run(lambda c: self._claim(c, size, now, urgent_only))
        if not rows and not gone:
            return 0
        results = [_Result(row, outbox.DROPPED, "no longer due, or the learner is gone") for row in gone]
        by_chat: dict[str, list[outbox.Claimed]] = defaultdict(list)
        for row in rows:
            by_chat[row.chat_id].append(row)
        started = time.monotonic()
        keeper = asyncio.create_task(self._keep_lease([row.id for row in rows]))
        try:
            chats = await asyncio.gather(*(self._send_chat(chat_rows) for chat_rows in by_chat.values()))
        finally:
            keeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await keeper
        elapsed = time.monotonic() - started
        messages = sum(len(stamps) for _, stamps in chats)  # one stamp a message sent
        slowest = max((_span(stamps) for _, stamps in chats), default=0.0)
        self.pace.learn(len(rows), messages, elapsed, slowest)
        results += [result for chat_results, _ in chats for result in chat_results]
        await self.database.run(lambda c: self._record(c, results))
        return len(results)

    def batch_size(self) -> int:
        """About a second of this lane's share of the budget (a quarter of a short lease), so a kill
        repeats little; longer only when its chats' pacing makes the batch last longer anyway."""
        return self.pace.rows(min(1.0, self.lease.total_seconds() / 4), self.batch)

    def _claim(
        self, connection: Connection, size: int, now: datetime, urgent_only: bool
    ) -> tuple[list[outbox.Claimed], list[outbox.Claimed]]:
        """Rows to send, with daily ones written out now; and rows to drop: the learner is gone,
        or the daily message is no longer due."""
        rows = outbox.claim(connection, self.sender.bot, self.worker_id, size, now, urgent_only)
        chats = {row.chat_id for row in rows}
        bot = self.sender.bot
        known = learners.existing_chats(connection, bot, chats) | cafes.existing_chats(connection, bot, chats)
        ready, dropped = [], []
        for row in rows:
            if row.chat_id not in known:
                dropped.append(row)
            elif not is_daily(row.payload):
                ready.append(row)
            else:
                library = self._library()
                written = render(
                    connection, library, self.zone, self.sender.bot, row.chat_id, row.payload, now
                )
                if written is None:
                    dropped.append(row)
                else:
                    outbox.write_payload(connection, row.id, written)
                    ready.append(replace(row, payload=written, parts_sent=0))
        return ready, dropped

    def _library(self) -> Library:
        if self.library is None:
            self.library = Library.load()
        return self.library

    async def _keep_lease(self, row_ids: list[int]) -> None:
        """Renew the claim every third of the lease while the batch is being sent."""
        while True:
            await asyncio.sleep(self.lease.total_seconds() / 3)
            try:
                await self.database.run(lambda c: outbox.renew(c, self.worker_id, row_ids, self.clock()))
            except Exception:
                log.exception("could not renew the lease", extra={"bot": str(self.sender.bot)})

    async def _send_chat(self, rows: list[outbox.Claimed]) -> tuple[list[_Result], list[float]]:
        """One chat's rows in order (the lesson before its tip); a block stops the rest. Also when
        each of its messages went, for `Pace`."""
        results: list[_Result] = []
        stamps: list[float] = []
        for row in rows:
            result = await self._send(row, stamps)
            results.append(result)
            if result.state == outbox.BLOCKED:
                results += [
                    _Result(other, outbox.DROPPED, "learner unreachable") for other in rows[len(results) :]
                ]
                break
        return results, stamps

    async def _send(self, row: outbox.Claimed, stamps: list[float]) -> _Result:
        """Send the row's parts from the first unsent one; every error becomes this row's outcome."""
        done = row.parts_sent
        try:
            for part in self.sender.parts(from_payload(row.payload))[done:]:
                await self.sender.send(row.chat_id, part, row.thread_id)
                done += 1
                stamps.append(time.monotonic())
        except Unreachable as error:
            return _Result(row, outbox.BLOCKED, error.reason, parts_sent=done)
        except SlowDown as error:
            return _Result(row, "retry", error.reason, error.retry_after, done, counts_as_try=False)
        except Moved as error:
            return _Result(
                row, "retry", error.reason, 0.0, done, counts_as_try=False, moved_to=error.new_chat_id
            )
        except Refused as error:
            return _Result(row, outbox.FAILED, error.reason, parts_sent=done)
        except (Transient, OSError, TimeoutError) as error:
            return _Result(row, "retry", _describe(error), self._backoff(row), done)
        except Exception as error:
            log.exception(
                "unexpected error sending a row", extra={"bot": str(self.sender.bot), "row": row.id}
            )
            return _Result(row, "retry", _describe(error), self._backoff(row), done)
        return _Result(row, outbox.SENT, parts_sent=done)

    @staticmethod
    def _backoff(row: outbox.Claimed) -> float:
        return min(2.0 ** (row.attempts + 1), 300.0)

    def _record(self, connection: Connection, results: list[_Result]) -> None:
        now = self.clock()
        final: list[tuple[int, str, str | None]] = []
        for result in results:
            if result.moved_to is not None:  # the café, its scores and this row follow the group
                cafes.migrate(connection, self.sender.bot, result.row.chat_id, result.moved_to)
            if result.state == "retry":
                attempts = result.row.attempts + (1 if result.counts_as_try else 0)
                if attempts >= self.max_attempts:
                    final.append(
                        (result.row.id, outbox.FAILED, f"gave up after {attempts} tries: {result.error}")
                    )
                    self.stats.failed += 1
                else:
                    at = now + timedelta(seconds=result.retry_in)
                    outbox.retry_later(
                        connection, self.worker_id, result.row.id, at, attempts, result.error or "retry",
                        result.parts_sent,
                    )  # fmt: skip
                    self.stats.retried += 1
                continue
            final.append((result.row.id, result.state, result.error))
            if result.state == outbox.SENT:
                self.stats.sent += 1
            elif result.state == outbox.BLOCKED:
                self.stats.blocked += 1
                learner_unreachable(connection, self._library(), self.sender.bot, result.row.chat_id, now)
                cafes.set_present(connection, self.sender.bot, result.row.chat_id, False)  # a group
            else:
                self.stats.failed += 1
        outbox.finish(connection, self.worker_id, final, now)


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:300]
