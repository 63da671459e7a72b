"""The dashboard's summary (store.summaries), on SQLite and PostgreSQL: a refresh stores exactly
the figures counted from the tables, for every scope; the overview and provinces pages read it
(and say when it was counted) until the scheduler refreshes it again, every ten minutes and at
the first tick of a new day."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from functools import partial

import aiohttp
from sqlalchemy import Connection

from bot.web.dashboard.figures import course
from content.library import Library
from flows.state import LearnerState, Step
from scheduler import dashboard_refresh
from scheduler.leader import AlwaysLeader
from scheduler.quiet_hours import QuietHours
from scheduler.runner import SchedulerService
from store import learners, reports, summaries
from store.database import Database
from tests.web.conftest import Served
from tests.web.seed import HANOI_ADMIN, SUPERADMIN, TELEGRAM, ZONE, seed

SCOPES: tuple[list[str] | None, ...] = (None, ["ha-noi"], ["hue"], ["ha-noi", "da-nang"], [])


async def _add_learner(database: Database, chat: str, province: str) -> None:
    state = LearnerState(chat, step=Step.READY, onboarded=True, language="vi", province=province)
    await database.run(lambda c: learners.insert_many(c, TELEGRAM, [state]))


def _each_alone(
    connection: Connection, scope: list[str] | None, today: date, lessons: list[str]
) -> tuple[reports.Overview, list[reports.ProvinceFigures]]:
    """The overview without a course, the provinces without a zone: what each page counts alone."""
    overview = reports.overview(connection, scope, today, ZONE)
    return overview, reports.provinces(connection, scope, today, lessons)


async def test_a_refresh_stores_the_figures_counted_from_the_tables(
    database: Database, library: Library
) -> None:
    seeded = await seed(database, library)
    lessons = course(library)

    async def figures(scope: list[str] | None) -> summaries.Breakdown:
        return await database.run(lambda c: reports.learner_figures(c, scope, seeded.today, ZONE, lessons))

    counted = {str(scope): await figures(scope) for scope in SCOPES}
    assert all(found.as_of is None for found in counted.values())  # no summary yet: counted now
    for scope in SCOPES:  # each page alone counts only what it shows, and the same
        full = counted[str(scope)]
        alone = partial(_each_alone, scope=scope, today=seeded.today, lessons=lessons)
        only_chart, only_course = await database.run(alone)
        assert only_chart == reports.overview_of(full)
        assert only_course == reports.provinces_of(full, lessons)

    await dashboard_refresh.refresh(database, library, ZONE.key)
    for scope in SCOPES:
        stored = await figures(scope)
        live = counted[str(scope)]
        assert stored.as_of is not None and stored.day == seeded.today
        assert stored == live, scope
        assert reports.overview_of(stored) == reports.overview_of(live)
        assert reports.provinces_of(stored, lessons) == reports.provinces_of(live, lessons)

    # the figures test_reports knows, read back from the summary
    country = await database.run(lambda c: reports.overview(c, None, seeded.today, ZONE))
    assert country.as_of is not None
    assert (country.learners, country.by_channel, country.active) == (8, {"telegram": 7, "zalo": 1}, 3)
    assert (
        country.lessons_per_day[-1] == (seeded.today, 8) and sum(n for _, n in country.lessons_per_day) == 11
    )
    assert (dict(country.streaks)["1–2"], dict(country.streaks)["3–6"], country.longest_streak) == (1, 1, 5)
    provinces = await database.run(lambda c: reports.provinces(c, None, seeded.today, lessons))
    assert [(p.province, p.learners, p.onboarded, p.active, p.lessons_done) for p in provinces] == [
        ("ha-noi", 4, 3, 2, 9), ("hue", 2, 2, 0, 1), ("da-nang", 1, 1, 1, 1), (None, 1, 0, 0, 0),
    ]  # fmt: skip
    hanoi = await database.run(lambda c: reports.provinces(c, ["ha-noi"], seeded.today, lessons))
    assert [(p.province, p.learners, p.lessons_done) for p in hanoi] == [("ha-noi", 4, 9)]
    assert (await database.run(lambda c: reports.overview(c, [], seeded.today, ZONE))).learners == 0


async def test_the_summary_stands_until_the_next_refresh_is_due(database: Database, library: Library) -> None:
    seeded = await seed(database, library)
    now = datetime.now(UTC)
    assert await dashboard_refresh.refresh_if_due(database, library, ZONE.key, now)
    await _add_learner(database, "lan", "hue")

    async def learners_in(scope: list[str] | None, use_summary: bool = True) -> int:
        return await database.run(
            lambda c: reports.overview(c, scope, seeded.today, ZONE, None, use_summary).learners
        )

    assert (await learners_in(None), await learners_in(None, use_summary=False)) == (8, 9)
    soon = now + dashboard_refresh.REFRESH_EVERY - timedelta(seconds=1)
    assert not await dashboard_refresh.refresh_if_due(database, library, ZONE.key, soon)
    assert await learners_in(["hue"]) == 2

    later = now + dashboard_refresh.REFRESH_EVERY
    assert await dashboard_refresh.refresh_if_due(database, library, ZONE.key, later)
    assert (await learners_in(None), await learners_in(["hue"])) == (9, 3)
    last = await database.run(summaries.last_refresh)
    assert last is not None and last.at == later

    await database.run(summaries.clear)  # no summary: the pages count from the tables again
    found = await database.run(lambda c: reports.overview(c, None, seeded.today, ZONE))
    assert (found.learners, found.as_of) == (9, None)


def test_a_refresh_is_due_every_ten_minutes_and_on_a_new_day() -> None:
    evening = datetime(2026, 11, 30, 16, 55, tzinfo=UTC)  # 23:55 in Hồ Chí Minh City
    last = summaries.Refreshed(evening, evening.astimezone(ZONE).date())
    due = dashboard_refresh.due
    assert due(None, evening, ZONE)
    assert not due(last, evening + timedelta(minutes=4), ZONE)
    assert due(last, evening + timedelta(minutes=5), ZONE)  # 00:00 there: a new day
    morning = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)
    last = summaries.Refreshed(morning, morning.astimezone(ZONE).date())
    assert not due(last, morning + timedelta(minutes=9, seconds=59), ZONE)
    assert due(last, morning + timedelta(minutes=10), ZONE)
    assert due(last, morning - timedelta(minutes=10), ZONE)  # the clock was set back


async def test_the_scheduler_refreshes_the_summary_after_its_tick(
    database: Database, library: Library
) -> None:
    await seed(database, library)
    service = SchedulerService(database, library, ZONE.key, QuietHours(0, 0), AlwaysLeader())
    assert await database.run(summaries.last_refresh) is None
    await service.tick()
    first = await database.run(summaries.last_refresh)
    assert first is not None and first.day == datetime.now(ZONE).date()
    await service.tick()  # a minute later in production: not due again
    assert await database.run(summaries.last_refresh) == first


def _figure(page: str, name: str) -> str:
    found = re.search(rf'data-figure="{name}">([^<]*)<', page)
    assert found is not None, name
    return found.group(1)


async def _signed_in(http: aiohttp.ClientSession, served: Served, user: str | int) -> None:
    async with http.post(await served.link(user), allow_redirects=False) as response:
        assert response.status == 303


async def test_the_pages_read_the_summary_in_the_viewers_scope_and_say_when(served: Served) -> None:
    await dashboard_refresh.refresh(served.database, served.library, ZONE.key)
    await _add_learner(served.database, "lan", "ha-noi")  # counted at the next refresh only
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar) as http:
        await _signed_in(http, served, SUPERADMIN)
        async with http.get(f"{served.base}/dashboard?lang=vi") as response:
            page = await response.text()
        assert _figure(page, "learners") == "8" and _figure(page, "active") == "3"
        assert "cập nhật lúc" in page

    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        await _signed_in(http, served, HANOI_ADMIN)
        async with http.get(f"{served.base}/dashboard?lang=en") as response:
            page = await response.text()
        assert _figure(page, "learners") == "4" and "counted at" in page
        async with http.get(f"{served.base}/dashboard/provinces?lang=vi") as response:
            page = await response.text()
        table = page.split("<table", 1)[1].split("</table>", 1)[0]
        assert "Hà Nội" in table and "Huế" not in table and "Đà Nẵng" not in table
        assert "cập nhật lúc" in page

    await dashboard_refresh.refresh(served.database, served.library, ZONE.key)
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        await _signed_in(http, served, HANOI_ADMIN)
        async with http.get(f"{served.base}/dashboard") as response:
            assert _figure(await response.text(), "learners") == "5"
