"""Granted admin roles in the database: one row per (user, role), with the provinces a province
admin or a reviewer is limited to. Superadmins named in ADMIN_IDS have no row: the setting is the
bootstrap that no chat command can take away. What the roles allow is `service.admins`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Table, delete, select, update

from store.database import insert_or_update
from store.models import AdminRoleRow

roles_table: Table = AdminRoleRow.__table__  # type: ignore[assignment]


@dataclass(frozen=True, slots=True)
class Grant:
    user_id: str
    role: str
    provinces: tuple[str, ...]
    granted_by: str | None
    granted_at: datetime


def _grant(row: object) -> Grant:
    return Grant(
        row.user_id,  # type: ignore[attr-defined]
        row.role,  # type: ignore[attr-defined]
        tuple(row.provinces or ()),  # type: ignore[attr-defined]
        row.granted_by,  # type: ignore[attr-defined]
        row.granted_at,  # type: ignore[attr-defined]
    )


def of_user(connection: Connection, user_id: str) -> list[Grant]:
    query = select(roles_table).where(roles_table.c.user_id == user_id).order_by(roles_table.c.role)
    return [_grant(row) for row in connection.execute(query)]


def every(connection: Connection) -> list[Grant]:
    query = select(roles_table).order_by(roles_table.c.user_id, roles_table.c.role)
    return [_grant(row) for row in connection.execute(query)]


def put(
    connection: Connection, user_id: str, role: str, provinces: list[str], granted_by: str, at: datetime
) -> tuple[str, ...] | None:
    """Grant `role`, replacing the provinces of an earlier grant of the same role; returns the
    provinces it had before, or None when the role is new to this user."""
    found = connection.execute(
        select(roles_table.c.provinces).where(roles_table.c.user_id == user_id, roles_table.c.role == role)
    ).first()
    values = {"provinces": provinces, "granted_by": granted_by, "granted_at": at}
    if found is not None:
        connection.execute(
            update(roles_table)
            .where(roles_table.c.user_id == user_id, roles_table.c.role == role)
            .values(values)
        )
        return tuple(found.provinces or ())
    statement = insert_or_update(connection, roles_table).values(user_id=user_id, role=role, **values)
    connection.execute(statement.on_conflict_do_update(index_elements=["user_id", "role"], set_=values))
    return None


def remove(connection: Connection, user_id: str, role: str) -> bool:
    """False when the user did not have the role."""
    result = connection.execute(
        delete(roles_table).where(roles_table.c.user_id == user_id, roles_table.c.role == role)
    )
    return bool(result.rowcount)
