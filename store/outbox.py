"""The outbox: one row per message the bot sends on its own initiative.

Rows are keyed by (campaign, chat, bot), so enqueueing the same campaign twice is a no-op and a
scheduler tick or an alert can safely be repeated. Workers claim rows in priority order
(`FOR UPDATE SKIP LOCKED` on PostgreSQL, so several workers never take the same row), send them,
and record the outcome. A claim is a lease that carries the worker's id:
- the worker renews it while it works on the rows (`renew`), so a slow batch keeps its rows;
- rows a dead worker left in `sending` go back to `pending` once the lease runs out
  (`release_stale`), so a kill -9 loses nothing and at most the rows in flight go out twice;
- `finish` and `retry_later` touch only rows the worker still owns (fencing): a worker that lost
  its rows to another cannot overwrite what the other recorded.
A row with several parts (a greeting, a picture, the lesson) remembers how many went out
(`parts_sent`), so a retry resumes from the first unsent part.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Table, and_, bindparam, delete, func, select, update

from store.address import BotRef
from store.database import insert_or_update
from store.models import OutboxRow

outbox: Table = OutboxRow.__table__  # type: ignore[assignment]

URGENT, LESSON, NUDGE = 0, 1, 2  # priorities: alerts, then lessons and reviews, then reminders and tips
PENDING, SENDING, SENT, FAILED, BLOCKED, DROPPED, CANCELLED = (
    "pending", "sending", "sent", "failed", "blocked", "dropped", "cancelled",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Outgoing:
    bot: BotRef
    chat_id: str
    campaign: str
    priority: int
    payload: list[dict[str, Any]]
    not_before: datetime
    thread_id: int | None = None  # a forum group's topic


@dataclass(frozen=True, slots=True)
class Claimed:
    id: int
    chat_id: str
    campaign: str
    priority: int
    payload: list[dict[str, Any]]
    attempts: int
    parts_sent: int = 0
    thread_id: int | None = None


FINAL_STATES = (SENT, FAILED, BLOCKED, DROPPED, CANCELLED)
# one campaign reaches one chat of one bot once
UNIQUE_KEY = ["channel", "bot_id", "chat_id", "campaign"]


def _of_bot(bot: BotRef) -> Any:
    return and_(outbox.c.channel == bot.channel, outbox.c.bot_id == bot.bot_id)


def enqueue(connection: Connection, rows: Iterable[Outgoing], now: datetime) -> int:
    """Insert the rows that are not there yet; returns how many were new."""
    return len(enqueue_new(connection, rows, now))


def enqueue_new(connection: Connection, rows: Iterable[Outgoing], now: datetime) -> set[tuple[str, ...]]:
    """`enqueue`, saying which rows were new: the (channel, bot id, chat id, campaign) of each.
    Read back with RETURNING, as a driver's row count of a many-row insert is not to be trusted
    (asyncpg reports none)."""
    values = [
        {
            "channel": r.bot.channel, "bot_id": r.bot.bot_id, "chat_id": r.chat_id, "campaign": r.campaign,
            "priority": r.priority, "payload": r.payload, "not_before": r.not_before, "state": PENDING,
            "attempts": 0, "created_at": now, "thread_id": r.thread_id,
        }
        for r in rows
    ]  # fmt: skip
    if not values:
        return set()
    statement = (
        insert_or_update(connection, outbox)
        .on_conflict_do_nothing(index_elements=UNIQUE_KEY)
        .returning(outbox.c.channel, outbox.c.bot_id, outbox.c.chat_id, outbox.c.campaign)
    )
    return {tuple(found) for found in connection.execute(statement, values)}


def claim(
    connection: Connection, bot: BotRef, worker: str, limit: int, now: datetime, urgent_only: bool = False
) -> list[Claimed]:
    """Take up to `limit` due rows for this bot, most urgent first."""
    due = and_(_of_bot(bot), outbox.c.state == PENDING, outbox.c.not_before <= now)
    if urgent_only:
        due = and_(due, outbox.c.priority == URGENT)
    chosen = (
        select(outbox.c.id)
        .where(due)
        .order_by(outbox.c.priority, outbox.c.not_before, outbox.c.id)
        .limit(limit)
    )
    if connection.dialect.name == "postgresql":
        chosen = chosen.with_for_update(skip_locked=True)
    statement = (
        update(outbox)
        .where(outbox.c.id.in_(chosen.scalar_subquery()))
        .values(state=SENDING, claimed_at=now, claimed_by=worker)
        .returning(
            outbox.c.id, outbox.c.chat_id, outbox.c.campaign, outbox.c.priority,
            outbox.c.payload, outbox.c.attempts, outbox.c.parts_sent, outbox.c.thread_id,
        )
    )  # fmt: skip
    rows = connection.execute(statement).all()
    return sorted((Claimed(*row) for row in rows), key=lambda c: (c.priority, c.id))


_OWNED = and_(
    outbox.c.id == bindparam("row_id"), outbox.c.state == SENDING, outbox.c.claimed_by == bindparam("worker")
)
_FINISH = (
    update(outbox)
    .where(_OWNED)
    .values(state=bindparam("new_state"), sent_at=bindparam("at"), error=bindparam("why"))
)


def finish(
    connection: Connection, worker: str, outcomes: Sequence[tuple[int, str, str | None]], now: datetime
) -> None:
    """Record (row id, final state, error) for rows this worker still owns."""
    if outcomes:
        connection.execute(
            _FINISH,
            [
                {"row_id": i, "worker": worker, "new_state": s, "at": now, "why": (e or None) and e[:300]}
                for i, s, e in outcomes
            ],
        )


def retry_later(
    connection: Connection,
    worker: str,
    row_id: int,
    at: datetime,
    attempts: int,
    error: str,
    parts_sent: int = 0,
) -> None:
    """Back to the queue at `at`, keeping how many parts already went out; only if still ours."""
    connection.execute(
        update(outbox)
        .where(outbox.c.id == row_id, outbox.c.state == SENDING, outbox.c.claimed_by == worker)
        .values(
            state=PENDING, not_before=at, attempts=attempts, error=error[:300], claimed_by=None,
            parts_sent=parts_sent,
        )
    )  # fmt: skip


def write_payload(connection: Connection, row_id: int, payload: list[dict[str, Any]]) -> None:
    """A daily row's words, written when it is claimed, so a retry sends the very same."""
    connection.execute(update(outbox).where(outbox.c.id == row_id).values(payload=payload, parts_sent=0))


def renew(connection: Connection, worker: str, row_ids: Sequence[int], now: datetime) -> int:
    """Extend the lease on rows this worker is still sending."""
    if not row_ids:
        return 0
    result = connection.execute(
        update(outbox)
        .where(outbox.c.id.in_(row_ids), outbox.c.state == SENDING, outbox.c.claimed_by == worker)
        .values(claimed_at=now)
    )
    return max(result.rowcount, 0)


def drop_chat(connection: Connection, bot: BotRef, chat_id: str) -> int:
    """A learner who blocked the bot: nothing more is sent to them."""
    result = connection.execute(
        update(outbox)
        .where(_of_bot(bot), outbox.c.chat_id == chat_id, outbox.c.state == PENDING)
        .values(state=DROPPED, error="learner unreachable")
    )
    return max(result.rowcount, 0)


def move_chat(connection: Connection, bot: BotRef, old_chat: str, new_chat: str) -> int:
    """A group that became a supergroup: what waits for it goes to its new id."""
    result = connection.execute(
        update(outbox)
        .where(_of_bot(bot), outbox.c.chat_id == old_chat, outbox.c.state.in_((PENDING, SENDING)))
        .values(chat_id=new_chat)
    )
    return max(result.rowcount, 0)


def release_stale(connection: Connection, now: datetime, lease: timedelta) -> int:
    """Give rows claimed by a worker that died back to the queue."""
    result = connection.execute(
        update(outbox)
        .where(outbox.c.state == SENDING, outbox.c.claimed_at < now - lease)
        .values(state=PENDING, claimed_by=None)
    )
    return max(result.rowcount, 0)


def forget_chat(connection: Connection, bot: BotRef, chat_id: str) -> int:
    """Everything queued or kept for one chat, for a learner who asked to be forgotten."""
    result = connection.execute(delete(outbox).where(_of_bot(bot), outbox.c.chat_id == chat_id))
    return max(result.rowcount, 0)


def of_chat(connection: Connection, bot: BotRef, chat_id: str) -> list[dict[str, Any]]:
    """One chat's rows as a learner may read them (for /mydata)."""
    rows = connection.execute(
        select(outbox.c.campaign, outbox.c.state, outbox.c.created_at, outbox.c.sent_at)
        .where(_of_bot(bot), outbox.c.chat_id == chat_id)
        .order_by(outbox.c.id)
    ).mappings()
    return [dict(row) for row in rows]


def purge(connection: Connection, before: datetime) -> int:
    """Drop finished rows created before `before` (OUTBOX_RETENTION_DAYS): they served their
    purpose, and what is not kept cannot leak."""
    result = connection.execute(
        delete(outbox).where(outbox.c.state.in_(FINAL_STATES), outbox.c.created_at < before)
    )
    return max(result.rowcount, 0)


def campaign_counts(connection: Connection, campaign: str) -> dict[str, int]:
    rows = connection.execute(
        select(outbox.c.state, func.count()).where(outbox.c.campaign == campaign).group_by(outbox.c.state)
    ).all()
    return {state: count for state, count in rows}


def cancel(connection: Connection, campaign: str) -> int:
    result = connection.execute(
        update(outbox).where(outbox.c.campaign == campaign, outbox.c.state == PENDING).values(state=CANCELLED)
    )
    return max(result.rowcount, 0)
