"""How updates reach the bot: getUpdates or a webhook, never both.

Documented rules: getUpdates answers one update or, after ``timeout`` seconds
of nothing, 408; it does not work while a webhook is set; setWebhook needs a
URL and a secret of 8 to 256 characters; getWebhookInfo and deleteWebhook
report ``url`` and ``updated_at`` (ms). A poll that is waiting when a webhook
is set is answered with the same refusal as a new one.
"""

from __future__ import annotations

import math
import time
from typing import Any
from urllib.parse import urlsplit

from sandbox.zalo.errors import REQUEST_TIMEOUT, WEBHOOK_ACTIVE, ApiError, bad_request
from sandbox.zalo.ids import now_ms
from sandbox.zalo.records import SandboxStats
from sandbox.zalo.settings import SandboxSettings
from sandbox.zalo.updates import UpdateQueue
from sandbox.zalo.webhook import WebhookConfig, WebhookPusher

SECRET_MIN, SECRET_MAX = 8, 256
DEFAULT_POLL_TIMEOUT = 0.0  # not documented; a missing timeout is a short poll
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


class Delivery:
    """getUpdates, setWebhook, deleteWebhook and getWebhookInfo for one bot."""

    def __init__(self, stats: SandboxStats, settings: SandboxSettings) -> None:
        self.queue = UpdateQueue()
        self.settings = settings
        self._stats = stats
        self._pusher: WebhookPusher | None = None
        self._updated_at = 0
        self._closed = False

    @property
    def webhook(self) -> WebhookConfig | None:
        return self._pusher.config if self._pusher is not None else None

    async def get_updates(self, body: dict[str, Any]) -> dict[str, Any]:
        if self._pusher is not None:
            raise ApiError.of(WEBHOOK_ACTIVE)
        timeout = _poll_timeout(body.get("timeout", DEFAULT_POLL_TIMEOUT))
        item = await self.queue.poll(timeout, self._polling_allowed, time.monotonic)
        if item is not None:
            return item.update
        if self._pusher is not None:
            raise ApiError.of(WEBHOOK_ACTIVE)
        self._stats.poll_timeouts += 1
        raise ApiError.of(REQUEST_TIMEOUT)

    async def set_webhook(self, body: dict[str, Any]) -> dict[str, Any]:
        url = body.get("url")
        secret = body.get("secret_token")
        if not isinstance(url, str) or not url:
            raise bad_request("url is required")
        self._check_url(url)
        if not isinstance(secret, str):
            raise bad_request("secret_token is required")
        if not SECRET_MIN <= len(secret) <= SECRET_MAX:
            raise bad_request(f"secret_token must be {SECRET_MIN} to {SECRET_MAX} characters")
        await self._stop_pusher()
        self._updated_at = now_ms()
        config = WebhookConfig(url, secret, self._updated_at)
        self._pusher = WebhookPusher(self.queue, config, self._stats, self.settings)
        self._pusher.start()
        self.queue.notify()  # waiting polls now answer WEBHOOK_ACTIVE
        return self.info()

    async def delete_webhook(self, body: dict[str, Any]) -> dict[str, Any]:
        if self._pusher is not None:
            await self._stop_pusher()
            self._updated_at = now_ms()
        return self.info()

    def info(self, body: dict[str, Any] | None = None) -> dict[str, Any]:
        config = self.webhook
        return {"url": config.url if config else "", "updated_at": self._updated_at}

    async def close(self) -> None:
        """Stop pushing and release every waiting poll (they answer 408)."""
        self._closed = True
        await self._stop_pusher()
        self.queue.notify()

    def reopen(self) -> None:
        self._closed = False

    def _polling_allowed(self) -> bool:
        return self._pusher is None and not self._closed

    def _check_url(self, url: str) -> None:
        parts = urlsplit(url)
        if not parts.hostname:
            raise bad_request("url must be an absolute https URL")
        if parts.scheme == "https":
            return
        loopback = parts.hostname in LOOPBACK_HOSTS and self.settings.allow_http_loopback_webhook
        if parts.scheme != "http" or not loopback:
            raise bad_request("url must be an https URL")

    async def _stop_pusher(self) -> None:
        pusher, self._pusher = self._pusher, None
        if pusher is not None:
            await pusher.stop()


def _poll_timeout(value: Any) -> float:
    """A number or a numeric string of seconds, as the documented ``"30"``."""
    if isinstance(value, bool):
        raise bad_request("timeout must be a number of seconds")
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            raise bad_request("timeout must be a number of seconds") from None
    if not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
        raise bad_request("timeout must be a non-negative number of seconds")
    return float(value)
