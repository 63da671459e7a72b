"""What admins do to alerts beyond sending them: record who wrote one, and stop one from the
dashboard. Each action is written to the audit log in the same transaction."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, Table, select, update

from service import audit
from service.admins import can_send_alerts, roles_in, send_scope
from store.database import Database
from store.models import AlertRow
from store.outbox import CANCELLED, cancel
from store.reports import alert_in_scope

alerts: Table = AlertRow.__table__  # type: ignore[assignment]

OK = "ok"
NOT_ALLOWED = "not_allowed"  # not an admin who sends alerts, or not to this alert's provinces
NOT_FOUND = "not_found"
ALREADY_OVER = "already_over"  # stopped before


def created(
    connection: Connection, alert_id: int, author: str | int, audience: dict[str, Any], total: int
) -> None:
    """Call in the transaction that made the alert (`service.alerts.create`): the alert records
    its author, the audit log its creation."""
    connection.execute(update(alerts).where(alerts.c.id == alert_id).values(author=str(author)))
    detail = {"alert": alert_id, "audience": audience, "total": total}
    audit.record(connection, author, audit.ALERT_CREATED, detail)


def sent(
    connection: Connection, actor: str | int, alert_id: int, detail: dict[str, Any] | None = None
) -> None:
    """The alert went out (its delivery finished): for the audit log."""
    audit.record(connection, actor, audit.ALERT_SENT, {"alert": alert_id, **(detail or {})})


def cancel_in(connection: Connection, actor: str, admin_ids: Iterable[int], alert_id: int) -> tuple[str, int]:
    """(result code, messages stopped). A province admin may cancel only alerts to their own
    provinces; the command line (actor "cli") any."""
    row = connection.execute(select(alerts.c.state, alerts.c.audience).where(alerts.c.id == alert_id)).first()
    if row is None:
        return NOT_FOUND, 0
    if actor != audit.CLI:
        roles = roles_in(connection, actor, admin_ids)
        if not can_send_alerts(roles) or not alert_in_scope(row.audience or {}, send_scope(roles)):
            return NOT_ALLOWED, 0
    if row.state == CANCELLED:
        return ALREADY_OVER, 0
    stopped = cancel(connection, f"alert:{alert_id}")
    connection.execute(update(alerts).where(alerts.c.id == alert_id).values(state=CANCELLED))
    audit.record(connection, actor, audit.ALERT_CANCELLED, {"alert": alert_id, "stopped": stopped})
    return OK, stopped


async def cancel_alert(
    database: Database, actor: str | int, admin_ids: Iterable[int], alert_id: int
) -> tuple[str, int]:
    ids = tuple(admin_ids)
    return await database.run(lambda connection: cancel_in(connection, str(actor), ids, alert_id))
