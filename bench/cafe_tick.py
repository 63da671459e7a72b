"""The cost of the scheduler tick at 7:00 when 10,000 morning cafés are due, in PostgreSQL and in
SQLite (--database). Each run starts from an empty schema: PostgreSQL's public schema is dropped
and made again (database helper_bench by default, BENCH_DATABASE_URL to use another; never the test
database), SQLite gets a new file.

Cafés are written straight into the `cafes` table, one executemany per 5,000:
  due         --cafes (10,000) at 7:00, enabled, the bot in the group, each with a month of history
              (cursors part-way round the rotations, 29 recent tips, yesterday's post), so the
              tick does what it does on an ordinary morning;
  other hours --others (10,000) spread over the other café hours;
  not posting 1,000 at 7:00, half paused by their hosts, half where the bot was removed.
Days are a mix of daily, weekdays and Monday-Saturday; the tick's day is a Monday, so every
café due posts.

Times two ticks (scheduler.ticks.run_tick, learners' passes included: there are no learners):
  7:02    the cafés' hour: one outbox row per café due (tip, poll and link), rotations saved;
  7:40    the same hour again: nothing is queued twice.
  Sunday  19:05 on the Sunday after, when every café due had --members (5) members answering
          three polls each that week: each café's top three queued, read in one grouped query.
For each: seconds, cafés queued, outbox rows written. --profile prints where the first tick's
time goes (cProfile: the project's 25 most expensive calls, and the 15 that spend most inside);
it sees PostgreSQL's work only, as SQLite's runs in a thread of its own. Prints figures; asserts
nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import os
import pstats
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, func, insert, select, text

from content.library import Library
from flows.cafe.daily_post import tip_pool
from flows.cafe.model import HOURS, WEEKLY_HOUR
from scheduler.quiet_hours import QuietHours
from scheduler.ticks import run_tick
from service.cafe_posts import campaign, week_campaign
from store.address import TELEGRAM, BotRef
from store.cafes import answers, cafes, members
from store.database import Database, ServerDatabase, migrate, open_database
from store.outbox import outbox

DEFAULT_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/helper_bench"
ZONE = "Asia/Ho_Chi_Minh"
BOT = BotRef(TELEGRAM, "4245")
BOT_USERNAME = "hocvuso_sandbox_bot"
DAY = date(2026, 11, 30)  # a Monday: weekday and Monday-Saturday cafés post too
HOUR = 7
CHUNK = 5_000
HISTORY_DAYS = 29  # tips posted on each of the last 29 days, all still inside the 30-day window
DAYS_MIX = ("daily", "daily", "weekdays", "mon_sat")
LANGUAGES = ("vi", "vi", "vi", "en")
FOCUSES = ("all", "all", "scams")
PROJECT = r"/(scheduler|service|store|flows|content)/"  # --profile lists these modules' calls


@dataclass(frozen=True)
class Seeded:
    due: int
    total: int
    seconds: float


@dataclass(frozen=True)
class Ticked:
    label: str
    seconds: float
    queued: int
    rows: int


def postgres_url() -> str:
    return os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)


def chat_of(number: int) -> str:
    """A supergroup's id as Telegram writes it, -100 followed by the group's number."""
    return f"-100{number}"


async def reset_postgres(url: str) -> None:
    """An empty public schema: whatever an earlier run or revision left goes."""

    def wipe(connection: Connection) -> None:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))

    database = ServerDatabase(url)
    try:
        await database.run(wipe)
    finally:
        await database.dispose()


async def fresh_database(backend: str, workdir: Path) -> str:
    """A migrated, empty database of this backend; returns its URL."""
    if backend == "sqlite":
        path = workdir / "cafes.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        url = f"sqlite+aiosqlite:///{path}"
    else:
        url = postgres_url()
        await reset_postgres(url)
    await migrate(url)
    return url


def _history(pool: tuple[str, ...], start: int, day: date) -> tuple[int, list[list[str]]]:
    """(tip cursor, recent tips) of a café that posted every day of the HISTORY_DAYS before `day`
    from position `start` of its pool: as far round the rotation as a month of mornings takes it."""
    recent = [
        [pool[(start + i) % len(pool)], (day - timedelta(days=HISTORY_DAYS - i)).isoformat()]
        for i in range(HISTORY_DAYS)
    ]
    return (start + HISTORY_DAYS) % len(pool), recent


def cafe_row(
    library: Library, number: int, hour: int, day: date, enabled: bool = True, present: bool = True
) -> dict:
    """One café's row, varied by its number: language, focus, days and where its rotations stand;
    it last posted the day before `day`."""
    language = LANGUAGES[number % len(LANGUAGES)]
    focus = FOCUSES[number % len(FOCUSES)]
    pool = tip_pool(library, language, focus)
    cursor, recent = _history(pool, (number * 7) % len(pool), day)
    return {
        "channel": BOT.channel, "bot_id": BOT.bot_id, "chat_id": chat_of(number), "thread_id": None,
        "title": f"Tổ dân phố {number}", "code": f"b{number:07d}", "bot_username": BOT_USERNAME,
        "language": language, "hour": hour, "days": DAYS_MIX[number % len(DAYS_MIX)], "focus": focus,
        "enabled": enabled, "present": present, "tip_cursor": cursor,
        "question_cursor": number % 97 + HISTORY_DAYS, "recent_tips": recent,
        "last_post_on": day - timedelta(days=1), "previous_post_on": day - timedelta(days=2),
        "top_message_id": None, "top_at": None, "created_at": datetime(2026, 10, 1, tzinfo=UTC),
    }  # fmt: skip


def cafe_rows(library: Library, due: int, others: int, day: date) -> list[dict]:
    """The due cafés first (numbers 1..due), then the other hours, then those that do not post."""
    rows = [cafe_row(library, n, HOUR, day) for n in range(1, due + 1)]
    other_hours = [hour for hour in HOURS if hour != HOUR]
    first = due + 1
    rows += [
        cafe_row(library, n, other_hours[n % len(other_hours)], day) for n in range(first, first + others)
    ]
    first += others
    silent = range(first, first + max(due // 10, 1))  # paused by the hosts, or the bot was removed
    rows += [cafe_row(library, n, HOUR, day, enabled=n % 2 == 0, present=n % 2 == 1) for n in silent]
    return rows


async def seed_cafes(database: Database, library: Library, due: int, others: int, day: date = DAY) -> Seeded:
    """Insert the cafés CHUNK rows to a statement (one executemany each), ready to post on `day`."""
    rows = cafe_rows(library, due, others, day)
    started = time.perf_counter()
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        await database.run(lambda c, chunk=chunk: c.execute(insert(cafes), chunk))
    return Seeded(due, len(rows), time.perf_counter() - started)


async def analyze(database: Database) -> None:
    """Fresh planner statistics, as autovacuum would have them on a database in use."""
    await database.run(lambda c: c.execute(text("ANALYZE")))


def local_moment(minute: int, day: date = DAY) -> datetime:
    return datetime.combine(day, clock_time(HOUR, minute), tzinfo=ZoneInfo(ZONE))


async def outbox_rows(database: Database) -> int:
    query = select(func.count()).select_from(outbox).where(outbox.c.campaign == campaign(DAY))
    return int(await database.run(lambda c: c.execute(query).scalar_one()))


async def timed_tick(
    database: Database, library: Library, label: str, local: datetime, profile: bool
) -> Ticked:
    before = await outbox_rows(database)
    profiler = cProfile.Profile() if profile else None
    started = time.perf_counter()
    if profiler is not None:
        profiler.enable()
    report = await run_tick(database, library, ZONE, QuietHours(21, 6), local.astimezone(UTC))
    if profiler is not None:
        profiler.disable()
    seconds = time.perf_counter() - started
    if profiler is not None:
        print_profile(profiler)
    return Ticked(label, seconds, report.cafe_posts, await outbox_rows(database) - before)


async def seed_answers(database: Database, due: int, people: int, day: date = DAY) -> int:
    """`people` members in each of the first `due` cafés, each answering three polls that week (two
    right), written CHUNK rows to a statement; returns the answers written."""
    ids = await database.run(
        lambda c: list(c.execute(select(cafes.c.id).order_by(cafes.c.id).limit(due)).scalars())
    )
    member_rows, answer_rows = [], []
    for cafe_id in ids:
        for person in range(people):
            user = f"{cafe_id * 100 + person}"
            member_rows.append(
                {"cafe_id": cafe_id, "user_id": user, "first_name": f"Người {person}", "streak": person,
                 "last_answer_on": day + timedelta(days=4)}
            )  # fmt: skip
            answer_rows += [
                {"cafe_id": cafe_id, "user_id": user, "poll_id": f"p{cafe_id}-{k}", "question_id": f"q{k}",
                 "correct": k != person % 3, "answered_on": day + timedelta(days=2 * k)}
                for k in range(3)
            ]  # fmt: skip
    for table, rows in ((members, member_rows), (answers, answer_rows)):
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start : start + CHUNK]
            await database.run(lambda c, table=table, chunk=chunk: c.execute(insert(table), chunk))
    return len(answer_rows)


async def timed_sunday(database: Database, library: Library) -> Ticked:
    """The Sunday evening tick of the week that starts on DAY."""
    sunday = datetime.combine(DAY + timedelta(days=6), clock_time(WEEKLY_HOUR, 5), tzinfo=ZoneInfo(ZONE))
    started = time.perf_counter()
    report = await run_tick(database, library, ZONE, QuietHours(21, 6), sunday.astimezone(UTC))
    seconds = time.perf_counter() - started
    query = select(func.count()).select_from(outbox).where(outbox.c.campaign == week_campaign(DAY))
    rows = await database.run(lambda c: c.execute(query).scalar_one())
    return Ticked("Sunday", seconds, report.cafe_weeks, int(rows))


def print_profile(profiler: cProfile.Profile) -> None:
    """The project's own calls by cumulative time, then everything by time spent inside: the
    database driver's time shows in the second list, under the greenlet that runs it."""
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(PROJECT, 25)
    stats.sort_stats("tottime").print_stats(15)
    print(out.getvalue())


async def run_backend(backend: str, args: argparse.Namespace, library: Library, workdir: Path) -> list[Any]:
    url = await fresh_database(backend, workdir)
    database = open_database(url)
    try:
        seeded = await seed_cafes(database, library, args.cafes, args.others)
        if backend == "postgres":
            await analyze(database)
        print(f"{backend}: {seeded.total:,} cafés in {seeded.seconds:.1f} s, {seeded.due:,} due at 7:00")
        first = await timed_tick(database, library, "7:02", local_moment(2), args.profile)
        again = await timed_tick(database, library, "7:40 again", local_moment(40), False)
        written = await seed_answers(database, args.cafes, args.members)
        if backend == "postgres":
            await analyze(database)
        print(f"{backend}: {written:,} answers this week in {args.cafes:,} cafés")
        sunday = await timed_sunday(database, library)
        return [(backend, seeded, first), (backend, seeded, again), (backend, seeded, sunday)]
    finally:
        await database.dispose()


def print_table(results: list[Any]) -> None:
    heads = ("database", "cafés", "due", "tick", "seconds", "queued", "rows", "cafés/s")
    print("\n{:<10} {:>7} {:>7} {:<11} {:>8} {:>7} {:>7} {:>8}".format(*heads))
    for backend, seeded, ticked in results:
        rate = f"{ticked.queued / ticked.seconds:,.0f}" if ticked.queued else "-"
        print(
            f"{backend:<10} {seeded.total:>7,} {seeded.due:>7,} {ticked.label:<11} {ticked.seconds:>8.2f} "
            f"{ticked.queued:>7,} {ticked.rows:>7,} {rate:>8}"
        )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--database", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--cafes", type=int, default=10_000, help="cafés due at 7:00")
    parser.add_argument("--others", type=int, default=10_000, help="cafés at other hours")
    parser.add_argument("--members", type=int, default=5, help="members answering in each café due")
    parser.add_argument("--profile", action="store_true", help="profile the first tick (cProfile)")
    args = parser.parse_args()
    library = Library.load()
    backends = ("postgres", "sqlite") if args.database == "both" else (args.database,)
    results: list[Any] = []
    with tempfile.TemporaryDirectory(prefix="hocvuso-cafe-tick-") as folder:
        for backend in backends:
            results += await run_backend(backend, args, library, Path(folder))
    print_table(results)


if __name__ == "__main__":
    asyncio.run(main())
