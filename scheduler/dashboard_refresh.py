"""The dashboard's summary (`store.summaries`), refreshed from the scheduler's tick: every
REFRESH_EVERY, and at the first tick of a new day in the deployment's zone, so "active in the last
7 days", live streaks and the lessons chart move on at midnight rather than up to ten minutes later.

A refresh counts everything once, whatever the pages will be asked: with a million learners about
six seconds of one PostgreSQL core (docs/performance.md), about 1% of a core at this cadence,
against seconds for every page view before. The pages show when their figures were counted.
Whether a refresh is due is read from the summary itself, so a restarted scheduler, or another
process taking the lead, carries on where the last one stopped.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from content.library import Library
from store import reports, summaries
from store.database import Database

log = logging.getLogger("hocvuso.scheduler")
REFRESH_EVERY = timedelta(minutes=10)


def due(last: summaries.Refreshed | None, now: datetime, zone: ZoneInfo) -> bool:
    """No summary yet, an old one, or one of another day. A summary from the future (a clock set
    back) counts as old."""
    if last is None or last.day != now.astimezone(zone).date():
        return True
    return abs(now - last.at) >= REFRESH_EVERY


async def refresh(
    database: Database, library: Library, default_zone: str, now: datetime | None = None
) -> None:
    """Count the figures and replace the summary, in one transaction."""
    moment, zone, course = now or datetime.now(UTC), ZoneInfo(default_zone), list(library.lesson_order)
    await database.run(lambda connection: reports.refresh_summary(connection, moment, zone, course))


async def refresh_if_due(
    database: Database, library: Library, default_zone: str, now: datetime | None = None
) -> bool:
    """Refresh when `due`; True when it did."""
    moment = now or datetime.now(UTC)
    if not due(await database.run(summaries.last_refresh), moment, ZoneInfo(default_zone)):
        return False
    started = time.perf_counter()
    await refresh(database, library, default_zone, moment)
    log.info("dashboard summary refreshed", extra={"seconds": round(time.perf_counter() - started, 2)})
    return True
