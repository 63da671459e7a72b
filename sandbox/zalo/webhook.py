"""Webhook delivery: POST each pending update to the bot with the secret header.

Documented: the header ``X-Bot-Api-Secret-Token`` carries the secret given to
setWebhook. Undocumented and therefore settings (see ``settings.py``): how
often a failed push is retried and how many chats are pushed at once. One
chat's updates are pushed one at a time, in order; a push that fails every
attempt is dropped and counted, as the platform would not keep it forever.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass

import aiohttp

from sandbox.zalo.records import SandboxStats
from sandbox.zalo.settings import SandboxSettings
from sandbox.zalo.updates import Pending, UpdateQueue

SECRET_HEADER = "X-Bot-Api-Secret-Token"


@dataclass(frozen=True, slots=True)
class WebhookConfig:
    """What setWebhook stored; ``updated_at`` is milliseconds since the epoch."""

    url: str
    secret_token: str
    updated_at: int


class WebhookPusher:
    """The background task that pushes queued updates to the webhook URL."""

    def __init__(
        self, queue: UpdateQueue, config: WebhookConfig, stats: SandboxStats, settings: SandboxSettings
    ) -> None:
        self.config = config
        self._queue = queue
        self._stats = stats
        self._settings = settings
        self._in_flight: dict[str, Pending] = {}
        self._pushes: set[asyncio.Task[None]] = set()
        self._task: asyncio.Task[None] | None = None
        self._session: aiohttp.ClientSession | None = None

    def start(self) -> None:
        if self._task is None:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=self._settings.webhook_timeout)
            )
            self._task = asyncio.create_task(self._run(), name="zalo-sandbox-webhook")

    async def stop(self) -> None:
        """Stop pushing; updates not yet accepted go back to the queue (for getUpdates)."""
        tasks = [task for task in (self._task, *self._pushes) if task is not None]
        self._task = None
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        for item in list(self._in_flight.values()):  # pushes cancelled before they started
            self._queue.put_back(item)
        self._in_flight.clear()
        session, self._session = self._session, None
        if session is not None:
            await session.close()

    async def _run(self) -> None:
        limit = max(self._settings.webhook_max_connections, 1)
        while True:
            item = self._queue.take(busy=self._in_flight) if len(self._in_flight) < limit else None
            if item is None:
                await self._queue.wait_change(None)
                continue
            self._in_flight[item.chat_id] = item
            task = asyncio.create_task(self._push(item))
            self._pushes.add(task)
            task.add_done_callback(self._pushes.discard)

    async def _push(self, item: Pending) -> None:
        finished = False
        try:
            await self._deliver(item)
            finished = True
        finally:
            del self._in_flight[item.chat_id]
            if not finished:
                self._queue.put_back(item)
            self._queue.notify()

    async def _deliver(self, item: Pending) -> None:
        """Try ``webhook_attempts`` times with a doubling delay; then drop the update."""
        assert self._session is not None
        headers = {SECRET_HEADER: self.config.secret_token}
        delay = self._settings.webhook_retry_delay
        attempts = max(self._settings.webhook_attempts, 1)
        for attempt in range(1, attempts + 1):
            try:
                async with self._session.post(self.config.url, json=item.update, headers=headers) as response:
                    await response.read()
                    if 200 <= response.status < 300:
                        self._stats.webhook_deliveries += 1
                        return
                    error = f"HTTP {response.status}"
            except (aiohttp.ClientError, TimeoutError) as exc:
                error = f"{type(exc).__name__}: {exc}"
            self._stats.webhook_failed_attempts += 1
            self._stats.webhook_errors.append(error)
            if attempt < attempts:
                await asyncio.sleep(delay)
                delay *= 2
        self._stats.webhook_dropped += 1
