"""The scheduler role: APScheduler 3 runs one interval job, the tick, on the event loop.

APScheduler's job stores are not shared between schedulers, so nothing here relies on them: the
job is only a clock. What is due is computed from the database on every tick, and the tick runs
only in the process that holds the lead (`scheduler.leader`).
"""

from __future__ import annotations

import logging
from dataclasses import asdict
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from content.library import Library
from scheduler import dashboard_refresh
from scheduler.leader import Leadership
from scheduler.quiet_hours import QuietHours
from scheduler.ticks import TickReport, run_tick
from store import outbox
from store.database import Database

log = logging.getLogger("hocvuso.scheduler")
PURGE_EVERY = timedelta(hours=1)


class SchedulerService:
    def __init__(
        self,
        database: Database,
        library: Library,
        default_zone: str,
        quiet: QuietHours,
        leader: Leadership,
        interval_seconds: float = 60.0,
        retention: timedelta = timedelta(days=30),
    ) -> None:
        self.database = database
        self.library = library
        self.default_zone = default_zone
        self.quiet = quiet
        self.leader = leader
        self.interval = interval_seconds
        self.retention = retention
        self._next_purge = datetime.min.replace(tzinfo=UTC)
        self.scheduler = AsyncIOScheduler(timezone=UTC)
        self.last_report: TickReport | None = None

    async def tick(self) -> TickReport | None:
        if not await self.leader.lead():
            return None
        report = await run_tick(self.database, self.library, self.default_zone, self.quiet)
        now = datetime.now(UTC)
        if now >= self._next_purge:  # a scan of the whole outbox: hourly is plenty for days of retention
            self._next_purge = now + PURGE_EVERY
            before = now - self.retention
            report.purged = await self.database.run(lambda connection: outbox.purge(connection, before))
        self.last_report = report
        log.info("tick", extra={k: v for k, v in asdict(report).items() if k != "zones"})
        await dashboard_refresh.refresh_if_due(self.database, self.library, self.default_zone, now)
        return report

    def start(self) -> None:
        self.scheduler.add_job(
            self.tick,
            IntervalTrigger(seconds=self.interval),
            id="tick",
            coalesce=True,
            max_instances=1,
            misfire_grace_time=max(1, int(self.interval)),
            next_run_time=datetime.now(UTC),
        )
        self.scheduler.start()

    async def stop(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        await self.leader.release()
