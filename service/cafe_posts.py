"""Putting a café's post of the day into the outbox: the scheduler does it at the café's hour,
/cafe_now does it at once. One campaign key per group per day, so the two never both go out, and
the rotations move on in the same transaction as the row is written.

The scheduler posts for every café of the hour at once (`post_many`): thousands of cafés share an
hour, and one round trip per café for each of its row and its rotations cost more than the posts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

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


def _row(bot: BotRef, stored: cafes.Stored, replies: Any, day: date, at: datetime) -> outbox.Outgoing:
    chat_id, thread_id = stored.cafe.chat_id, stored.cafe.thread_id
    return outbox.Outgoing(bot, chat_id, campaign(day), outbox.LESSON, to_payload(replies), at, thread_id)


def post_today(
    connection: Connection, library: Library, bot: BotRef, stored: cafes.Stored, day: date, at: datetime
) -> bool:
    """Queue today's post; False when it was queued already (today's post is out or on its way)."""
    post = daily_post(stored.cafe, library, day, POLL_OPEN_SECONDS)
    if not outbox.enqueue(connection, [_row(bot, stored, post.replies, day, at)], at):
        return False
    cafes.save_post(connection, stored.id, post.cafe, day, stored.last_post_on)
    return True


def post_many(
    connection: Connection,
    library: Library,
    due: Sequence[tuple[BotRef, cafes.Stored]],
    day: date,
    at: datetime,
) -> int:
    """`post_today` for many cafés: their rows in one INSERT, the rotations of those it wrote in
    one UPDATE. A café whose post is queued already keeps its rotations, as with `post_today`;
    returns how many were queued."""
    posts = [(bot, stored, daily_post(stored.cafe, library, day, POLL_OPEN_SECONDS)) for bot, stored in due]
    rows = [_row(bot, stored, post.replies, day, at) for bot, stored, post in posts]
    written = outbox.enqueue_new(connection, rows, at)
    posted = [
        (stored.id, post.cafe, stored.last_post_on)
        for bot, stored, post in posts
        if (bot.channel, bot.bot_id, stored.cafe.chat_id, campaign(day)) in written
    ]
    cafes.save_posts(connection, posted, day)
    return len(posted)
