"""Webhook delivery: POST each pending update to the bot, in order, until 2xx.

Like Telegram, an update is retried (with a growing delay) until the receiver
accepts it, the secret token travels in ``X-Telegram-Bot-Api-Secret-Token``,
and the receiver may answer with a method call in the response body (aiogram
does this for handlers that ``return`` a method), which is executed as a
normal call. Updates are delivered one at a time so their order is kept.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import aiohttp

from sandbox.telegram.call import Call, UploadedFile, call_from_mapping
from sandbox.telegram.records import SandboxStats
from sandbox.telegram.updates import UpdateQueue

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
ReplyHandler = Callable[[Call], Awaitable[None]]


@dataclass(slots=True)
class WebhookConfig:
    """What setWebhook stored (reported back by getWebhookInfo)."""

    url: str
    secret_token: str | None = None
    max_connections: int = 40
    ip_address: str | None = None
    has_custom_certificate: bool = False


class WebhookSender:
    """The background task that pushes queued updates to the webhook URL."""

    def __init__(
        self,
        queue: UpdateQueue,
        config: WebhookConfig,
        on_reply: ReplyHandler,
        stats: SandboxStats,
        *,
        retry_delay: float = 0.05,
        max_retry_delay: float = 1.0,
    ) -> None:
        self.config = config
        self.last_error_date: int | None = None
        self.last_error_message: str | None = None
        self._queue = queue
        self._on_reply = on_reply
        self._stats = stats
        self._retry_delay = retry_delay
        self._max_retry_delay = max_retry_delay
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="sandbox-webhook")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self) -> None:
        headers = {"Content-Type": "application/json"}
        if self.config.secret_token:
            headers[SECRET_HEADER] = self.config.secret_token
        timeout = aiohttp.ClientTimeout(total=60)
        delay = self._retry_delay
        async with aiohttp.ClientSession(timeout=timeout) as session:
            while True:
                queued = await self._queue.front()
                if queued is None:
                    return
                error = await self._deliver(session, queued.encoded.encode(), headers)
                if error is None:
                    self._queue.acknowledge(queued)
                    delay = self._retry_delay
                    continue
                self.last_error_date = int(time.time())
                self.last_error_message = error
                self._stats.webhook_failures += 1
                await asyncio.sleep(delay)
                delay = min(delay * 2, self._max_retry_delay)

    async def _deliver(
        self, session: aiohttp.ClientSession, body: bytes, headers: dict[str, str]
    ) -> str | None:
        """POST one update; ``None`` on success, else Telegram-style error text."""
        try:
            async with session.post(self.config.url, data=body, headers=headers) as response:
                if not 200 <= response.status < 300:
                    return f"Wrong response from the webhook: {response.status} {response.reason}"
                reply = await _read_reply(response)
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            return f"Connection failed: {type(exc).__name__}: {exc}"
        if reply is not None:
            await self._on_reply(reply)
        return None


async def _read_reply(response: aiohttp.ClientResponse) -> Call | None:
    """A method call in the webhook response body (JSON or multipart), if any."""
    content_type = response.content_type
    if content_type.startswith("multipart/"):
        return await _read_multipart_reply(response)
    body = await response.read()
    if not body or content_type != "application/json":
        return None
    try:
        data = json.loads(body)
    except ValueError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("method"), str):
        return None
    method = data.pop("method")
    return call_from_mapping(method, data)


async def _read_multipart_reply(response: aiohttp.ClientResponse) -> Call | None:
    reader = aiohttp.MultipartReader(response.headers, response.content)
    call = Call(method="")
    while True:
        part = await reader.next()
        if part is None:
            break
        if not isinstance(part, aiohttp.BodyPartReader) or not part.name:
            continue
        data = await part.read(decode=False)
        if part.filename is not None:
            call.files[part.name] = UploadedFile(
                field=part.name,
                filename=part.filename,
                content=bytes(data),
                content_type=part.headers.get("Content-Type", "application/octet-stream"),
            )
        elif part.name == "method":
            call.method = bytes(data).decode()
        else:
            call.fields[part.name] = bytes(data).decode()
    return call if call.method else None
