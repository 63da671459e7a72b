"""The dashboard's summary: the figures of the overview and provinces pages, counted per province
(and channel) by the scheduler every few minutes (`scheduler.dashboard_refresh`), so a page reads
a few hundred rows instead of every learner and every finished lesson.

With a million learners, counting them and their eight million finished lessons takes seconds
(docs/performance.md), far too long for a page; the summary makes a page's cost independent of
how many learners there are. Everything is kept per province so a viewer's scope still filters it
in SQL (`store.reports`), and a refresh replaces the whole summary in one transaction, so a page
sees one refresh or the next, never half of each. The summary holds counts only: no learner
appears in it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Date,
    DateTime,
    Integer,
    SmallInteger,
    String,
    Table,
    delete,
    insert,
    select,
)

from store.audit import in_utc
from store.models import Base, Id

REFRESH_ROW = 1

refreshes = Table(
    "dashboard_refresh",
    Base.metadata,
    Column("id", SmallInteger, primary_key=True),  # one row
    Column("refreshed_at", DateTime(timezone=True), nullable=False),
    Column("day", Date, nullable=False),  # the deployment's date then: "today" of the figures
)
learner_counts = Table(
    "dashboard_learners",
    Base.metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("province", String(32)),  # NULL: learners who have not said
    Column("channel", String(16), nullable=False),
    Column("learners", Integer, nullable=False),
    Column("onboarded", Integer, nullable=False),
    Column("active", Integer, nullable=False),
    Column("lessons_done", BigInteger, nullable=False),  # lessons of the main course finished
)
lesson_days = Table(
    "dashboard_lesson_days",
    Base.metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("province", String(32)),
    Column("day", Date, nullable=False),
    Column("lessons", Integer, nullable=False),
)
streak_counts = Table(
    "dashboard_streaks",
    Base.metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("province", String(32)),
    Column("streak", Integer, nullable=False),  # days, of streaks still alive
    Column("learners", Integer, nullable=False),
)
TABLES = (learner_counts, lesson_days, streak_counts)


@dataclass(frozen=True, slots=True)
class LearnerCount:
    """The learners of one province on one channel."""

    province: str | None
    channel: str
    learners: int
    onboarded: int
    active: int  # opened or finished a lesson in the last reports.ACTIVE_DAYS days
    lessons_done: int


@dataclass(frozen=True, slots=True)
class Breakdown:
    """Every figure of the overview and provinces pages, per province, as of `day`: counted just
    now (`as_of` None) or read from the summary (`as_of` when it was refreshed)."""

    day: date
    learners: list[LearnerCount]
    lessons: list[tuple[str | None, date, int]]  # (province, day, lessons finished that day)
    streaks: list[tuple[str | None, int, int]]  # (province, streak length, learners)
    as_of: datetime | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Refreshed:
    at: datetime  # UTC
    day: date


def last_refresh(connection: Connection) -> Refreshed | None:
    row = connection.execute(select(refreshes.c.refreshed_at, refreshes.c.day)).first()
    if row is None:
        return None
    day = row.day if isinstance(row.day, date) else date.fromisoformat(str(row.day))
    return Refreshed(in_utc(row.refreshed_at), day)


def replace(connection: Connection, figures: Breakdown, at: datetime) -> None:
    """The whole summary, in the caller's transaction: readers see the old one until it commits."""
    clear(connection)
    if figures.learners:
        connection.execute(
            insert(learner_counts),
            [
                {"province": c.province, "channel": c.channel, "learners": c.learners,
                 "onboarded": c.onboarded, "active": c.active, "lessons_done": c.lessons_done}
                for c in figures.learners
            ],
        )  # fmt: skip
    if figures.lessons:
        connection.execute(
            insert(lesson_days),
            [{"province": p, "day": day, "lessons": n} for p, day, n in figures.lessons],
        )
    if figures.streaks:
        connection.execute(
            insert(streak_counts),
            [{"province": p, "streak": s, "learners": n} for p, s, n in figures.streaks],
        )
    connection.execute(insert(refreshes).values(id=REFRESH_ROW, refreshed_at=in_utc(at), day=figures.day))


def clear(connection: Connection) -> None:
    """No summary: the pages count from the learners and lessons tables until the next refresh."""
    for table in (*TABLES, refreshes):
        connection.execute(delete(table))
