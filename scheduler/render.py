"""Daily messages are written when they go out, not when they are queued.

A tick queues `{"type": "daily", "kind": "lesson"}` for every learner due; the delivery worker,
in the transaction that claims the row, locks the learner's row (`FOR UPDATE`, as a turn does),
asks the flows what that kind of message says for the learner as they are now, saves the state it
moves them to, and writes the words into the row, so a retry sends the same words and a crash
after this point loses nothing. A learner who opened the lesson by hand in the meantime, stopped,
or whose reviews were all answered gets nothing: the row is dropped as no longer due.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection

from content.library import Library
from flows import course, daily
from flows.context import Context
from flows.replies import Reply
from flows.state import LearnerState
from flows.typed_choices import offered
from store import learners, outbox
from store.address import BotRef
from store.payload import to_payload

DAILY = "daily"
TIP_DELAY = timedelta(seconds=5)


def is_daily(payload: list[dict[str, Any]]) -> bool:
    return bool(payload) and payload[0].get("type") == DAILY


def render(
    connection: Connection,
    library: Library,
    default_zone: ZoneInfo,
    bot: BotRef,
    chat_id: str,
    payload: list[dict[str, Any]],
    now: datetime,
) -> list[dict[str, Any]] | None:
    """The row's words as a payload, with the learner's state saved; None when nothing is due."""
    row = learners.find(connection, bot, chat_id, for_update=True)
    if row is None:
        return None
    zone = ZoneInfo(row["timezone"]) if row["timezone"] else default_zone
    ctx = Context(library, now.astimezone(zone))
    state = learners.to_state(row)
    kind = payload[0].get("kind")
    replies: list[Reply] | None = None
    if kind in ("lesson", "tip"):
        outcome = daily.daily_lesson(state, ctx) if kind == "lesson" else daily.tip_of_the_day(state, ctx)
        if outcome is not None:
            learners.save_scheduled(connection, row, outcome.state, now)
            replies = outcome.replies
            if kind == "lesson":
                _queue_tip(connection, bot, chat_id, ctx, now)
    elif kind == "reminder":
        message = daily.reminder(state, ctx, row["reminders_sent"])
        if message is not None:
            learners.note_reminder(connection, row["id"], ctx.now.date())
            replies = [message]
    elif kind == "review":
        replies = _review(connection, library, row, state, ctx)
    if not replies:
        return None
    shown = offered(replies)
    if shown is not None:  # a typed number now answers this message's choices
        learners.remember_offered(connection, row["id"], shown)
    return to_payload(replies)


def _queue_tip(connection: Connection, bot: BotRef, chat_id: str, ctx: Context, now: datetime) -> None:
    """The tip of the day follows the lesson that went out, a few seconds later and behind
    everyone's lessons in priority."""
    campaign = f"tip:{ctx.now.date()}"
    payload: list[dict[str, Any]] = [{"type": DAILY, "kind": "tip"}]
    tip = outbox.Outgoing(bot, chat_id, campaign, outbox.NUDGE, payload, now + TIP_DELAY)
    outbox.enqueue(connection, [tip], now)


def _review(
    connection: Connection, library: Library, row: Any, state: LearnerState, ctx: Context
) -> list[Reply] | None:
    """The first question due that the curriculum still has; reviews of removed ones are dropped."""
    due = learners.due_reviews(connection, row["id"], ctx.now.date())
    learners.drop_reviews(connection, row["id"], [q for q in due if not course.is_question(library, q)])
    asked = next((q for q in due if course.is_question(library, q)), None)
    message = daily.review_message(state, ctx, asked) if asked is not None else None
    return [message] if message is not None else None
