"""A broadcast "something changed" signal for event-driven waiting.

Long polls, the webhook pusher and simulated users all wait for a change
(a new update, a message from the bot) instead of sleeping in loops. The
signal swaps in a fresh ``asyncio.Event`` on every notification, so each
waiter is woken once per change and then re-checks its own condition.
"""

from __future__ import annotations

import asyncio


class Signal:
    """Wake every current waiter; later waiters wait for the next change."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        """Called from the event loop after state changed (no await in between, so no races)."""
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, timeout: float | None) -> bool:
        """Wait for the next change; ``False`` if ``timeout`` seconds passed first."""
        event = self._event
        if timeout is not None and timeout <= 0:
            return False
        try:
            async with asyncio.timeout(timeout):
                await event.wait()
        except TimeoutError:
            return False
        return True
