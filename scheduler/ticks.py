"""Scheduler ticks: compute from the database what is due now and put it in the outbox.

A tick is set-based: each kind of message is one INSERT ... SELECT, so the database finds the
learners due and writes their rows, and a tick's cost grows with the learners due, not with
everyone. The row holds only what is due (`{"type": "daily", "kind": "lesson"}`); the words are
written when the row goes out (`scheduler.render`), under the same row lock and save path as a
learner's own turn, so a tick and a turn never overwrite each other, and a learner who has
already opened today's lesson by hand gets nothing twice.

A tick is safe to run twice: each message has a campaign key per day (`lesson:2026-11-23`), a row
that exists is not selected again, and the outbox ignores a second enqueue.

Each learner is handled in their lesson hour, in their own time zone (the deployment's TIMEZONE
unless their row says otherwise), and their messages are spread over that hour by a fixed offset
from their chat id, so a busy hour does not all leave in its first second. Quiet hours are kept
by the delivery worker, which sends only urgent alerts then.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import JSON, Connection, Table, and_, func, literal, literal_column, or_, select

from content.library import Library
from flows.daily import LESSON_READY
from flows.lesson import GENTLE_GROUP
from scheduler import cafe_ticks
from scheduler.quiet_hours import QuietHours
from store import learners
from store.database import Database, at_epoch, insert_or_update
from store.learners import wants_messages
from store.models import ReviewRow
from store.outbox import LESSON, NUDGE, PENDING, UNIQUE_KEY
from store.outbox import outbox as outbox_table

DEFAULT_LESSON_HOUR = 8  # for learners who skipped the question
MAX_REMINDERS = 3  # then the bot goes quiet until the learner writes
REMINDER_AFTER_DAYS = 2
SPREAD_SECONDS = 3600
SPREAD_FACTOR = 2654435761  # Knuth's multiplicative hash: neighbouring ids land far apart
TIP_DELAY = timedelta(seconds=5)  # reviews follow the lesson hour's other messages
ZERO = timedelta(0)

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
    cafe_posts: int = 0
    cafe_weeks: int = 0  # Sunday evening's congratulations
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


def spread(learner_id: int, clock: Clock, quiet: QuietHours) -> datetime:
    """When in this hour the learner's message may leave: fixed per learner, moved out of quiet
    hours."""
    offset = timedelta(seconds=(learner_id * SPREAD_FACTOR) % SPREAD_SECONDS)
    return quiet.next_allowed(clock.hour_start + offset).astimezone(UTC)


def _spread_sql(connection: Connection, clock: Clock, quiet: QuietHours, delay: timedelta) -> Any:
    """`spread` in SQL, for every row at once: the hour's start plus the learner's fixed offset
    (from the row id: chat ids are strings, and Zalo's are hex). A lesson hour inside quiet hours
    is spread over the first hour after they end instead.

    (id mod 3600) first keeps the product inside 64 bits."""
    in_hour = table.c.id % SPREAD_SECONDS
    offset = in_hour * SPREAD_FACTOR % SPREAD_SECONDS
    start = int((quiet.next_allowed(clock.hour_start).astimezone(UTC) + delay).timestamp())
    return at_epoch(connection, literal(start) + offset)


def _base(clock: Clock, default_zone: str) -> Any:
    zone_matches = (
        or_(table.c.timezone.is_(None), table.c.timezone == default_zone)
        if clock.zone.key == default_zone
        else table.c.timezone == clock.zone.key
    )
    return and_(
        zone_matches,
        wants_messages(table),
        table.c.reminders_sent < MAX_REMINDERS,
        # written as in the index ix_learners_lesson_hour, with the 8 inline, so the index serves
        func.coalesce(table.c.lesson_hour, literal_column(str(DEFAULT_LESSON_HOUR))) == clock.local.hour,
    )


def _not_queued(campaign: str) -> Any:
    return ~(
        select(outbox_table.c.id)
        .where(
            outbox_table.c.campaign == campaign,
            outbox_table.c.chat_id == table.c.chat_id,
            outbox_table.c.bot_id == table.c.bot_id,
            outbox_table.c.channel == table.c.channel,
        )
        .exists()
    )


def _enqueue_due(
    connection: Connection,
    clock: Clock,
    quiet: QuietHours,
    due: Any,
    kind: str,
    priority: int,
    delay: timedelta = ZERO,
) -> int:
    """One INSERT ... SELECT: a row of this kind for every learner due who has none today (a
    learner stays due until the row goes out; the campaign key makes the later ticks no-ops)."""
    campaign = f"{kind}:{clock.today}"
    payload = literal([{"type": "daily", "kind": kind}], JSON)
    rows = select(
        table.c.channel, table.c.bot_id, table.c.chat_id, literal(campaign), literal(priority), payload,
        literal(PENDING), literal(0), _spread_sql(connection, clock, quiet, delay), literal(clock.now),
    ).where(due)  # fmt: skip
    columns = [
        "channel", "bot_id", "chat_id", "campaign", "priority", "payload", "state", "attempts", "not_before",
        "created_at",
    ]  # fmt: skip
    # ON CONFLICT, not NOT EXISTS: the unique key is probed row by row whatever the planner believes
    # about the outbox (an anti-join planned on stale statistics of an outbox this very tick is
    # filling turned quadratic: minutes instead of seconds).
    statement = insert_or_update(connection, outbox_table).from_select(columns, rows)
    result = connection.execute(statement.on_conflict_do_nothing(index_elements=UNIQUE_KEY))
    return max(result.rowcount, 0)


def lessons_and_tips(
    connection: Connection, clock: Clock, quiet: QuietHours, default_zone: str
) -> TickReport:
    """Today's lesson. Its tip of the day is queued when the lesson goes out (scheduler.render):
    a tip follows a lesson that was sent, and the busiest tick writes half the rows."""
    yesterday = clock.today - timedelta(days=1)
    due = and_(
        _base(clock, default_zone),
        table.c.step.in_([step.value for step in LESSON_READY]),
        or_(table.c.last_study_day.is_(None), table.c.last_study_day < clock.today),
        # older adults rest the day after a lesson (flows.daily.daily_lesson says the same)
        or_(
            table.c.group_id.is_(None),
            table.c.group_id != GENTLE_GROUP,
            table.c.last_study_day.is_(None),  # NULL != yesterday is NULL, not true
            table.c.last_study_day != yesterday,
        ),
    )
    return TickReport(lessons=_enqueue_due(connection, clock, quiet, due, "lesson", LESSON))


def reminders(connection: Connection, clock: Clock, quiet: QuietHours, default_zone: str) -> TickReport:
    """A gentle reminder for learners who have not opened a lesson for two days."""
    cutoff = clock.today - timedelta(days=REMINDER_AFTER_DAYS)
    opened = func.coalesce(table.c.last_opened_on, func.date(table.c.created_at))
    due = and_(
        _base(clock, default_zone),
        # a lesson is waiting, unopened or unfinished
        table.c.step.not_in([step.value for step in LESSON_READY]),
        _not_queued(f"lesson:{clock.today}"),  # not one sent this hour: that one needs no nudge yet
        opened <= cutoff,
        or_(table.c.last_reminder_on.is_(None), table.c.last_reminder_on <= cutoff),
    )
    return TickReport(reminders=_enqueue_due(connection, clock, quiet, due, "reminder", NUDGE))


def due_reviews(connection: Connection, clock: Clock, quiet: QuietHours, default_zone: str) -> TickReport:
    """One question due for review per learner per day, at their lesson hour; which question is
    chosen when it goes out."""
    has_due = (
        select(reviews.c.id)
        .where(reviews.c.learner_id == table.c.id, reviews.c.due_on <= clock.today)
        .exists()
    )
    due = and_(_base(clock, default_zone), has_due)
    return TickReport(reviews=_enqueue_due(connection, clock, quiet, due, "review", LESSON, TIP_DELAY * 2))


class Pass(Protocol):
    """One kind of due message for one time zone."""

    def __call__(
        self, connection: Connection, clock: Clock, quiet: QuietHours, default_zone: str
    ) -> TickReport: ...


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
    """Everything due now, in every time zone learners are in; each pass in its own transaction.

    Learners' words are written at delivery; a café's post is written now, with the library."""
    now = now or datetime.now(UTC)
    report = TickReport()
    report.zones = await database.run(lambda c: zones_in_use(c, default_zone))
    for zone_name in report.zones:
        clock = Clock(ZoneInfo(zone_name), now)
        for step in PASSES:
            work = partial(step, clock=clock, quiet=quiet, default_zone=default_zone)
            report.add(await database.run(work))
    local = Clock(ZoneInfo(default_zone), now).local  # cafés keep the deployment's time zone
    report.cafe_posts = await database.run(lambda c: cafe_ticks.due_posts(c, library, local, quiet))
    report.cafe_weeks = await database.run(lambda c: cafe_ticks.week_winners(c, library, local, quiet))
    return report
