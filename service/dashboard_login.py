"""Signing in to the web dashboard without passwords: an admin or reviewer sends /dashboard to
the bot and gets a link that works once, within ten minutes; using it starts a browser session of
twelve hours.

Tokens come from `secrets` and only their SHA-256 is stored (`store.dashboard_auth`). The roles
are read again on every request (`viewer`), so a revoke takes effect at once, session or not.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection

from service import audit
from service.admins import Roles, can_view, roles_in
from store import dashboard_auth
from store.database import Database

LINK_LIFETIME = timedelta(minutes=10)
LIVE_LINKS = 3  # unused links one person may hold at once: more is someone pressing too often


class TooManyLinks(Exception):
    """The person already holds LIVE_LINKS unused links: they should use one, or wait."""


SESSION_LIFETIME = timedelta(hours=12)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def csrf_token(session_token: str) -> str:
    """The hidden field every form of a session carries: derived from the session's cookie, which
    another site can neither read nor send (SameSite=Strict), so a forged form cannot carry it."""
    return hashlib.sha256(f"csrf:{session_token}".encode()).hexdigest()


def csrf_matches(session_token: str, sent: str) -> bool:
    return hmac.compare_digest(csrf_token(session_token), sent)


async def issue_link(
    database: Database, user_id: str | int, admin_ids: Iterable[int], base_url: str
) -> str | None:
    """A one-time login link for an admin or reviewer; None for anyone else. Raises
    TooManyLinks when they already hold LIVE_LINKS unused ones (links are rate-limited)."""
    user, ids = str(user_id), tuple(admin_ids)
    token = secrets.token_urlsafe(32)

    def work(connection: Connection) -> bool:
        if not can_view(roles_in(connection, user, ids)):
            return False
        now = datetime.now(UTC)
        dashboard_auth.purge(connection, now)
        if dashboard_auth.live_links(connection, user, now) >= LIVE_LINKS:
            raise TooManyLinks(user)
        dashboard_auth.add_link(connection, token_hash(token), user, now + LINK_LIFETIME)
        audit.record(connection, user, audit.DASHBOARD_LINK, {}, now)
        return True

    return f"{base_url.rstrip('/')}/login/{token}" if await database.run(work) else None


async def link_is_usable(database: Database, token: str) -> bool:
    """Unused and unexpired (looking does not spend it)."""
    now = datetime.now(UTC)
    return await database.run(lambda c: dashboard_auth.link_user(c, token_hash(token), now)) is not None


async def open_session(database: Database, token: str, admin_ids: Iterable[int]) -> str | None:
    """Spend the link and start a session: the session's token (for the cookie), or None when the
    link is unknown, used, expired, or its user no longer has a role."""
    ids = tuple(admin_ids)
    session = secrets.token_urlsafe(32)

    def work(connection: Connection) -> str | None:
        now = datetime.now(UTC)
        user = dashboard_auth.use_link(connection, token_hash(token), now)
        if user is None or not can_view(roles_in(connection, user, ids)):
            return None
        dashboard_auth.add_session(connection, token_hash(session), user, now + SESSION_LIFETIME)
        audit.record(connection, user, audit.DASHBOARD_LOGIN, {}, now)
        return session

    return await database.run(work)


@dataclass(frozen=True, slots=True)
class Viewer:
    user_id: str
    roles: Roles


async def viewer(database: Database, session_token: str, admin_ids: Iterable[int]) -> Viewer | None:
    """Who this session belongs to and what they may do now; None: not signed in (any more)."""
    ids = tuple(admin_ids)

    def work(connection: Connection) -> Viewer | None:
        user = dashboard_auth.session_user(connection, token_hash(session_token), datetime.now(UTC))
        if user is None:
            return None
        roles = roles_in(connection, user, ids)
        return Viewer(user, roles) if can_view(roles) else None

    return await database.run(work)


async def close_session(database: Database, session_token: str) -> None:
    await database.run(lambda c: dashboard_auth.end_session(c, token_hash(session_token)))
