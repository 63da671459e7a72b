"""Cafés' scheduled posts: each café day at the café's hour (in the deployment's time zone), and
on Sunday evening the week's top three. Quiet hours hold a post back until they end."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Table, and_, or_, select

from content.library import Library
from flows.cafe.model import WEEKLY_HOUR, is_cafe_day
from flows.cafe.scores import week_start, weekly_winners
from scheduler.quiet_hours import QuietHours
from service.cafe_posts import post_many, week_campaign
from store import cafes, outbox
from store.address import BotRef
from store.payload import to_payload

table: Table = cafes.cafes

SUNDAY = 6
POST_CHUNK = 1_000  # cafés posted by one INSERT and one UPDATE


def _posting() -> Any:
    return and_(table.c.enabled, table.c.present)


def due_posts(connection: Connection, library: Library, local: datetime, quiet: QuietHours) -> int:
    """Queue the post of every café whose hour it is and that has not posted today: read in one
    query, written POST_CHUNK cafés to a statement (10,000 cafés may share 7:00)."""
    today = local.date()
    query = (
        select(table)
        .where(
            _posting(),
            table.c.hour == local.hour,
            or_(table.c.last_post_on.is_(None), table.c.last_post_on < today),
        )
        .order_by(table.c.id)
    )
    at = quiet.next_allowed(local).astimezone(UTC)
    due = [
        (BotRef(row.channel, row.bot_id), stored)
        for row in connection.execute(query)
        if is_cafe_day((stored := cafes.stored_of(row)).cafe.settings, today)
    ]
    queued = 0
    for start in range(0, len(due), POST_CHUNK):
        queued += post_many(connection, library, due[start : start + POST_CHUNK], today, at)
    return queued


def week_winners(connection: Connection, library: Library, local: datetime, quiet: QuietHours) -> int:
    """Sunday evening: congratulate each café's top three of the week (once: one campaign key)."""
    if local.weekday() != SUNDAY or local.hour != WEEKLY_HOUR:
        return 0
    monday = week_start(local.date())
    at = quiet.next_allowed(local).astimezone(UTC)
    week = cafes.standings_of(connection, monday)  # one query for every café, not one each
    posting = select(
        table.c.id, table.c.channel, table.c.bot_id, table.c.chat_id, table.c.language, table.c.thread_id
    ).where(_posting())  # the post's settings and rotations are not needed here
    rows = []
    for row in connection.execute(posting):
        message = weekly_winners(week.get(row.id, []), row.language, library)
        if message is not None:
            payload = to_payload([message])
            rows.append(
                outbox.Outgoing(
                    BotRef(row.channel, row.bot_id), row.chat_id, week_campaign(monday), outbox.NUDGE,
                    payload, at, row.thread_id,
                )
            )  # fmt: skip
    return outbox.enqueue(connection, rows, at)
