"""The pending-update queue with Telegram's getUpdates semantics.

* ``update_id`` values the sandbox assigns strictly increase.
* An update stays pending until the bot confirms it by calling getUpdates with
  a higher ``offset`` (polling) or the webhook receiver answers 2xx.
* A long poll (``timeout``) waits until an update arrives; a second concurrent
  getUpdates terminates the first with 409, like Telegram.
* ``allowed_updates`` filters updates created *after* it was set, exactly as
  Telegram documents it.
* A re-sent update (same ``update_id``) is delivered even if that id was
  already confirmed, which is how a test simulates Telegram redelivering.

Each update is JSON-encoded once when queued; responses are assembled from the
encoded strings, so redelivery and large batches cost no re-encoding.
"""

from __future__ import annotations

import asyncio
import json
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sandbox.telegram.errors import conflict
from sandbox.telegram.records import SandboxStats

_TERMINATED_BY_OTHER = (
    "terminated by other getUpdates request; make sure that only one bot instance is running"
)
DEFAULT_EXCLUDED = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


@dataclass(slots=True)
class QueuedUpdate:
    update_id: int
    kind: str
    payload: dict[str, Any]
    encoded: str
    delivered: bool = False


def update_kind(update: dict[str, Any]) -> str:
    """The update's type: its one key besides ``update_id``."""
    for key in update:
        if key != "update_id":
            return key
    return ""


def encode(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class UpdateQueue:
    """Pending updates in order, plus the waiting machinery for long polls."""

    def __init__(self, stats: SandboxStats) -> None:
        self._stats = stats
        self._items: deque[QueuedUpdate] = deque()
        self._next_id = 1
        self._allowed: frozenset[str] | None = None
        self._irregular = False
        self._undelivered = 0
        self._arrival: asyncio.Event | None = None
        self._progress: asyncio.Event | None = None
        self._poll_generation = 0
        self._termination_reason = _TERMINATED_BY_OTHER
        self._closed = False
        self.last: QueuedUpdate | None = None

    # -- producing ----------------------------------------------------------
    def push(self, update: dict[str, Any]) -> int:
        """Queue an update (assigning ``update_id`` if absent); returns its id.

        An update of a type the bot did not ask for is counted and dropped.
        """
        update_id = update.get("update_id")
        if not isinstance(update_id, int):
            update_id = self._next_id
            update = {"update_id": update_id, **update}
        if update_id >= self._next_id:
            self._next_id = update_id + 1
        else:
            self._irregular = True
        self._stats.updates_pushed += 1
        kind = update_kind(update)
        if not self._wanted(kind):
            self._stats.updates_filtered += 1
            return update_id
        queued = QueuedUpdate(update_id, kind, update, encode(update))
        self._append(queued)
        return update_id

    def repush_last(self) -> int:
        """Deliver the last queued update again, with the same ``update_id``."""
        if self.last is None:
            raise LookupError("no update has been queued yet")
        last = self.last
        self._irregular = True
        self._stats.updates_pushed += 1
        self._append(QueuedUpdate(last.update_id, last.kind, last.payload, last.encoded))
        return last.update_id

    def _append(self, queued: QueuedUpdate) -> None:
        self._items.append(queued)
        self._undelivered += 1
        self.last = queued
        self._wake_arrival()

    def _wanted(self, kind: str) -> bool:
        if self._allowed is None:
            return kind not in DEFAULT_EXCLUDED
        return kind in self._allowed

    def set_allowed(self, allowed: Iterable[str] | None) -> None:
        """Telegram: an empty list means the default set; ``None`` keeps the old one."""
        if allowed is None:
            return
        chosen = frozenset(allowed)
        self._allowed = chosen or None

    @property
    def allowed_updates(self) -> list[str] | None:
        return sorted(self._allowed) if self._allowed is not None else None

    # -- consuming: polling ---------------------------------------------------
    async def poll(self, offset: int | None, limit: int, timeout: float) -> list[QueuedUpdate]:
        """getUpdates: confirm by ``offset``, then return up to ``limit`` updates."""
        self.interrupt_polls(_TERMINATED_BY_OTHER)
        generation = self._poll_generation
        if offset is not None:
            self._confirm(offset)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + max(timeout, 0.0)
        while not self._items and not self._closed:
            remaining = deadline - loop.time()
            if remaining <= 0:
                break
            if self._arrival is None:
                self._arrival = asyncio.Event()
            arrival = self._arrival
            try:
                await asyncio.wait_for(arrival.wait(), remaining)
            except TimeoutError:
                break
            if generation != self._poll_generation:
                raise conflict(self._termination_reason)
        if generation != self._poll_generation:
            raise conflict(self._termination_reason)
        batch = [self._items[index] for index in range(min(limit, len(self._items)))]
        for queued in batch:
            self._mark_delivered(queued)
        return batch

    def interrupt_polls(self, reason: str = "webhook was set while getUpdates was waiting") -> None:
        """End a waiting long poll with 409 ``reason`` (a newer poll, a webhook)."""
        self._poll_generation += 1
        self._termination_reason = reason
        self._wake_arrival()

    def _confirm(self, offset: int) -> None:
        items = self._items
        if offset < 0:
            keep = -offset
            while len(items) > keep:
                self._forget(items.popleft())
            return
        while items and items[0].delivered and items[0].update_id < offset:
            items.popleft()
        if self._irregular:
            # Out-of-order ids (re-sent updates): confirmed ones may sit behind
            # an unconfirmed one. Rare and test-only, so a rebuild is fine.
            kept = [q for q in items if not (q.delivered and q.update_id < offset)]
            if len(kept) != len(items):
                self._items = deque(kept)

    def _mark_delivered(self, queued: QueuedUpdate) -> None:
        if not queued.delivered:
            queued.delivered = True
            self._undelivered -= 1
            self._stats.updates_delivered += 1
            self._wake_progress()

    def _forget(self, queued: QueuedUpdate) -> None:
        if not queued.delivered:
            self._undelivered -= 1
            self._wake_progress()

    # -- consuming: webhook ---------------------------------------------------
    async def front(self) -> QueuedUpdate | None:
        """The oldest pending update, waiting for one; ``None`` once closed."""
        while not self._items:
            if self._closed:
                return None
            if self._arrival is None:
                self._arrival = asyncio.Event()
            await self._arrival.wait()
        return self._items[0]

    def acknowledge(self, queued: QueuedUpdate) -> None:
        """The webhook receiver accepted ``queued``: it is delivered and gone."""
        if self._items and self._items[0] is queued:
            self._items.popleft()
            self._mark_delivered(queued)

    # -- housekeeping ---------------------------------------------------------
    def drop_pending(self) -> None:
        """``drop_pending_updates``: forget everything not yet confirmed."""
        while self._items:
            self._forget(self._items.popleft())

    @property
    def pending(self) -> int:
        return len(self._items)

    @property
    def undelivered(self) -> int:
        return self._undelivered

    async def wait_delivered(self, timeout: float) -> bool:
        """Wait until every queued update was handed to the bot at least once."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self._undelivered > 0:
            remaining = deadline - loop.time()
            if remaining <= 0:
                return False
            if self._progress is None:
                self._progress = asyncio.Event()
            try:
                await asyncio.wait_for(self._progress.wait(), remaining)
            except TimeoutError:
                return self._undelivered == 0
        return True

    def close(self) -> None:
        """Release every waiter (server shutdown)."""
        self._closed = True
        self._wake_arrival()
        self._wake_progress()

    def reopen(self) -> None:
        self._closed = False

    def _wake_arrival(self) -> None:
        event = self._arrival
        if event is not None:
            self._arrival = None
            event.set()

    def _wake_progress(self) -> None:
        event = self._progress
        if event is not None:
            self._progress = None
            event.set()
