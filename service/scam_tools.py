"""What the checker needs at run time: its knowledge (loaded once from content/scam) and the
memory of messages admins confirmed, rebuilt from the database now and then so every process
learns what any admin decided; and the checked messages held for a few minutes in case their
reader reports them.

Held messages live in this process's memory only: never in the database, never in a log. When
several processes answer one bot, a report pressed on another process than the check finds
nothing held, and the person is asked to forward the message again.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from typing import Literal

from content.scam_data import load_knowledge
from flows.context import ScamTools
from flows.scam_check import Memory
from store import scam_reports
from store.database import Database

MEMORY_REFRESH = 60.0  # seconds between rebuilds of the confirmed messages' memory
HOLD_SECONDS = 15 * 60
HOLD_LIMIT = 10_000  # chats whose last checked message is kept, oldest dropped first


class Checker:
    def __init__(self, database: Database) -> None:
        self.database = database
        self.knowledge = load_knowledge()
        self._memory: Memory | None = None
        self._built_at = 0.0

    async def tools(self) -> ScamTools:
        if self._memory is None or time.monotonic() - self._built_at > MEMORY_REFRESH:
            rows = await self.database.run(scam_reports.confirmed)
            self._memory = self._build(rows)
            self._built_at = time.monotonic()
        return ScamTools(self.knowledge, self._memory)

    def _build(self, rows: list[tuple[str, str]]) -> Memory:
        memory = Memory(threshold=self.knowledge.thresholds.memory)
        for text, verdict in rows:
            memory.add(text, _verdict(verdict))
        return memory

    def remember(self, text: str, verdict: str) -> None:
        """An admin's decision, learnt at once in this process (the others at their next rebuild)."""
        if self._memory is not None and verdict in scam_reports.CONFIRMED:
            self._memory.add(text, _verdict(verdict))


def _verdict(status: str) -> Literal["scam", "safe"]:
    return "scam" if status == scam_reports.SCAM else "safe"


class HeldTexts:
    def __init__(self) -> None:
        self._held: OrderedDict[str, tuple[float, str]] = OrderedDict()

    def put(self, chat: str, text: str) -> None:
        self._held.pop(chat, None)
        self._held[chat] = (time.monotonic() + HOLD_SECONDS, text)
        while len(self._held) > HOLD_LIMIT:
            self._held.popitem(last=False)

    def get(self, chat: str) -> str | None:
        found = self._held.get(chat)
        if found is None or found[0] < time.monotonic():
            self._held.pop(chat, None)
            return None
        return found[1]

    def drop(self, chat: str) -> None:
        self._held.pop(chat, None)
