"""Putting a café's post of the day into the outbox: the scheduler does it at the café's hour,
/cafe_now does it at once. One campaign key per group per day, so the two never both go out, and
the rotations move on in the same transaction as the row is written."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Connection

from content.library import Library
from flows.cafe.daily_post import daily_post
from flows.cafe.model import POLL_OPEN_SECONDS
from store import cafes, outbox
from store.address import BotRef
from store.payload import to_payload


def campaign(day: date) -> str:
    return f"cafe:{day.isoformat()}"


def week_campaign(monday: date) -> str:
    return f"cafe-week:{monday.isoformat()}"


def post_today(
    connection: Connection, library: Library, bot: BotRef, stored: cafes.Stored, day: date, at: datetime
) -> bool:
    """Queue today's post; False when it was queued already (today's post is out or on its way)."""
    post = daily_post(stored.cafe, library, day, POLL_OPEN_SECONDS)
    row = outbox.Outgoing(
        bot,
        stored.cafe.chat_id,
        campaign(day),
        outbox.LESSON,
        to_payload(post.replies),
        at,
        stored.cafe.thread_id,
    )
    if not outbox.enqueue(connection, [row], at):
        return False
    cafes.save_post(connection, stored.id, post.cafe, day, stored.last_post_on)
    return True
