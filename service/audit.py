"""The audit log: who did what, and when, for every admin action. One function writes it,
`record`, inside the same transaction as the action, so an action and its entry stand or fall
together. `actor` is the admin's Telegram user id, or "cli" for the command line."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection

from store import audit
from store.audit import Entry

CLI = "cli"

GRANT = "grant"
REVOKE = "revoke"
ALERT_CREATED = "alert_created"
ALERT_SENT = "alert_sent"
ALERT_CANCELLED = "alert_cancelled"
DASHBOARD_LINK = "dashboard_link"
DASHBOARD_LOGIN = "dashboard_login"
EXPORT = "export"
ACTIONS = (
    GRANT, REVOKE, ALERT_CREATED, ALERT_SENT, ALERT_CANCELLED, DASHBOARD_LINK, DASHBOARD_LOGIN, EXPORT,
)  # fmt: skip


def record(
    connection: Connection, actor: str | int, action: str, detail: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> None:  # fmt: skip
    """Write one entry. `detail` is plain JSON: what was granted, which alert, which export."""
    audit.add(connection, at or datetime.now(UTC), str(actor), action, dict(detail or {}))


def latest(connection: Connection, limit: int = 100, actors: list[str] | None = None) -> list[Entry]:
    return audit.latest(connection, limit, actors)


def describe(entry: Entry) -> str:
    """One line for `hocvuso audit`: the detail as key=value pairs, in a stable order."""
    parts = []
    for key in sorted(entry.detail):
        value = entry.detail[key]
        shown = ",".join(str(v) for v in value) if isinstance(value, list | tuple) else str(value)
        parts.append(f"{key}={shown}")
    return " ".join(parts)
