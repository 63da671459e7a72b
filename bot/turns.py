"""One learner turn: lock the chat, load the learner, let the flow decide, save, all or nothing.

Channel adapters call `take` inside `send_line` and then show the outcome. The chat lock (Redis
when several processes answer) covers only the read and write of the learner's row; the send line,
an in-process lock per chat, keeps one chat's replies in the order of its turns while they go out.
Sending happens after the commit, so a crash before sending loses replies, never progress.
"""

from __future__ import annotations

import json
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Connection

from content.library import Library
from flows.context import Context
from flows.conversation import handle
from flows.events import Event
from flows.outcome import Outcome
from flows.replies import PersonalData
from flows.state import LearnerState
from store import learners
from store.chat_locks import ChatLocks, LocalChatLocks
from store.database import Database


@dataclass(slots=True)
class Turn:
    outcome: Outcome
    personal_data: bytes | None = None


class Turns:
    def __init__(
        self,
        database: Database,
        library: Library,
        zone: ZoneInfo,
        locks: ChatLocks,
        bot_id: int = 0,
    ) -> None:
        self.database = database
        self.library = library
        self.zone = zone
        self.locks = locks
        self.bot_id = bot_id

        self._send_lines = LocalChatLocks()

    def lock(self, chat_id: int) -> AbstractAsyncContextManager[None]:
        return self.locks.hold(f"{self.bot_id}:{chat_id}")

    def send_line(self, chat_id: int) -> AbstractAsyncContextManager[None]:
        """Hold while taking a turn and showing its outcome: one chat's replies stay in order."""
        return self._send_lines.hold(str(chat_id))

    async def take(
        self, chat_id: int, event: Event, update_id: int | None, language_hint: str = "vi"
    ) -> Turn | None:
        """Handle one event; None when this update was already handled (Telegram redelivers)."""

        def work(connection: Connection) -> Turn | None:
            row = learners.find(connection, self.bot_id, chat_id, for_update=True)
            if learners.is_duplicate(row, update_id):
                return None
            state = learners.to_state(row) if row else LearnerState(chat_id, language_hint=language_hint)
            outcome = handle(state, event, Context(self.library, datetime.now(self.zone)))
            personal_data = None
            if any(isinstance(reply, PersonalData) for reply in outcome.replies):
                document = learners.export(connection, row)
                personal_data = json.dumps(document, ensure_ascii=False, indent=2).encode()
            learners.save(connection, row, self.bot_id, outcome, update_id)
            return Turn(outcome, personal_data)

        async with self.lock(chat_id):
            return await self.database.run(work)

    async def mark_inactive(self, chat_id: int) -> None:
        """The learner blocked the bot (a 403 on sending): stop writing to them."""
        await self.database.run(lambda connection: learners.mark_inactive(connection, self.bot_id, chat_id))

    async def find(self, chat_id: int) -> LearnerState | None:
        """The learner as stored now, for operators and tests."""
        row = await self.database.run(lambda connection: learners.find(connection, self.bot_id, chat_id))
        return learners.to_state(row) if row else None
