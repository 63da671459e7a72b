"""Operator commands: `hocvuso alert send|status|cancel` and `hocvuso capacity`.

They need only the database: the delivery role (in `hocvuso run`, wherever it runs) sends what is
enqueued here. `alert send` shows a live progress line until the alert is out, or until Ctrl-C
(the alert goes on without the progress line).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection

from bot.bootstrap import open_database_only
from bot.settings import load_settings
from content.library import Library
from scheduler.capacity import hourly_load, table_text
from scheduler.quiet_hours import QuietHours
from service import alert_admin, alerts, audit
from store.address import CHANNELS
from store.database import Database

PROGRESS_EVERY = 0.5
NO_PROGRESS_HINT_AFTER = 10.0


def add_commands(commands: argparse._SubParsersAction) -> None:
    alert = commands.add_parser("alert", help="scam alerts to learners").add_subparsers(
        dest="alert_command", required=True
    )
    send = alert.add_parser("send", help="send an alert written in YAML")
    send.add_argument("file", type=Path)
    send.add_argument("--language", action="append", default=[], help="only learners reading this language")
    send.add_argument("--province", action="append", default=[], help="only this province id (repeatable)")
    send.add_argument("--group", action="append", default=[], help="only this target group id (repeatable)")
    send.add_argument("--bot", action="append", default=[], help="only learners of this bot id (repeatable)")
    send.add_argument(
        "--channel", action="append", choices=CHANNELS, default=[], help="only learners on this channel"
    )
    send.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    send.add_argument("--dry-run", action="store_true", help="only say how many it would reach and how long")
    for name, text in (("status", "how far an alert got"), ("cancel", "stop what has not been sent yet")):
        alert.add_parser(name, help=text).add_argument("id", type=int)
    commands.add_parser("capacity", help="messages each lesson hour needs against what the bots can send")


def _duration(seconds: float) -> str:
    minutes, secs = divmod(int(seconds + 0.5), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m" if hours else f"{minutes}m {secs:02d}s" if minutes else f"{secs}s"


def _bar(progress: alerts.Progress, rate: float) -> str:
    total = max(progress.total, 1)
    done = progress.done
    width = 30
    filled = int(width * done / total)
    c = progress.counts
    eta = _duration(progress.waiting / rate) if progress.waiting else "done"
    return (
        f"[{'#' * filled}{'.' * (width - filled)}] {100 * done / total:5.1f}%  "
        f"sent {c.get('sent', 0):,}  failed {c.get('failed', 0):,}  "
        f"blocked {c.get('blocked', 0) + c.get('dropped', 0):,}  ETA {eta}"
    )


async def _watch(
    database: Database, alert_id: int, rate: float, out: Callable[[str], None]
) -> alerts.Progress:
    started, last_done = time.monotonic(), -1
    hinted = False
    while True:
        progress = await database.run(lambda c: alerts.progress(c, alert_id))
        out("\r" + _bar(progress, rate))
        if not progress.waiting:
            out("\n")
            return progress
        if progress.done != last_done:
            last_done, started = progress.done, time.monotonic()
        elif not hinted and time.monotonic() - started > NO_PROGRESS_HINT_AFTER:
            out("\nno progress: is a delivery worker running? ")
            out("(`hocvuso run`, or `hocvuso run --role delivery`)\n")
            hinted = True
        await asyncio.sleep(PROGRESS_EVERY)


async def _alert(args: argparse.Namespace, confirm: Callable[[str], bool], out: Callable[[str], None]) -> int:
    settings = load_settings()
    database = await open_database_only(settings)
    try:
        if args.alert_command == "status":
            progress = await database.run(lambda c: alerts.progress(c, args.id))
            out(_bar(progress, settings.rate) + "\n")
            return 0
        if args.alert_command == "cancel":

            def cancel(connection: Connection) -> int:
                stopped = alerts.cancel_alert(connection, args.id)
                audit.record(
                    connection, audit.CLI, audit.ALERT_CANCELLED, {"alert": args.id, "stopped": stopped}
                )
                return stopped

            stopped = await database.run(cancel)
            out(f"alert {args.id} cancelled: {stopped:,} messages will not be sent\n")
            return 0
        library = Library.load()
        draft = alerts.read_alert(args.file, library)
        audience = alerts.Audience(
            tuple(args.language),
            tuple(args.province),
            tuple(args.group),
            tuple(args.bot),
            tuple(args.channel),
        )
        reach = await database.run(lambda c: alerts.reach(c, audience))
        bots = max(len(args.bot) or len(settings.tokens) + len(settings.zalo_tokens), 1)
        seconds = reach / (settings.rate * bots)
        pace = f"{settings.rate:g} messages/s per bot"
        out(f"reaches {reach:,} learners; about {_duration(seconds)} at {pace}\n")
        if args.dry_run:
            return 0
        if not reach:
            out("nobody to send to\n")
            return 1
        if not args.yes and not confirm(f"send to {reach:,} learners? [y/N] "):
            out("not sent\n")
            return 1
        now = datetime.now(UTC)

        def create(connection: Connection) -> tuple[int, int]:
            alert_id, total = alerts.create(connection, draft, audience, library, now)
            alert_admin.created(connection, alert_id, audit.CLI, audience.describe(), total)  # author: cli
            return alert_id, total

        alert_id, total = await database.run(create)
        out(f"alert {alert_id}: {total:,} messages queued ahead of lessons\n")
        try:
            await _watch(database, alert_id, settings.rate * bots, out)
        except (KeyboardInterrupt, asyncio.CancelledError):
            out(f"\nstill sending in the background; `hocvuso alert status {alert_id}` to check\n")
        return 0
    finally:
        await database.dispose()


async def _capacity(out: Callable[[str], None]) -> int:
    settings = load_settings()
    database = await open_database_only(settings)
    try:
        loads = await database.run(lambda c: hourly_load(c, settings.rate, QuietHours(*settings.quiet)))
    finally:
        await database.dispose()
    out(table_text(loads, settings.rate, max(len(settings.tokens), 1)) + "\n")
    return 1 if any(load.load > 1 for load in loads) else 0


def _ask(question: str) -> bool:
    if not sys.stdin.isatty():
        print("refusing to send without confirmation: add --yes", file=sys.stderr)
        return False
    return input(question).strip().lower() in ("y", "yes", "c", "có", "co")


def run(args: argparse.Namespace, confirm: Callable[[str], bool] = _ask) -> int:
    def out(text: str) -> None:
        print(text, end="", flush=True)

    if args.command == "capacity":
        return asyncio.run(_capacity(out))
    try:
        return asyncio.run(_alert(args, confirm, out))
    except alerts.AlertError as error:
        print(f"hocvuso: {error}", file=sys.stderr)
        return 2
