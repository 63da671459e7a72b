"""`hocvuso admin grant|revoke|list` and `hocvuso audit`: the same role management as the chat
commands, for whoever runs the server (the first superadmins are set up this way or through
ADMIN_IDS). Everything done here is recorded in the audit log with the actor "cli"."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable

from bot.bootstrap import open_database_only
from bot.settings import load_settings
from content.library import Library
from service import admins, audit

REFUSALS = {
    admins.UNKNOWN_ROLE: "unknown role {role}: use superadmin, province_admin or reviewer",
    admins.BAD_USER_ID: "{target} is not a Telegram user id (digits only)",
    admins.UNKNOWN_PROVINCE: "unknown province id: {unknown} (the ids are in content/curriculum/reference)",
    admins.PROVINCES_REQUIRED: "a province admin needs at least one province id",
    admins.PROVINCES_NOT_ALLOWED: "a superadmin is not limited to provinces: leave them out",
    admins.NOT_GRANTED: "{target} does not have the role {role}",
    admins.FROM_SETTINGS: "{target} is a superadmin through ADMIN_IDS: remove them there",
    admins.NOT_ALLOWED: "not allowed",
}


def add_commands(commands: argparse._SubParsersAction) -> None:
    admin = commands.add_parser("admin", help="admins' roles").add_subparsers(
        dest="admin_command", required=True
    )
    grant = admin.add_parser("grant", help="give a Telegram user a role")
    grant.add_argument("user", metavar="TELEGRAM_ID")
    grant.add_argument("role", choices=admins.ROLES)
    grant.add_argument(
        "provinces", nargs="*", metavar="PROVINCE", help="province ids (province_admin, reviewer)"
    )
    revoke = admin.add_parser("revoke", help="take a role away")
    revoke.add_argument("user", metavar="TELEGRAM_ID")
    revoke.add_argument("role", choices=admins.ROLES)
    admin.add_parser("list", help="everyone with a role")
    log = commands.add_parser("audit", help="the record of admin actions, newest first")
    log.add_argument("--limit", type=int, default=50, metavar="N", help="how many entries (default 50)")


def _describe_roles(roles: admins.Roles) -> str:
    parts = []
    if roles.superadmin:
        parts.append("superadmin" + (" (ADMIN_IDS)" if roles.from_settings else ""))
    if roles.provinces:
        parts.append(f"province_admin: {' '.join(sorted(roles.provinces))}")
    if roles.reviewer:
        where = " ".join(sorted(roles.review_provinces)) or "whole country"
        parts.append(f"reviewer: {where}")
    return "; ".join(parts)


async def _admin(args: argparse.Namespace, out: Callable[[str], None]) -> int:
    settings = load_settings()
    database = await open_database_only(settings)
    try:
        if args.admin_command == "list":
            listed = await admins.list_admins(database, audit.CLI, settings.admin_ids)
            for admin in listed.admins:
                out(f"{admin.user_id}  {_describe_roles(admin.roles)}\n")
            if not listed.admins:
                out("no admins: set ADMIN_IDS or run `hocvuso admin grant`\n")
            return 0
        if args.admin_command == "grant":
            known = Library.load().province_ids
            granted = await admins.grant(
                database, audit.CLI, settings.admin_ids, args.user, args.role, args.provinces, known
            )
            if not granted.ok:
                out(REFUSALS[granted.code].format(**_fields(granted)) + "\n")
                return 1
            where = f" for {' '.join(granted.provinces)}" if granted.provinces else ""
            out(f"{granted.target} is now {granted.role}{where}\n")
            return 0
        revoked = await admins.revoke(database, audit.CLI, settings.admin_ids, args.user, args.role)
        if not revoked.ok:
            out(REFUSALS[revoked.code].format(**_fields(revoked)) + "\n")
            return 1
        out(f"{revoked.target} is no longer {revoked.role}\n")
        return 0
    finally:
        await database.dispose()


def _fields(result: admins.GrantResult | admins.RevokeResult) -> dict[str, str]:
    unknown = getattr(result, "unknown", ())
    return {"target": result.target, "role": result.role, "unknown": ", ".join(unknown)}


async def _audit(args: argparse.Namespace, out: Callable[[str], None]) -> int:
    settings = load_settings()
    database = await open_database_only(settings)
    try:
        entries = await database.run(lambda c: audit.latest(c, max(args.limit, 1)))
    finally:
        await database.dispose()
    for entry in entries:
        at = entry.at.astimezone(settings.zone).strftime("%Y-%m-%d %H:%M:%S")
        out(f"{at}  {entry.actor:<12} {entry.action:<16} {audit.describe(entry)}".rstrip() + "\n")
    if not entries:
        out("no admin actions recorded yet\n")
    return 0


def run(args: argparse.Namespace) -> int:
    def out(text: str) -> None:
        print(text, end="", flush=True)

    if args.command == "audit":
        return asyncio.run(_audit(args, out))
    return asyncio.run(_admin(args, out))
