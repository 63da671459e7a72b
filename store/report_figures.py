"""The scam reports page's figures: how many reports came and how they were decided, how many came
each day, and the reports themselves (when, light, decision, signals; never the message text nor
the reporter), newest first, each limited to the viewer's provinces.

A report has no province of its own: it belongs to the province its reporter's learner row names,
by the rule the review desk in chat uses (`store.scam_reports.in_provinces`), so a province admin
sees here exactly the reports they may decide. A report whose reporter has no province, or was
forgotten (/forget leaves confirmed reports with no chat id), counts for the whole country only.

Times: PostgreSQL gives back aware timestamps. SQLite gives back the wall time it was given; the
bot files a report at the deployment's local time (service.turns) and stamps a decision in UTC
(service.admin_desk), so each is read back in its own zone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, func, select

from store.audit import in_utc
from store.reports import CHART_DAYS, as_date, local_day
from store.scam_reports import PENDING, SAFE, SCAM, UNSURE, in_provinces, reports

STATUSES = (PENDING, SCAM, SAFE, UNSURE)
LIGHTS = ("red", "yellow", "green")
PAGE = 100  # reports shown on one page


@dataclass(frozen=True, slots=True)
class ReportCounts:
    by_status: dict[str, int]  # every status of STATUSES, in that order, zeros included
    by_light: dict[str, dict[str, int]]  # the checker's light → status → reports; LIGHTS first
    per_day: list[tuple[date, int]]  # reports filed on each of the last CHART_DAYS days, oldest first

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


@dataclass(frozen=True, slots=True)
class ReportLine:
    id: int
    created_at: datetime
    light: str
    status: str
    signals: tuple[str, ...]
    decided_by: str | None
    decided_at: datetime | None


def _in_order(keys: Iterable[str], first: tuple[str, ...]) -> list[str]:
    """`first` in its order, then any other key found (a value a later version may add)."""
    return [*first, *sorted(set(keys) - set(first))]


def counts(
    connection: Connection, scope: list[str] | None, today: date, zone: ZoneInfo, days: int = CHART_DAYS
) -> ReportCounts:
    """Reports by status, by light and status together, and per day over the last `days` days."""
    query = (
        select(reports.c.light, reports.c.status, func.count())
        .where(in_provinces(scope))
        .group_by(reports.c.light, reports.c.status)
    )
    found = {(str(light), str(status)): int(n) for light, status, n in connection.execute(query)}
    statuses = _in_order((status for _, status in found), STATUSES)
    lights = _in_order((light for light, _ in found), LIGHTS)
    by_status = {s: sum(n for (_, status), n in found.items() if status == s) for s in statuses}
    by_light = {light: {s: found.get((light, s), 0) for s in statuses} for light in lights}
    return ReportCounts(by_status, by_light, per_day(connection, scope, today, zone, days))


def per_day(
    connection: Connection, scope: list[str] | None, today: date, zone: ZoneInfo, days: int = CHART_DAYS
) -> list[tuple[date, int]]:
    """Reports filed on each day (in the deployment's zone) from `days` - 1 days ago to today."""
    first = today - timedelta(days=days - 1)
    since = datetime.combine(first, time(), zone)
    filed = (
        select(local_day(connection, reports.c.created_at, zone).label("day"))
        .where(in_provinces(scope), reports.c.created_at >= since)
        .subquery()
    )
    counted = {
        as_date(day): int(n)
        for day, n in connection.execute(select(filed.c.day, func.count()).group_by(filed.c.day))
    }
    return [(day, counted.get(day, 0)) for day in (first + timedelta(days=n) for n in range(days))]


def _filed_at(value: datetime, zone: ZoneInfo) -> datetime:
    return value.replace(tzinfo=zone) if value.tzinfo is None else value


def _line(row: Any, zone: ZoneInfo) -> ReportLine:
    decided_at = in_utc(row.decided_at) if row.decided_at is not None else None
    return ReportLine(
        int(row.id), _filed_at(row.created_at, zone), str(row.light), str(row.status),
        tuple(str(kind) for kind in row.signals or ()), row.decided_by, decided_at,
    )  # fmt: skip


def latest(
    connection: Connection,
    scope: list[str] | None,
    zone: ZoneInfo,
    before: int | None = None,
    limit: int = PAGE,
) -> list[ReportLine]:
    """Up to `limit` reports, newest first; with `before`, those filed before report `before`.
    Paging by id (not by offset) keeps each page one index scan, however far back it goes.

    Neither the chat id nor the message text is read: the dashboard shows and exports no learner
    names and no message texts, so it never holds them. Reviewers read a report's text in chat
    (`service.admin_desk`, through `store.scam_reports`)."""
    query = (
        select(
            reports.c.id, reports.c.created_at, reports.c.light, reports.c.status, reports.c.signals,
            reports.c.decided_by, reports.c.decided_at,
        )
        .where(in_provinces(scope))
        .order_by(reports.c.id.desc())
        .limit(limit)
    )  # fmt: skip
    if before is not None:
        query = query.where(reports.c.id < before)
    return [_line(row, zone) for row in connection.execute(query)]
