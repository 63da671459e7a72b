"""A learner the bot can no longer reach (they blocked it, deleted their account): the flows'
`Blocked` event decides what that means for them, and their waiting messages are dropped.

One path for both ways it is found out: a reply refused during a turn, or an outbox row refused
by the platform."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection

from content.library import Library
from flows.context import Context
from flows.conversation import handle
from flows.events import Blocked
from service.records import save_outcome
from store import learners, outbox
from store.address import BotRef


def learner_unreachable(
    connection: Connection, library: Library, bot: BotRef, chat_id: str, now: datetime
) -> None:
    row = learners.find(connection, bot, chat_id, for_update=True)
    if row is not None:
        outcome = handle(learners.to_state(row), Blocked(), Context(library, now))
        save_outcome(connection, row, bot, outcome, None)
    outbox.drop_chat(connection, bot, chat_id)
