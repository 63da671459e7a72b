"""The dashboard's one-time login links and browser sessions in the database. Only the SHA-256 of
a token is stored, so a copy of the database (a backup, a replica) opens nothing: the token itself
lives only in the admin's chat and in their browser's cookie."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, Table, delete, func, insert, select, update

from store.audit import in_utc
from store.models import DashboardLinkRow, DashboardSessionRow

links: Table = DashboardLinkRow.__table__  # type: ignore[assignment]
sessions: Table = DashboardSessionRow.__table__  # type: ignore[assignment]


def add_link(connection: Connection, token_hash: str, user_id: str, expires_at: datetime) -> None:
    values = {"token_hash": token_hash, "user_id": user_id, "expires_at": in_utc(expires_at)}
    connection.execute(insert(links).values(values))


def live_links(connection: Connection, user_id: str, now: datetime) -> int:
    """Links of this user still unused and unexpired."""
    query = (
        select(func.count())
        .select_from(links)
        .where(links.c.user_id == user_id, links.c.used_at.is_(None), links.c.expires_at > in_utc(now))
    )
    return int(connection.execute(query).scalar_one())


def link_user(connection: Connection, token_hash: str, now: datetime) -> str | None:
    """Whose link this is, while it is unused and unexpired; it stays usable."""
    query = select(links.c.user_id).where(
        links.c.token_hash == token_hash, links.c.used_at.is_(None), links.c.expires_at > in_utc(now)
    )
    return connection.execute(query).scalar_one_or_none()


def use_link(connection: Connection, token_hash: str, now: datetime) -> str | None:
    """Spend the link: its user, or None when it is unknown, used or expired. One UPDATE decides,
    so two browsers racing with the same link cannot both win."""
    spent = connection.execute(
        update(links)
        .where(links.c.token_hash == token_hash, links.c.used_at.is_(None), links.c.expires_at > in_utc(now))
        .values(used_at=in_utc(now))
    )
    if spent.rowcount != 1:
        return None
    return connection.execute(select(links.c.user_id).where(links.c.token_hash == token_hash)).scalar_one()


def add_session(connection: Connection, token_hash: str, user_id: str, expires_at: datetime) -> None:
    connection.execute(
        insert(sessions).values(token_hash=token_hash, user_id=user_id, expires_at=in_utc(expires_at))
    )


def session_user(connection: Connection, token_hash: str, now: datetime) -> str | None:
    query = select(sessions.c.user_id).where(
        sessions.c.token_hash == token_hash, sessions.c.expires_at > in_utc(now)
    )
    return connection.execute(query).scalar_one_or_none()


def end_session(connection: Connection, token_hash: str) -> None:
    connection.execute(delete(sessions).where(sessions.c.token_hash == token_hash))


def end_sessions_of(connection: Connection, user_id: str) -> int:
    """Every browser of this user signs out (their last role was taken away)."""
    return int(connection.execute(delete(sessions).where(sessions.c.user_id == user_id)).rowcount)


def purge(connection: Connection, now: datetime) -> None:
    """Expired links and sessions are of no use to anyone: they go."""
    connection.execute(delete(links).where(links.c.expires_at <= in_utc(now)))
    connection.execute(delete(sessions).where(sessions.c.expires_at <= in_utc(now)))
