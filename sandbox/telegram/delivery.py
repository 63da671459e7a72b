"""How updates reach the bot: getUpdates or a webhook, never both.

This holds the Telegram rules about the two modes: while a webhook is set,
getUpdates answers 409; setWebhook/deleteWebhook may drop pending updates;
getWebhookInfo reports the pending count and the last delivery error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sandbox.telegram.call import Call
from sandbox.telegram.errors import bad_request, conflict
from sandbox.telegram.records import SandboxStats
from sandbox.telegram.updates import UpdateQueue
from sandbox.telegram.webhook import ReplyHandler, WebhookConfig, WebhookSender

_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}\Z")
MAX_LIMIT = 100


@dataclass(frozen=True, slots=True)
class EncodedResult:
    """A result that is already JSON text (so updates are not encoded twice)."""

    json: str


class Delivery:
    """getUpdates, setWebhook, deleteWebhook and getWebhookInfo."""

    def __init__(
        self,
        queue: UpdateQueue,
        stats: SandboxStats,
        on_reply: ReplyHandler,
        *,
        retry_delay: float = 0.05,
        max_retry_delay: float = 1.0,
    ) -> None:
        self.queue = queue
        self.webhook: WebhookSender | None = None
        self._stats = stats
        self._on_reply = on_reply
        self._retry_delay = retry_delay
        self._max_retry_delay = max_retry_delay

    async def get_updates(self, call: Call) -> EncodedResult:
        if self.webhook is not None:
            raise conflict(
                "can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first"
            )
        limit = min(max(call.int_("limit") or MAX_LIMIT, 1), MAX_LIMIT)
        timeout = max(call.int_("timeout") or 0, 0)
        if call.has("allowed_updates"):
            self.queue.set_allowed(_string_list(call.json_("allowed_updates")))
        batch = await self.queue.poll(call.int_("offset"), limit, timeout)
        if self.webhook is not None:
            raise conflict("webhook was set while getUpdates was waiting")
        return EncodedResult("[" + ",".join(queued.encoded for queued in batch) + "]")

    async def set_webhook(self, call: Call) -> bool:
        url = call.str_("url") or ""
        if not url:
            return await self.delete_webhook(call)
        if not url.startswith(("https://", "http://")):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        secret = call.str_("secret_token")
        if secret is not None and not _SECRET.match(secret):
            raise bad_request("secret token contains unallowed characters")
        if call.bool_("drop_pending_updates"):
            self.queue.drop_pending()
        if call.has("allowed_updates"):
            self.queue.set_allowed(_string_list(call.json_("allowed_updates")))
        await self._stop_sender()
        config = WebhookConfig(
            url=url,
            secret_token=secret,
            max_connections=call.int_("max_connections") or 40,
            ip_address=call.str_("ip_address"),
            has_custom_certificate=call.has("certificate"),
        )
        self.webhook = WebhookSender(
            self.queue,
            config,
            self._on_reply,
            self._stats,
            retry_delay=self._retry_delay,
            max_retry_delay=self._max_retry_delay,
        )
        self.queue.interrupt_polls()
        self.webhook.start()
        return True

    async def delete_webhook(self, call: Call) -> bool:
        if call.bool_("drop_pending_updates"):
            self.queue.drop_pending()
        await self._stop_sender()
        return True

    def webhook_info(self, call: Call) -> dict[str, Any]:
        info: dict[str, Any] = {
            "url": "",
            "has_custom_certificate": False,
            "pending_update_count": self.queue.pending,
        }
        sender = self.webhook
        if sender is not None:
            config = sender.config
            info["url"] = config.url
            info["has_custom_certificate"] = config.has_custom_certificate
            info["max_connections"] = config.max_connections
            if config.ip_address:
                info["ip_address"] = config.ip_address
            if sender.last_error_date is not None:
                info["last_error_date"] = sender.last_error_date
                info["last_error_message"] = sender.last_error_message
        allowed = self.queue.allowed_updates
        if allowed is not None:
            info["allowed_updates"] = allowed
        return info

    async def close(self) -> None:
        await self._stop_sender()

    async def _stop_sender(self) -> None:
        sender, self.webhook = self.webhook, None
        if sender is not None:
            await sender.stop()


def _string_list(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise bad_request("allowed_updates must be an Array of String")
    return value
