"""The audit log in the database: one row per admin action, never changed once written. What
counts as an action and who writes it is `service.audit`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Table, insert, select

from store.models import AuditRow

audit_table: Table = AuditRow.__table__  # type: ignore[assignment]


@dataclass(frozen=True, slots=True)
class Entry:
    id: int
    at: datetime
    actor: str
    action: str
    detail: dict[str, Any]


def in_utc(value: datetime) -> datetime:
    """SQLite gives back the naive wall time it was given; everything here is written in UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def add(connection: Connection, at: datetime, actor: str, action: str, detail: dict[str, Any]) -> None:
    connection.execute(
        insert(audit_table).values(at=in_utc(at), actor=actor[:64], action=action[:40], detail=detail)
    )


def latest(connection: Connection, limit: int = 100, actors: list[str] | None = None) -> list[Entry]:
    """The newest entries first; `actors` given, only the entries those actors made."""
    query = select(audit_table).order_by(audit_table.c.at.desc(), audit_table.c.id.desc()).limit(limit)
    if actors is not None:
        query = query.where(audit_table.c.actor.in_(actors))
    return [
        Entry(row.id, in_utc(row.at), row.actor, row.action, dict(row.detail or {}))
        for row in connection.execute(query)
    ]
