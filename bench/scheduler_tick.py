"""The cost of one scheduler tick (scheduler.ticks.run_tick) over 1,000,000 learners in PostgreSQL
(database hocvuso_bench, created if missing; never the test database).

Learners are seeded once with one INSERT ... SELECT over generate_series and kept between runs
(--reseed seeds again); each run first puts them back as they were (ready for today's lesson, an
empty outbox). Lesson hours: 30% at 7:00, 20% at 19:00, 5% unset (the default, 8:00), the rest
spread over 6:00 to 21:00; every learner studied and opened a lesson yesterday.

Times three ticks, in this order:
  busy hour   7:00 local, about 30% of learners due (a lesson each; its tip is queued when the
              lesson goes out, not by the tick);
  same again  the same tick a second time: idempotent, enqueues nothing;
  quiet hour  3:00 local, nobody's lesson hour: the cost of finding no one.
For each: learners, learners due, outbox rows enqueued, seconds, learners/s and the peak RSS of
this process during the tick. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from zoneinfo import ZoneInfo

import asyncpg
from alembic.script import ScriptDirectory
from delivery_support import (
    ensure_postgres_database,
    peak_rss_mib,
    postgres_url,
    reset_peak_rss,
    rss_mib,
    wipe_postgres,
)

from content.library import Library
from scheduler.quiet_hours import QuietHours
from scheduler.ticks import DEFAULT_LESSON_HOUR, run_tick
from store.address import TELEGRAM, BotRef
from store.database import alembic_config, migrate, open_database
from store.learners import learners_table

DATABASE = "hocvuso_bench"
BOT = BotRef(TELEGRAM, "4243")
ZONE = "Asia/Ho_Chi_Minh"
DAY = date(2026, 11, 24)  # the tick's local day; learners last studied the day before
SEEDED_AT = datetime(2026, 9, 1, 3, 0, tzinfo=UTC)
FIRST_CHAT = 2_000_000_000
OTHER_HOURS = (6, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 20, 21)

# `g` is the row number from generate_series, `b` a well-mixed bucket 0..99 derived from it.
_HOUR = (
    "CASE WHEN b < 30 THEN 7 WHEN b < 50 THEN 19 WHEN b < 55 THEN NULL "
    f"ELSE (ARRAY{list(OTHER_HOURS)})[1 + g % {len(OTHER_HOURS)}] END"
)
# Every NOT NULL column without a server default needs an expression here; nullable columns that
# are not listed stay NULL.
COLUMNS = {
    "channel": "$5::text",
    "bot_id": "$1::text",
    "chat_id": f"({FIRST_CHAT} + g)::text",  # learners' ids are strings: Telegram's, in decimal
    "step": "'ready'",
    "language": "'vi'",
    "language_hint": "'vi'",
    "lesson_hour": _HOUR,
    "onboarded": "true",
    "editing": "false",
    "resume_step": "'ready'",
    "paused": "false",
    "active": "true",
    "province_page": "0",
    "question_index": "0",
    "quiz_correct": "0",
    "answered": "0",
    "correct": "0",
    "streak": "0",
    "last_study_day": "$3::date",
    "last_opened_on": "$3::date",
    "completed": "'[]'",
    "recent_updates": "'[]'",
    "offered": "'[]'",
    "reminders_sent": "0",
    "tip_cursor": "0",
    "created_at": "$2::timestamptz",
    "updated_at": "$2::timestamptz",
}
RESET = """
UPDATE learners SET step = 'ready', lesson_id = NULL, question_index = 0, quiz_correct = 0,
    tip_cursor = 0, tip_cycle_started = NULL, reminders_sent = 0, last_reminder_on = NULL
WHERE step <> 'ready' OR lesson_id IS NOT NULL OR tip_cursor <> 0 OR reminders_sent <> 0
    OR tip_cycle_started IS NOT NULL OR last_reminder_on IS NOT NULL
"""
DUE = f"""
SELECT count(*) FROM learners
WHERE coalesce(lesson_hour, {DEFAULT_LESSON_HOUR}) = $1 AND onboarded AND active AND NOT paused
    AND step = 'ready' AND (last_study_day IS NULL OR last_study_day < $2::date)
"""


def seed_statement() -> str:
    missing = [
        column.name
        for column in learners_table.columns
        if not column.nullable
        and column.server_default is None
        and not column.primary_key
        and column.name not in COLUMNS
    ]
    if missing:
        raise SystemExit(f"learners has NOT NULL columns this benchmark does not fill: {', '.join(missing)}")
    names = ", ".join(COLUMNS)
    values = ", ".join(COLUMNS.values())
    return (
        f"INSERT INTO learners ({names}) SELECT {values} FROM "
        "(SELECT g, ((g::bigint * 2654435761) % 4294967296) * 100 / 4294967296 AS b "
        "FROM generate_series(1, $4::int) AS g) AS numbered"
    )


async def head_revision(url: str) -> str | None:
    return ScriptDirectory.from_config(alembic_config(url)).get_current_head()


async def current_state(connection: asyncpg.Connection) -> tuple[str | None, int]:
    """(alembic revision, learners) of the benchmark database, (None, 0) when it is empty."""
    if not await connection.fetchval("SELECT to_regclass('public.alembic_version') IS NOT NULL"):
        return None, 0
    revision = await connection.fetchval("SELECT version_num FROM alembic_version")
    has_learners = await connection.fetchval("SELECT to_regclass('public.learners') IS NOT NULL")
    return revision, (await connection.fetchval("SELECT count(*) FROM learners") if has_learners else 0)


async def vacuum(connection: asyncpg.Connection) -> None:
    for table in ("learners", "outbox"):
        await connection.execute(f"VACUUM ANALYZE {table}")
    await connection.execute("CHECKPOINT")


async def seed(url: str, count: int) -> None:
    await wipe_postgres(DATABASE)
    await migrate(url)
    connection = await asyncpg.connect(url.replace("+asyncpg", ""))
    try:
        started = time.perf_counter()
        await connection.execute(
            seed_statement(), BOT.bot_id, SEEDED_AT, DAY - timedelta(days=1), count, BOT.channel
        )
        inserted = time.perf_counter()
        await vacuum(connection)
        print(
            f"seeded {count:,} learners in {inserted - started:.1f} s "
            f"(VACUUM ANALYZE and CHECKPOINT {time.perf_counter() - inserted:.1f} s more)"
        )
    finally:
        await connection.close()


async def prepare(url: str, count: int, reseed: bool) -> None:
    await ensure_postgres_database(DATABASE)
    connection = await asyncpg.connect(url.replace("+asyncpg", ""))
    try:
        revision, learners = await current_state(connection)
    finally:
        await connection.close()
    head = await head_revision(url)
    if reseed or revision != head or learners != count:
        why = "--reseed" if reseed else f"found revision {revision} with {learners:,} learners"
        print(f"seeding {DATABASE} ({why}; want {head} with {count:,})")
        await seed(url, count)
        return
    connection = await asyncpg.connect(url.replace("+asyncpg", ""))
    try:
        started = time.perf_counter()
        reset = await connection.execute(RESET)
        await connection.execute("TRUNCATE outbox, alerts")
        await vacuum(connection)
        print(
            f"kept the {count:,} seeded learners in {DATABASE}; put {int(reset.split()[-1]):,} back to "
            f"ready and emptied the outbox in {time.perf_counter() - started:.1f} s"
        )
    finally:
        await connection.close()


async def timed_tick(
    label: str, url: str, connection: asyncpg.Connection, library: Library, local: datetime, learners: int
) -> None:
    database = open_database(url)
    due = await connection.fetchval(DUE, local.hour, local.date())
    before = await connection.fetchval("SELECT count(*) FROM outbox")
    rss_before = rss_mib() or 0.0
    exact_peak = reset_peak_rss()
    started, cpu = time.perf_counter(), time.process_time()
    report = await run_tick(database, library, ZONE, QuietHours(0, 0), local.astimezone(UTC))
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak = peak_rss_mib() if exact_peak else None
    await database.dispose()
    enqueued = await connection.fetchval("SELECT count(*) FROM outbox") - before
    print(
        f"{label:<11} {local:%H:%M} local: learners {learners:,}, due {due:,}, "
        f"rows enqueued {enqueued:,} (lessons {report.lessons:,}, tips {report.tips:,}, "
        f"reminders {report.reminders:,}, reviews {report.reviews:,})"
    )
    due_rate = f", {due / seconds:,.0f} due learners/s" if due else ""
    peak_text = f"peak {peak:.1f} MiB" if peak is not None else "peak not measurable (no clear_refs)"
    print(
        f"{'':<11} {seconds:.2f} s ({cpu:.2f} s CPU in this process), {learners / seconds:,.0f} learners/s"
        f"{due_rate}; RSS before {rss_before:.1f} MiB, {peak_text} during the tick"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--learners", type=int, default=1_000_000)
    parser.add_argument("--reseed", action="store_true", help="seed again even if the data is there")
    parser.add_argument("--quick", action="store_true", help="smoke run: 100,000 learners")
    args = parser.parse_args()
    if args.quick:
        args.learners = 100_000
    url = postgres_url(DATABASE)
    await prepare(url, args.learners, args.reseed)
    library = Library.load()
    zone = ZoneInfo(ZONE)
    busy = datetime.combine(DAY, clock_time(7, 0, 30), tzinfo=zone)
    quiet = datetime.combine(DAY, clock_time(3, 0, 30), tzinfo=zone)
    connection = await asyncpg.connect(url.replace("+asyncpg", ""))
    try:
        for label, local in (("busy hour", busy), ("same again", busy), ("quiet hour", quiet)):
            await timed_tick(label, url, connection, library, local, args.learners)
    finally:
        await connection.close()


if __name__ == "__main__":
    asyncio.run(main())
