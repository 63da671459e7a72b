"""Scheduler ticks: compute from the database what is due now and put it in the outbox.

A tick is safe to run twice: each message has a campaign key per day (`lesson:2026-11-23`), the
outbox ignores a second enqueue, and the learner's row changes in the same transaction (a learner
sent today's lesson is `reading` and no longer due). Learners are handled in id order, a chunk per
transaction, so a tick over a million learners holds no long lock and little memory.

Each learner is handled in their lesson hour, in their own time zone (the deployment's TIMEZONE
unless their row says otherwise), and their messages are spread over that hour by a fixed offset
from their chat id, so a busy hour does not all leave in its first second.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Table, and_, bindparam, func, or_, select, update

from content.library import Library
from flows import daily
from flows.context import Context
from flows.replies import Reply
from flows.state import LearnerState
from scheduler.payload import to_payload
from scheduler.quiet_hours import QuietHours
from store import learners
from store.database import Database
from store.models import ReviewRow
from store.outbox import LESSON, NUDGE, Outgoing, enqueue
from store.outbox import outbox as outbox_table

CHUNK = 2000
DEFAULT_LESSON_HOUR = 8  # for learners who skipped the question
MAX_REMINDERS = 3  # then the bot goes quiet until the learner writes
REMINDER_AFTER_DAYS = 2
SPREAD_SECONDS = 3600
TIP_DELAY = timedelta(seconds=5)  # the tip follows its lesson

table: Table = learners.learners_table
reviews: Table = ReviewRow.__table__  # type: ignore[assignment]


@dataclass
class TickReport:
    lessons: int = 0
    tips: int = 0
    reviews: int = 0
    reminders: int = 0
    learners_seen: int = 0
    purged: int = 0  # finished outbox rows older than OUTBOX_RETENTION_DAYS, deleted
    zones: list[str] = field(default_factory=list)

    def add(self, other: TickReport) -> None:
        for name in ("lessons", "tips", "reviews", "reminders", "learners_seen"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass(frozen=True)
class Clock:
    """One time zone's view of now: its local date and hour, and when that hour began."""

    zone: ZoneInfo
    now: datetime  # aware, UTC

    @property
    def local(self) -> datetime:
        return self.now.astimezone(self.zone)

    @property
    def today(self) -> date:
        return self.local.date()

    @property
    def hour_start(self) -> datetime:
        return self.local.replace(minute=0, second=0, microsecond=0)


def spread(chat_id: int, clock: Clock, quiet: QuietHours) -> datetime:
    """When in this hour the learner's message may leave: fixed per chat, moved out of quiet hours."""
    offset = timedelta(seconds=(chat_id * 2654435761) % SPREAD_SECONDS)
    return quiet.next_allowed(clock.hour_start + offset).astimezone(UTC)


_UPDATE_STATE = (
    update(table)
    .where(table.c.id == bindparam("learner_id"))
    .values(
        step=bindparam("new_step"),
        lesson_id=bindparam("new_lesson"),
        question_index=0,
        quiz_correct=0,
        tip_cursor=bindparam("new_tip_cursor"),
        tip_cycle_started=bindparam("new_tip_cycle"),
    )
)
_NOTE_REMINDER = (
    update(table)
    .where(table.c.id == bindparam("learner_id"))
    .values(reminders_sent=table.c.reminders_sent + 1, last_reminder_on=bindparam("today"))
)


def _base(clock: Clock, default_zone: str) -> Any:
    zone_matches = (
        or_(table.c.timezone.is_(None), table.c.timezone == default_zone)
        if clock.zone.key == default_zone
        else table.c.timezone == clock.zone.key
    )
    return and_(
        zone_matches,
        table.c.onboarded.is_(True),
        table.c.active.is_(True),
        table.c.paused.is_(False),
        table.c.reminders_sent < MAX_REMINDERS,
        func.coalesce(table.c.lesson_hour, DEFAULT_LESSON_HOUR) == clock.local.hour,
    )


def _chunks(connection: Connection, condition: Any, after: int) -> list[Any]:
    query = select(table).where(condition, table.c.id > after).order_by(table.c.id).limit(CHUNK)
    return list(connection.execute(query).mappings())


def lessons_and_tips(
    connection: Connection, library: Library, clock: Clock, quiet: QuietHours, default_zone: str, after: int
) -> tuple[TickReport, int | None]:
    """One chunk of learners due their daily lesson (and tip); returns the last id seen."""
    condition = and_(
        _base(clock, default_zone),
        table.c.step == "ready",
        or_(table.c.last_study_day.is_(None), table.c.last_study_day < clock.today),
    )
    rows = _chunks(connection, condition, after)
    report = TickReport(learners_seen=len(rows))
    ctx = Context(library, clock.local)
    outgoing: list[Outgoing] = []
    updates: list[dict[str, Any]] = []
    for row in rows:
        state = learners.to_state(row)
        lesson = daily.daily_lesson(state, ctx)
        if lesson is None:
            continue
        at = spread(row["chat_id"], clock, quiet)
        outgoing.append(_outgoing(row, f"lesson:{clock.today}", LESSON, lesson.replies, at))
        tip = daily.tip_of_the_day(lesson.state, ctx)
        final = tip.state if tip else lesson.state
        if tip is not None:
            outgoing.append(_outgoing(row, f"tip:{clock.today}", NUDGE, tip.replies, at + TIP_DELAY))
            report.tips += 1
        updates.append(_state_values(row["id"], final))
        report.lessons += 1
    enqueue(connection, outgoing, clock.now)
    if updates:
        connection.execute(_UPDATE_STATE, updates)
    return report, _resume_after(rows)


def reminders(
    connection: Connection, library: Library, clock: Clock, quiet: QuietHours, default_zone: str, after: int
) -> tuple[TickReport, int | None]:
    """A gentle reminder for learners who have not opened a lesson for two days."""
    cutoff = clock.today - timedelta(days=REMINDER_AFTER_DAYS)
    opened = func.coalesce(table.c.last_opened_on, func.date(table.c.created_at))
    sent_today = (
        select(outbox_table.c.id)
        .where(
            outbox_table.c.campaign == f"lesson:{clock.today}",
            outbox_table.c.chat_id == table.c.chat_id,
            outbox_table.c.bot_id == table.c.bot_id,
        )
        .exists()
    )
    condition = and_(
        _base(clock, default_zone),
        table.c.step != "ready",  # a lesson is waiting, unopened or unfinished
        ~sent_today,  # not the lesson that went out earlier this hour: that one needs no nudge yet
        opened <= cutoff,
        or_(table.c.last_reminder_on.is_(None), table.c.last_reminder_on <= cutoff),
    )
    rows = _chunks(connection, condition, after)
    report = TickReport(learners_seen=len(rows))
    ctx = Context(library, clock.local)
    outgoing, noted = [], []
    for row in rows:
        message = daily.reminder(learners.to_state(row), ctx, row["reminders_sent"])
        if message is None:
            continue
        at = spread(row["chat_id"], clock, quiet)
        outgoing.append(_outgoing(row, f"reminder:{clock.today}", NUDGE, [message], at))
        noted.append({"learner_id": row["id"], "today": clock.today})
    report.reminders = len(noted)
    enqueue(connection, outgoing, clock.now)
    if noted:
        connection.execute(_NOTE_REMINDER, noted)
    return report, _resume_after(rows)


def due_reviews(
    connection: Connection, library: Library, clock: Clock, quiet: QuietHours, default_zone: str, after: int
) -> tuple[TickReport, int | None]:
    """One question due for review per learner per day, at their lesson hour."""
    first_due = (
        select(reviews.c.learner_id, func.min(reviews.c.question_id).label("question_id"))
        .where(reviews.c.due_on <= clock.today)
        .group_by(reviews.c.learner_id)
        .subquery()
    )
    query = (
        select(table, first_due.c.question_id.label("review_question"))
        .join(first_due, first_due.c.learner_id == table.c.id)
        .where(_base(clock, default_zone), table.c.id > after)
        .order_by(table.c.id)
        .limit(CHUNK)
    )
    rows = list(connection.execute(query).mappings())
    report = TickReport(learners_seen=len(rows))
    ctx = Context(library, clock.local)
    outgoing = []
    for row in rows:
        state = learners.to_state(row)
        message = daily.review_message(state, ctx, row["review_question"])
        if message is not None:
            at = spread(row["chat_id"], clock, quiet) + TIP_DELAY * 2
            outgoing.append(_outgoing(row, f"review:{clock.today}", LESSON, [message], at))
    report.reviews = enqueue(connection, outgoing, clock.now)
    return report, _resume_after(rows)


def _outgoing(row: Any, campaign: str, priority: int, replies: list[Reply], at: datetime) -> Outgoing:
    return Outgoing(row["bot_id"], row["chat_id"], campaign, priority, to_payload(replies), at)


def _resume_after(rows: list[Any]) -> int | None:
    """Where the next chunk starts: after the last id, or None when this chunk was the last."""
    return rows[-1]["id"] if len(rows) == CHUNK else None


def _state_values(learner_id: int, state: LearnerState) -> dict[str, Any]:
    return {
        "learner_id": learner_id,
        "new_step": state.step.value,
        "new_lesson": state.lesson_id,
        "new_tip_cursor": state.tip_cursor,
        "new_tip_cycle": state.tip_cycle_started,
    }


class Pass(Protocol):
    """One kind of due message: handles the chunk of learners after `after`, returns the last id."""

    def __call__(
        self,
        connection: Connection,
        library: Library,
        clock: Clock,
        quiet: QuietHours,
        default_zone: str,
        after: int,
    ) -> tuple[TickReport, int | None]: ...


# Reminders go to learners whose lesson is waiting unopened and was not sent today, so a learner
# never gets a lesson and a reminder about it in the same hour, whichever tick runs first.
PASSES: tuple[Pass, ...] = (reminders, lessons_and_tips, due_reviews)


def zones_in_use(connection: Connection, default_zone: str) -> list[str]:
    found = connection.execute(
        select(table.c.timezone).where(table.c.timezone.is_not(None)).distinct()
    ).scalars()
    return sorted({default_zone, *(z for z in found if z)})


async def run_tick(
    database: Database, library: Library, default_zone: str, quiet: QuietHours, now: datetime | None = None
) -> TickReport:
    """Everything due now, in every time zone learners are in; each chunk in its own transaction."""
    now = now or datetime.now(UTC)
    report = TickReport()
    report.zones = await database.run(lambda c: zones_in_use(c, default_zone))
    for zone_name in report.zones:
        clock = Clock(ZoneInfo(zone_name), now)
        for step in PASSES:
            after: int | None = 0
            while after is not None:
                chunk, after = await database.run(
                    partial(
                        step,
                        library=library,
                        clock=clock,
                        quiet=quiet,
                        default_zone=default_zone,
                        after=after,
                    )
                )
                report.add(chunk)
    return report
