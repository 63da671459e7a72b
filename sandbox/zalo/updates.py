"""The bot's pending updates: one FIFO shared by long polls and the webhook pusher.

``getUpdates`` takes the oldest update (one per answer, no offsets: taking it
is acknowledging it). The pusher takes the oldest update of a chat that has
no push in flight, so one chat's updates arrive in order while other chats
proceed; an update whose push was interrupted goes back in its place.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Container
from dataclasses import dataclass
from typing import Any

from sandbox.zalo.waiting import Signal


@dataclass(frozen=True, slots=True)
class Pending:
    """An update waiting for the bot; ``seq`` keeps arrival order."""

    seq: int
    chat_id: str
    update: dict[str, Any]


class UpdateQueue:
    """Pending updates in arrival order, with a change signal for waiters."""

    def __init__(self) -> None:
        self._items: list[Pending] = []
        self._seq = itertools.count()
        self._changed = Signal()

    @property
    def pending(self) -> int:
        return len(self._items)

    def put(self, chat_id: str, update: dict[str, Any]) -> None:
        self._items.append(Pending(next(self._seq), chat_id, update))
        self._changed.notify()

    def take(self, busy: Container[str] = ()) -> Pending | None:
        """Remove and return the oldest update whose chat is not ``busy``."""
        for index, item in enumerate(self._items):
            if item.chat_id not in busy:
                del self._items[index]
                return item
        return None

    def put_back(self, item: Pending) -> None:
        """Return an undelivered update to its place in arrival order."""
        index = next((i for i, other in enumerate(self._items) if other.seq > item.seq), len(self._items))
        self._items.insert(index, item)
        self._changed.notify()

    def notify(self) -> None:
        """Wake waiters without a new update (the webhook changed, a push finished, shutdown)."""
        self._changed.notify()

    async def wait_change(self, timeout: float | None) -> bool:
        return await self._changed.wait(timeout)

    async def poll(
        self, timeout: float, keep_waiting: Callable[[], bool], clock: Callable[[], float]
    ) -> Pending | None:
        """The oldest update, waiting up to ``timeout`` seconds; ``None`` if none came.

        ``keep_waiting`` is re-checked on every change; when it turns false the
        poll ends with ``None`` and the caller decides what to answer.
        """
        deadline = clock() + timeout
        while keep_waiting():
            item = self.take()
            if item is not None:
                return item
            remaining = deadline - clock()
            if remaining <= 0:
                return None
            await self._changed.wait(remaining)
        return None
