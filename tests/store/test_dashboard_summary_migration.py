"""Migration 0009 on SQLite and PostgreSQL: the dashboard summary's tables arrive empty (the pages
count from the tables until the first refresh), a refresh fills them, and downgrading removes
them and leaves the rest, the lesson-hour index the scheduler relies on included."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TypeVar
from zoneinfo import ZoneInfo

import pytest
from alembic import command
from sqlalchemy import Connection, inspect, select, text

from store import reports, summaries
from store.database import ServerDatabase, alembic_config, upgrade
from tests.database_fixtures import database_at
from tests.store.test_certificates_migration import _indexes, _learner, _result

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
T = TypeVar("T")
SUMMARY = {"dashboard_refresh", "dashboard_learners", "dashboard_lesson_days", "dashboard_streaks"}


@pytest.fixture(params=["sqlite", "postgres"])
async def url_at_0008(request, tmp_path) -> str:
    return await database_at(request.param, tmp_path, "0008")


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


async def _run(url: str, work: Callable[[Connection], T]) -> T:
    database = ServerDatabase(url)
    try:
        return await database.run(work)
    finally:
        await database.dispose()


async def test_the_summary_tables_come_and_go(url_at_0008: str) -> None:
    def seed(connection: Connection) -> None:
        learner = _learner(connection, "100")
        _result(connection, learner, "m0-a", 2, 2)

    await _run(url_at_0008, seed)
    assert not SUMMARY & await _run(url_at_0008, _tables)

    await asyncio.to_thread(upgrade, url_at_0008)
    assert await _run(url_at_0008, _tables) >= SUMMARY
    assert await _run(url_at_0008, summaries.last_refresh) is None  # empty until the first refresh

    now = datetime.now(UTC)
    await _run(url_at_0008, lambda c: reports.refresh_summary(c, now, ZONE, ["m0-a", "m0-b"]))
    rows = await _run(url_at_0008, lambda c: c.execute(select(summaries.learner_counts)).all())
    assert [(r.province, r.channel, r.learners, r.onboarded, r.lessons_done) for r in rows] == [
        (None, "telegram", 1, 1, 1)
    ]
    last = await _run(url_at_0008, summaries.last_refresh)
    assert last is not None and last.at == now and last.day == now.astimezone(ZONE).date()

    await asyncio.to_thread(command.downgrade, alembic_config(url_at_0008), "0008")
    assert not SUMMARY & await _run(url_at_0008, _tables)
    assert "ix_learners_lesson_hour" in await _run(url_at_0008, _indexes)
    count = await _run(url_at_0008, lambda c: c.execute(text("SELECT count(*) FROM lesson_results")).scalar())
    assert count == 1

    await asyncio.to_thread(upgrade, url_at_0008)  # and up again, from where the downgrade left it
    assert await _run(url_at_0008, _tables) >= SUMMARY
