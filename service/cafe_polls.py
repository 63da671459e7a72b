"""Café polls as they go out: Telegram names a poll by an id it chooses when the poll is sent, and
a member's answer names only that id and the places chosen, so each poll is written down the
moment it is sent (a poll whose sender crashed in that instant goes unscored)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flows.replies import Poll
from store import cafes
from store.address import BotRef
from store.database import Database


class PollBook:
    def __init__(self, database: Database, zone: ZoneInfo) -> None:
        self.database = database
        self.zone = zone

    async def sent(self, bot: BotRef, chat_id: str, poll: Poll, poll_id: str) -> None:
        day = datetime.now(self.zone).date()
        await self.database.run(
            lambda c: cafes.record_poll(c, bot, chat_id, poll_id, poll.question_id, poll.correct_place, day)
        )
