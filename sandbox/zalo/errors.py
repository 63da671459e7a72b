"""Zalo-shaped failures and the error codes the sandbox chose where the platform is silent.

Every check raises :class:`ApiError`; the server turns it into the documented
body ``{"ok": false, "error_code": N, "description": "..."}``. Only the 408 of
an idle ``getUpdates`` is documented; the other codes follow Telegram's (the
API is modelled on it) and are constants here so tests and the bot can name them.
"""

from __future__ import annotations

from typing import Any

# Documented: an idle long poll.
REQUEST_TIMEOUT = (408, "Request timeout")
# Not documented: what getUpdates answers while a webhook is set (Telegram's code).
WEBHOOK_ACTIVE = (
    409,
    "Conflict: getUpdates is not available while a webhook is set; call deleteWebhook first",
)
# Not documented: writing to a chat that never wrote to the bot.
CHAT_NOT_FOUND = (400, "Bad Request: chat not found")
# Not documented: the wording of a refused body, token and method.
NOT_A_JSON_OBJECT = (400, "Bad Request: the body must be a JSON object")
UNAUTHORIZED = (401, "Unauthorized")
NOT_FOUND = (404, "Not Found")
METHOD_NOT_ALLOWED = (405, "Method Not Allowed: use POST")
TOO_MANY_REQUESTS = "Too Many Requests"


class ApiError(Exception):
    """A call failed the way the platform would fail it."""

    def __init__(self, error_code: int, description: str, *, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.retry_after = retry_after

    @classmethod
    def of(cls, pair: tuple[int, str]) -> ApiError:
        return cls(*pair)

    def payload(self) -> dict[str, Any]:
        """The response body for this error."""
        body: dict[str, Any] = {"ok": False, "error_code": self.error_code, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(reason: str) -> ApiError:
    """400: the call itself is wrong, which means the bot has a bug."""
    return ApiError(400, f"Bad Request: {reason}")


def too_many_requests(retry_after: int | None) -> ApiError:
    """429; ``retry_after`` whole seconds, or ``None`` when the sandbox is told to omit it."""
    return ApiError(429, TOO_MANY_REQUESTS, retry_after=retry_after)
