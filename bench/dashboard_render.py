"""How long the dashboard's overview and provinces pages take with 1,000,000 learners in
PostgreSQL (database helper_dash by default, created if missing; never the test database).

Seeding, once and kept between runs (--reseed seeds again), each table by one INSERT ... SELECT
over generate_series:
  learners        --learners (1,000,000): 85% Telegram, 15% Zalo; 34 provinces weighted like
                  the population (Hồ Chí Minh 14%, Hà Nội 10%, ...) and 5% who have not said;
                  90% set up; joined over the last 150 days; lessons finished per learner
                  exponential with mean 10 (capped by the days since joining and the course's
                  length), one a day up to their last study day, most of them recent; streaks,
                  a forgiven day now and then, days a lesson was opened, quiz answers counted,
                  and the learner row as wide as the bot keeps it (finished and passed lesson
                  ids, the last 32 update ids);
  lesson_results  one row per finished lesson (about 7,900,000), at a time of day between 7:00
                  and 21:00 in the deployment's zone.
Quiz answer rows are not seeded: neither page reads them.

Then the dashboard summary (store.summaries) is refreshed twice, as the scheduler does, and each
refresh timed. --live empties it instead: the pages then count every figure from the learners and
lessons tables, as a new deployment's pages do before the scheduler's first refresh.

Last, the pages are served by the real web app (`bot.web.server.web_app`) on a loopback port and
fetched over HTTP with a real session (a one-time link, spent by its button), as a superadmin (the
whole country) and as the province admin of --province. For each page and viewer:
  cold   --cold (5) samples, each the first request of a newly built app with its own database
         engine and templates not yet compiled (PostgreSQL's own caches are left as they are);
  warm   --runs (20) samples on one app after that;
  during a refresh   on the same app, the page again and again while a refresh of the summary
         runs beside it (not with --live).
Times are from sending the request to the last byte of the page: p50, p95 and max. Prints
figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import random
import socket
import statistics
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import aiohttp
import asyncpg
from aiohttp import web
from alembic.script import ScriptDirectory
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from bot.web import pages
from bot.web.server import web_app
from content.library import Library
from scheduler import dashboard_refresh
from service import admins, audit
from service.dashboard_login import issue_link
from store import summaries
from store.database import Database, alembic_config, migrate, open_database
from store.learners import learners_table

DEFAULT_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/helper_dash"
ZONE = "Asia/Ho_Chi_Minh"
SUPERADMIN = 900_001  # in the app's ADMIN_IDS
PROVINCE_ADMIN = "900002"  # granted --province
FIRST_CHAT = 3_000_000_000
JOINED_DAYS = 150  # learners joined over the last 150 days
MEAN_LESSONS = 10
COOKIE = "hocvuso_session"
PAGES = (("overview", "/dashboard"), ("provinces", "/dashboard/provinces"))
# The biggest provinces' shares, in %; the others share what is left evenly, 5% have not said.
WEIGHTS = {"ho-chi-minh": 14, "ha-noi": 10, "hai-phong": 3, "da-nang": 3, "can-tho": 3}
NO_PROVINCE = 5
GROUPS = ("student", "worker", "civil-servant", "citizen", "older-adult")
LESSON_HOURS = (7, 7, 7, 19, 19, 6, 8, 9, 12, 18, 20, 21)
CHANNELS = (("telegram", "4243"), ("zalo", "2371"))

# Per learner: u* are uniform draws (setseed makes them repeatable); `c_day` the day they
# joined, `n` lessons finished, `l_day` the last of them (one a day up to it).
_DRAWS = ", ".join(f"random() AS u{k}" for k in range(16))
_LEARNERS = f"""
WITH drawn AS (
    SELECT g, {_DRAWS} FROM generate_series(1, $1::int) AS g
), joined AS (
    SELECT *, $2::date - floor(u0 * {JOINED_DAYS})::int AS c_day, u1 < 0.9 AS set_up FROM drawn
), learned AS (
    SELECT *, CASE WHEN set_up THEN least($2::date - c_day, $3::int,
                                          floor(-ln(greatest(u2, 1e-12)) * {MEAN_LESSONS})::int)
                   ELSE 0 END AS n
    FROM joined
), dated AS (
    SELECT *, CASE WHEN n > 0 THEN $2::date - floor(($2::date - c_day - n) * u3 * u3)::int END AS l_day
    FROM learned
), opened AS (
    SELECT *, CASE WHEN n > 0 AND u4 < 0.2 AND l_day < $2::date THEN l_day + 1
                   WHEN n > 0 THEN l_day
                   WHEN set_up AND u4 < 0.4 THEN c_day + floor(u5 * ($2::date - c_day))::int
              END AS o_day
    FROM dated
)
INSERT INTO learners (
    channel, bot_id, chat_id, step, language, language_hint, group_id, province, lesson_hour,
    onboarded, editing, resume_step, paused, active, province_page, question_index, quiz_correct,
    answered, correct, streak, last_study_day, completed, freeze_used_on, last_opened_on,
    reminders_sent, tip_cursor, recent_updates, offered, passed, certificates, cafe_code,
    drills_done, drills_right, created_at, updated_at
)
SELECT
    CASE WHEN u6 < 0.85 THEN 'telegram' ELSE 'zalo' END,
    CASE WHEN u6 < 0.85 THEN '{CHANNELS[0][1]}' ELSE '{CHANNELS[1][1]}' END,
    ({FIRST_CHAT} + g)::text,
    CASE WHEN NOT set_up THEN ($4::text[])[1 + floor(u7 * 4)::int]
         WHEN o_day > l_day OR (n = 0 AND o_day IS NOT NULL) THEN 'reading' ELSE 'ready' END,
    CASE WHEN u8 < 0.9 THEN 'vi' ELSE 'en' END,
    'vi',
    CASE WHEN set_up THEN ($5::text[])[1 + floor(u9 * {len(GROUPS)})::int] END,
    NULLIF(($6::text[])[($7::int[])[1 + floor(u10 * 100)::int]], ''),
    CASE WHEN set_up THEN ($8::int[])[1 + floor(u11 * {len(LESSON_HOURS)})::int] END,
    set_up, false, 'ready', false, true, 0, 0, 0,
    3 * n,
    floor(3 * n * (0.5 + 0.5 * u12))::int,
    CASE WHEN n > 0 THEN least(n, 1 + floor(-ln(greatest(u13, 1e-12)) * 8)::int) ELSE 0 END,
    l_day,
    ($9::text[])[n + 1]::json,
    CASE WHEN n > 3 AND u14 < 0.1 THEN l_day - 2 - floor(u15 * 20)::int END,
    o_day,
    0, 0,
    ($10::text[])[1 + least(15, n)]::json,
    '[]',
    ($9::text[])[1 + floor(n * 0.8)::int]::json,
    '[]',
    CASE WHEN u14 > 0.95 THEN 'C' || (g % 500)::text END,
    0, 0,
    (c_day + time '08:00' + u5 * interval '12 hours') AT TIME ZONE $11::text,
    now()
FROM opened
"""
# One row per finished lesson: the course in order, one a day ending on the last study day.
_RESULTS = """
INSERT INTO lesson_results (learner_id, lesson_id, correct, total, finished_at)
SELECT l.id, ($1::text[])[k], 1 + floor(random() * 3)::int, 3,
       ((l.last_study_day - l.answered / 3 + k) + time '07:00' + random() * interval '14 hours')
           AT TIME ZONE $2::text
FROM learners AS l CROSS JOIN LATERAL generate_series(1, l.answered / 3) AS k
WHERE l.answered > 0
"""


@dataclass(frozen=True)
class Viewer:
    label: str
    cookie: str


def asyncpg_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def ensure_database(url: str) -> None:
    """CREATE DATABASE unless it exists (the server trusts local connections)."""
    name = make_url(url).database
    server = make_url(asyncpg_dsn(url)).set(database="postgres").render_as_string(hide_password=False)
    connection = await asyncpg.connect(server)
    try:
        if not await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()


def province_lookup(library: Library) -> tuple[list[str], list[int]]:
    """(province ids, 100 buckets each naming one by its 1-based place, 1 for "not said").

    The buckets are integers, so the seed's per-row lookup costs the same whatever the bucket."""
    ids = list(library.province_ids)
    names = ["", *ids]  # "" stands for "not said" and becomes NULL
    buckets = [1] * NO_PROVINCE
    for province, share in WEIGHTS.items():
        buckets += [names.index(province) + 1] * share
    rest = [p for p in ids if p not in WEIGHTS]
    for n in range(100 - len(buckets)):
        buckets.append(names.index(rest[n % len(rest)]) + 1)
    return names, buckets


def json_prefixes(items: Sequence[str]) -> list[str]:
    """The JSON lists of the first 0, 1, ... len(items) items."""
    return [json.dumps(list(items[:n])) for n in range(len(items) + 1)]


def update_lists() -> list[str]:
    """Sixteen lists of recent update ids, 2 to 32 long, as the learner row keeps them."""
    rng = random.Random(7)
    return [json.dumps([str(rng.randrange(10**8, 10**9)) for _ in range(2 * (n + 1))]) for n in range(16)]


async def seed(url: str, library: Library, count: int, today: date) -> None:
    connection = await asyncpg.connect(asyncpg_dsn(url))
    try:
        await connection.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    finally:
        await connection.close()
    await migrate(url)
    course = list(library.lesson_order)
    names, buckets = province_lookup(library)
    connection = await asyncpg.connect(asyncpg_dsn(url))
    try:
        started = time.perf_counter()
        await connection.execute("SELECT setseed(0.42)")
        await connection.execute(
            _LEARNERS,
            count, today, len(course), ["language", "group", "province", "hour"], list(GROUPS), names,
            buckets, list(LESSON_HOURS), json_prefixes(course), update_lists(), ZONE,
        )  # fmt: skip
        learned = time.perf_counter()
        results = await connection.execute(_RESULTS, course, ZONE)
        finished = time.perf_counter()
        for table in ("learners", "lesson_results"):
            await connection.execute(f"VACUUM ANALYZE {table}")
        await connection.execute("CHECKPOINT")
        print(
            f"seeded {count:,} learners in {learned - started:.0f} s, {int(results.split()[-1]):,} finished "
            f"lessons in {finished - learned:.0f} s (VACUUM ANALYZE and CHECKPOINT "
            f"{time.perf_counter() - finished:.0f} s more)"
        )
    finally:
        await connection.close()


async def current_state(url: str) -> tuple[str | None, int]:
    """(alembic revision, learners) of the benchmark database; (None, 0) when it is empty."""
    connection = await asyncpg.connect(asyncpg_dsn(url))
    try:
        if not await connection.fetchval("SELECT to_regclass('public.alembic_version') IS NOT NULL"):
            return None, 0
        revision = await connection.fetchval("SELECT version_num FROM alembic_version")
        if not await connection.fetchval("SELECT to_regclass('public.learners') IS NOT NULL"):
            return revision, 0
        return revision, int(await connection.fetchval("SELECT count(*) FROM learners"))
    finally:
        await connection.close()


async def prepare(url: str, library: Library, count: int, reseed: bool, today: date) -> None:
    """Seed unless the learners are there; migrate a kept database to the latest revision."""
    await ensure_database(url)
    revision, learners = await current_state(url)
    if reseed or learners != count:
        why = "--reseed" if reseed else f"found {learners:,} learners"
        print(f"seeding {make_url(url).database} ({why}; want {count:,})")
        await seed(url, library, count, today)
        return
    head = ScriptDirectory.from_config(alembic_config(url)).get_current_head()
    if revision != head:
        started = time.perf_counter()
        await migrate(url)
        seconds = time.perf_counter() - started
        print(f"migrated the kept database from {revision} to {head} in {seconds:.1f} s")
    connection = await asyncpg.connect(asyncpg_dsn(url))
    try:
        lessons = await connection.fetchval("SELECT count(*) FROM lesson_results")
    finally:
        await connection.close()
    print(f"kept the {learners:,} seeded learners and their {lessons:,} finished lessons")


def _missing_columns() -> list[str]:
    """NOT NULL columns of learners without a server default that the seed does not fill."""
    listed = _LEARNERS.split("INSERT INTO learners (", 1)[1].split(")", 1)[0]
    filled = {name.strip() for name in listed.split(",")}
    return [
        column.name
        for column in learners_table.columns
        if not column.nullable and column.server_default is None and not column.primary_key
        and column.name not in filled
    ]  # fmt: skip


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.asynccontextmanager
async def served(url: str, library: Library) -> AsyncIterator[tuple[str, Database]]:
    """A newly built web app with its own database engine and no compiled templates, as a web
    process has after a start."""
    pages.environment.cache_clear()
    database = open_database(url)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    runner = web.AppRunner(web_app(database, library, (SUPERADMIN,), base, ZONE), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield base, database
    finally:
        await runner.cleanup()
        await database.dispose()


async def sign_in(http: aiohttp.ClientSession, database: Database, base: str, user: str | int) -> str:
    """The session cookie, the way an admin gets one: a link from the bot, spent by its button."""
    link = await issue_link(database, user, (SUPERADMIN,), base)
    if link is None:
        raise SystemExit(f"{user} got no dashboard link")
    async with http.post(link, allow_redirects=False) as response:
        if response.status != 303:
            raise SystemExit(f"signing in {user} answered {response.status}")
        return response.cookies[COOKIE].value


async def viewers(url: str, library: Library, province: str) -> list[Viewer]:
    async with served(url, library) as (base, database):
        granted = await admins.grant(
            database, audit.CLI, (SUPERADMIN,), PROVINCE_ADMIN, admins.PROVINCE_ADMIN, [province],
            library.province_ids,
        )  # fmt: skip
        if not granted.ok:
            raise SystemExit(f"could not grant {province}: {granted}")
        async with aiohttp.ClientSession() as http:
            return [
                Viewer("superadmin", await sign_in(http, database, base, SUPERADMIN)),
                Viewer(f"admin of {province}", await sign_in(http, database, base, PROVINCE_ADMIN)),
            ]


async def fetch(http: aiohttp.ClientSession, base: str, path: str, viewer: Viewer) -> tuple[float, int]:
    """Seconds from sending the request to the page's last byte, and the page's size."""
    started = time.perf_counter()
    async with http.get(f"{base}{path}", headers={"Cookie": f"{COOKIE}={viewer.cookie}"}) as response:
        body = await response.read()
        seconds = time.perf_counter() - started
        if response.status != 200:
            raise SystemExit(f"{path} answered {response.status} for {viewer.label}")
    return seconds, len(body)


def figures(times: Sequence[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return (
        f"p50 {statistics.median(ordered) * 1000:7.0f} ms  p95 {p95 * 1000:7.0f} ms  "
        f"max {ordered[-1] * 1000:7.0f} ms"
    )


async def during_refresh(
    http: aiohttp.ClientSession, base: str, path: str, viewer: Viewer, url: str, library: Library
) -> list[float]:
    """The page fetched again and again while the scheduler's refresh runs beside it (its own
    engine, as in the scheduler's process)."""
    database = open_database(url)
    try:
        refreshing = asyncio.create_task(dashboard_refresh.refresh(database, library, ZONE))
        times = []
        while not refreshing.done():
            times.append((await fetch(http, base, path, viewer))[0])
        await refreshing
        return times
    finally:
        await database.dispose()


async def time_pages(
    url: str, library: Library, people: list[Viewer], cold: int, runs: int, live: bool
) -> None:
    for viewer in people:
        for name, path in PAGES:
            cold_times: list[float] = []
            warm_times: list[float] = []
            beside: list[float] = []
            size = 0
            for n in range(cold):
                async with served(url, library) as (base, _), aiohttp.ClientSession() as http:
                    seconds, size = await fetch(http, base, path, viewer)
                    cold_times.append(seconds)
                    if n == cold - 1:
                        for _ in range(runs):
                            warm_times.append((await fetch(http, base, path, viewer))[0])
                        if not live:
                            beside = await during_refresh(http, base, path, viewer, url, library)
            print(f"{name:<9} {viewer.label:<22} cold ({cold}): {figures(cold_times)}")
            print(f"{'':<9} {'':<22} warm ({runs}): {figures(warm_times)}   {size / 1024:.0f} KiB")
            if beside:
                print(f"{'':<9} {'':<22} during a refresh ({len(beside)}): {figures(beside)}")


async def refresh_summary(url: str, library: Library, live: bool) -> None:
    """Refresh the dashboard summary as the scheduler does, twice, timing it; or empty it (--live)."""
    database = open_database(url)
    try:
        if live:
            await database.run(summaries.clear)
            print("summary emptied (--live): the pages compute every figure from the raw tables")
            return
        for attempt in range(2):
            started = time.perf_counter()
            await dashboard_refresh.refresh(database, library, ZONE, datetime.now(UTC))
            print(f"summary refresh {attempt + 1}: {time.perf_counter() - started:.2f} s")
        sizes = await database.run(
            lambda c: {
                t.name: c.execute(select(func.count()).select_from(t)).scalar_one() for t in summaries.TABLES
            }
        )
        print("summary rows: " + ", ".join(f"{name} {rows:,}" for name, rows in sizes.items()))
    finally:
        await database.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--database-url", default=DEFAULT_URL, help=f"PostgreSQL (default {DEFAULT_URL})")
    parser.add_argument("--learners", type=int, default=1_000_000)
    parser.add_argument("--reseed", action="store_true", help="seed again even if the learners are there")
    parser.add_argument("--quick", action="store_true", help="smoke run: 100,000 learners, fewer samples")
    parser.add_argument("--province", default="ho-chi-minh", help="the province admin's province")
    parser.add_argument("--cold", type=int, default=5, help="cold samples per page and viewer")
    parser.add_argument("--runs", type=int, default=20, help="warm samples per page and viewer")
    parser.add_argument("--live", action="store_true", help="empty the summary: figures from the raw tables")
    args = parser.parse_args()
    if args.quick:
        args.learners, args.cold, args.runs = 100_000, 2, 5
    if missing := _missing_columns():
        raise SystemExit(f"learners has NOT NULL columns this benchmark does not fill: {', '.join(missing)}")
    library = Library.load()
    today = datetime.now(ZoneInfo(ZONE)).date()
    await prepare(args.database_url, library, args.learners, args.reseed, today)
    await refresh_summary(args.database_url, library, args.live)
    people = await viewers(args.database_url, library, args.province)
    await time_pages(args.database_url, library, people, args.cold, args.runs, args.live)


if __name__ == "__main__":
    asyncio.run(main())
