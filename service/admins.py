"""Who may do what among admins, and the granting and taking away of roles.

Three roles:
- superadmin: everyone in ADMIN_IDS (the bootstrap, which no chat command can take away), and
  anyone granted the role. Manages roles, sends alerts anywhere, sees the whole country.
- province_admin: sends alerts to, and sees the figures of, their provinces only.
- reviewer: sees the dashboard and reports, sends nothing. Granted with provinces, they see
  those provinces only; without, the whole country.

The functions answer with result values and stable codes, never with text: each channel (chat,
command line) words the answer in its own way and language.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import Connection

from service import audit
from store import admins, dashboard_auth
from store.admins import Grant
from store.database import Database

SUPERADMIN, PROVINCE_ADMIN, REVIEWER = "superadmin", "province_admin", "reviewer"
ROLES = (SUPERADMIN, PROVINCE_ADMIN, REVIEWER)

# Result codes, stable: callers map them to their own words.
OK = "ok"
NOT_ALLOWED = "not_allowed"  # the actor is not a superadmin
UNKNOWN_ROLE = "unknown_role"
BAD_USER_ID = "bad_user_id"  # the target is not a Telegram user id
UNKNOWN_PROVINCE = "unknown_province"  # see `unknown` for which
PROVINCES_REQUIRED = "provinces_required"  # a province admin needs at least one province
PROVINCES_NOT_ALLOWED = "provinces_not_allowed"  # a superadmin is never limited to provinces
NOT_GRANTED = "not_granted"  # revoke: the user did not have that role
FROM_SETTINGS = "from_settings"  # revoke: a superadmin by ADMIN_IDS stays one

_USER_ID = re.compile(r"\d{1,20}")


@dataclass(frozen=True, slots=True)
class Roles:
    """What one user is. `provinces`: where they are a province admin; `review_provinces`: where
    they review (empty while `reviewer`: the whole country)."""

    superadmin: bool = False
    from_settings: bool = False  # in ADMIN_IDS
    provinces: frozenset[str] = frozenset()
    reviewer: bool = False
    review_provinces: frozenset[str] = frozenset()

    @property
    def any(self) -> bool:
        return self.superadmin or bool(self.provinces) or self.reviewer


def roles_from(user_id: str | int, admin_ids: Iterable[int], grants: Iterable[Grant]) -> Roles:
    """The roles of a user from ADMIN_IDS and their stored grants (pure: no database)."""
    user = str(user_id)
    from_settings = user in {str(admin) for admin in admin_ids}
    superadmin, reviewer = from_settings, False
    provinces: set[str] = set()
    review: set[str] = set()
    for grant in grants:
        if grant.user_id != user:
            continue
        if grant.role == SUPERADMIN:
            superadmin = True
        elif grant.role == PROVINCE_ADMIN:
            provinces |= set(grant.provinces)
        elif grant.role == REVIEWER:
            reviewer = True
            review |= set(grant.provinces)
    return Roles(superadmin, from_settings, frozenset(provinces), reviewer, frozenset(review))


def roles_in(connection: Connection, user_id: str | int, admin_ids: Iterable[int]) -> Roles:
    """`roles_from` with the grants read in the caller's transaction."""
    return roles_from(user_id, admin_ids, admins.of_user(connection, str(user_id)))


async def roles_of(database: Database, user_id: str | int, admin_ids: Iterable[int]) -> Roles:
    ids = tuple(admin_ids)
    return await database.run(lambda connection: roles_in(connection, user_id, ids))


def can_manage(roles: Roles) -> bool:
    """Grant and revoke roles, list admins."""
    return roles.superadmin


def can_send_alerts(roles: Roles) -> bool:
    return roles.superadmin or bool(roles.provinces)


def can_view(roles: Roles) -> bool:
    """Open the dashboard and read reports."""
    return roles.any


def scope(roles: Roles) -> list[str] | None:
    """The provinces whose figures the user may see; None: the whole country."""
    if roles.superadmin or (roles.reviewer and not roles.review_provinces):
        return None
    return sorted(roles.provinces | roles.review_provinces)


def send_scope(roles: Roles) -> list[str] | None:
    """The provinces the user may send alerts to; None: anywhere. An empty list: nowhere."""
    return None if roles.superadmin else sorted(roles.provinces)


@dataclass(frozen=True, slots=True)
class GrantResult:
    code: str
    target: str = ""
    role: str = ""
    provinces: tuple[str, ...] = ()
    previous: tuple[str, ...] | None = None  # the provinces of the grant replaced, if any
    unknown: tuple[str, ...] = ()  # province ids not in the content's list

    @property
    def ok(self) -> bool:
        return self.code == OK


@dataclass(frozen=True, slots=True)
class RevokeResult:
    code: str
    target: str = ""
    role: str = ""
    still: Roles = field(default_factory=Roles)  # what the user is after the revoke

    @property
    def ok(self) -> bool:
        return self.code == OK


def _may_manage(connection: Connection, actor_id: str, admin_ids: tuple[int, ...]) -> bool:
    return actor_id == audit.CLI or can_manage(roles_in(connection, actor_id, admin_ids))


def _check_grant(target: str, role: str, provinces: tuple[str, ...], known: set[str]) -> GrantResult | None:
    if role not in ROLES:
        return GrantResult(UNKNOWN_ROLE, target, role)
    if not _USER_ID.fullmatch(target):
        return GrantResult(BAD_USER_ID, target, role)
    unknown = tuple(p for p in provinces if p not in known)
    if unknown:
        return GrantResult(UNKNOWN_PROVINCE, target, role, provinces, unknown=unknown)
    if role == PROVINCE_ADMIN and not provinces:
        return GrantResult(PROVINCES_REQUIRED, target, role)
    if role == SUPERADMIN and provinces:
        return GrantResult(PROVINCES_NOT_ALLOWED, target, role, provinces)
    return None


async def grant(
    database: Database, actor_id: str | int, admin_ids: Iterable[int], target_id: str | int, role: str,
    provinces: Iterable[str], known_provinces: Iterable[str],
) -> GrantResult:  # fmt: skip
    """Give `target_id` the role (a second grant of the same role replaces its provinces). Only a
    superadmin, or the command line (`actor_id` "cli"), may."""
    actor, target, ids = str(actor_id), str(target_id).strip(), tuple(admin_ids)
    wanted = tuple(sorted({p.strip().lower() for p in provinces if p.strip()}))
    known = set(known_provinces)

    def work(connection: Connection) -> GrantResult:
        if not _may_manage(connection, actor, ids):
            return GrantResult(NOT_ALLOWED, target, role)
        refused = _check_grant(target, role, wanted, known)
        if refused is not None:
            return refused
        now = datetime.now(UTC)
        previous = admins.put(connection, target, role, list(wanted), actor, now)
        detail = {"user": target, "role": role, "provinces": list(wanted)}
        audit.record(connection, actor, audit.GRANT, detail, now)
        return GrantResult(OK, target, role, wanted, previous)

    return await database.run(work)


async def revoke(
    database: Database, actor_id: str | int, admin_ids: Iterable[int], target_id: str | int, role: str
) -> RevokeResult:
    """Take a granted role away. A user with no role left is signed out of the dashboard."""
    actor, target, ids = str(actor_id), str(target_id).strip(), tuple(admin_ids)

    def work(connection: Connection) -> RevokeResult:
        if not _may_manage(connection, actor, ids):
            return RevokeResult(NOT_ALLOWED, target, role)
        if role not in ROLES:
            return RevokeResult(UNKNOWN_ROLE, target, role)
        if not _USER_ID.fullmatch(target):
            return RevokeResult(BAD_USER_ID, target, role)
        removed = admins.remove(connection, target, role)
        still = roles_in(connection, target, ids)
        if role == SUPERADMIN and still.from_settings:
            if removed:  # the row goes, the setting stays: say so rather than pretend
                audit.record(connection, actor, audit.REVOKE, {"user": target, "role": role})
            return RevokeResult(FROM_SETTINGS, target, role, still)
        if not removed:
            return RevokeResult(NOT_GRANTED, target, role, still)
        audit.record(connection, actor, audit.REVOKE, {"user": target, "role": role})
        if not still.any:
            dashboard_auth.end_sessions_of(connection, target)
        return RevokeResult(OK, target, role, still)

    return await database.run(work)


@dataclass(frozen=True, slots=True)
class Admin:
    user_id: str
    roles: Roles
    grants: tuple[Grant, ...]  # as stored: who granted each role, and when


@dataclass(frozen=True, slots=True)
class AdminList:
    code: str
    admins: tuple[Admin, ...] = ()

    @property
    def ok(self) -> bool:
        return self.code == OK


def everyone(connection: Connection, admin_ids: Iterable[int]) -> list[Admin]:
    """Every admin: ADMIN_IDS first, in their order, then granted users by id."""
    ids = tuple(admin_ids)
    grants = admins.every(connection)
    users = [str(admin) for admin in ids] + sorted(
        {g.user_id for g in grants} - {str(a) for a in ids}, key=int
    )
    return [
        Admin(user, roles_from(user, ids, grants), tuple(g for g in grants if g.user_id == user))
        for user in dict.fromkeys(users)
    ]


async def list_admins(database: Database, actor_id: str | int, admin_ids: Iterable[int]) -> AdminList:
    """Everyone with a role, for a superadmin (or the command line) only."""
    actor, ids = str(actor_id), tuple(admin_ids)

    def work(connection: Connection) -> AdminList:
        if not _may_manage(connection, actor, ids):
            return AdminList(NOT_ALLOWED)
        return AdminList(OK, tuple(everyone(connection, ids)))

    return await database.run(work)
