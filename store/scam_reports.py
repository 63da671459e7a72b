"""Scam reports in the database: filed by a learner's turn, reviewed one at a time by admins,
remembered by the checker once decided, and let go with the reporter's /forget."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table, and_, delete, func, insert, or_, select, update

from store.address import BotRef
from store.models import LearnerRow, ScamReportRow

reports: Table = ScamReportRow.__table__  # type: ignore[assignment]
learners: Table = LearnerRow.__table__  # type: ignore[assignment]

PENDING, SCAM, SAFE, UNSURE = "pending", "scam", "safe", "unsure"
DECISIONS = (SCAM, SAFE, UNSURE)
CONFIRMED = (SCAM, SAFE)


@dataclass(frozen=True, slots=True)
class Report:
    id: int
    bot: BotRef
    chat_id: str | None
    text: str
    light: str
    signals: tuple[str, ...]
    status: str
    created_at: datetime


def _report(row: Any) -> Report:
    return Report(
        row.id, BotRef(row.channel, row.bot_id), row.chat_id, row.text, row.light, tuple(row.signals or ()),
        row.status, row.created_at,
    )  # fmt: skip


def file(
    connection: Connection,
    bot: BotRef,
    chat_id: str,
    text: str,
    light: str,
    signals: tuple[str, ...],
    at: datetime,
) -> int:
    values = {
        "channel": bot.channel, "bot_id": bot.bot_id, "chat_id": chat_id, "text": text, "light": light,
        "signals": list(signals), "status": PENDING, "created_at": at,
    }  # fmt: skip
    return int(connection.execute(insert(reports).returning(reports.c.id), values).scalar_one())


def in_provinces(provinces: list[str] | None) -> Any:
    """Reports whose reporter lives in these provinces (None: all reports)."""
    if provinces is None:
        return True
    reporter = select(learners.c.id).where(
        learners.c.channel == reports.c.channel,
        learners.c.bot_id == reports.c.bot_id,
        learners.c.chat_id == reports.c.chat_id,
        learners.c.province.in_(provinces),
    )
    return reporter.exists()


def next_pending(connection: Connection, provinces: list[str] | None, after: int = 0) -> Report | None:
    """The oldest report waiting for a decision (after `after`, to skip one)."""
    query = (
        select(reports)
        .where(reports.c.status == PENDING, reports.c.id > after, in_provinces(provinces))
        .order_by(reports.c.id)
        .limit(1)
    )
    row = connection.execute(query).first()
    return _report(row) if row is not None else None


def pending_count(connection: Connection, provinces: list[str] | None) -> int:
    waiting = and_(reports.c.status == PENDING, in_provinces(provinces))
    query = select(func.count()).select_from(reports).where(waiting)
    return int(connection.execute(query).scalar_one())


def pending_texts(connection: Connection) -> list[tuple[int, str]]:
    return [
        (r.id, r.text)
        for r in connection.execute(select(reports.c.id, reports.c.text).where(reports.c.status == PENDING))
    ]


def find(connection: Connection, report_id: int, provinces: list[str] | None) -> Report | None:
    query = select(reports).where(reports.c.id == report_id, in_provinces(provinces))
    row = connection.execute(query).first()
    return _report(row) if row is not None else None


def decide(connection: Connection, report_id: int, status: str, by: str, at: datetime) -> bool:
    """False when it was decided already (two admins at once): the first decision stands."""
    result = connection.execute(
        update(reports)
        .where(reports.c.id == report_id, reports.c.status == PENDING)
        .values(status=status, decided_by=by, decided_at=at)
    )
    return bool(result.rowcount)


def confirmed(connection: Connection) -> list[tuple[str, str]]:
    """(text, verdict) of every report admins confirmed as a scam or as safe, oldest first."""
    query = (
        select(reports.c.text, reports.c.status).where(reports.c.status.in_(CONFIRMED)).order_by(reports.c.id)
    )
    return [(text, status) for text, status in connection.execute(query)]


def forget_reporter(connection: Connection, bot: BotRef, chat_id: str) -> None:
    """/forget: reports never confirmed go; confirmed ones stay, with nobody attached to them."""
    theirs = and_(
        reports.c.channel == bot.channel, reports.c.bot_id == bot.bot_id, reports.c.chat_id == chat_id
    )
    connection.execute(
        delete(reports).where(theirs, or_(reports.c.status == PENDING, reports.c.status == UNSURE))
    )
    connection.execute(update(reports).where(theirs).values(chat_id=None))
