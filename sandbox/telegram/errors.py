"""Telegram-shaped failures.

Every check in the sandbox raises :class:`ApiError`; the server turns it into
exactly the JSON body Telegram would send, so aiogram raises the same
exception class (``TelegramBadRequest``, ``TelegramForbiddenError``,
``TelegramRetryAfter``...) it would raise in production.
"""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """A call failed the way Telegram would fail it."""

    def __init__(
        self,
        status: int,
        description: str,
        *,
        retry_after: int | None = None,
        migrate_to_chat_id: int | None = None,
    ) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after
        self.migrate_to_chat_id = migrate_to_chat_id

    def payload(self) -> dict[str, Any]:
        """The response body Telegram sends for this error."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        parameters: dict[str, int] = {}
        if self.retry_after is not None:
            parameters["retry_after"] = self.retry_after
        if self.migrate_to_chat_id is not None:
            parameters["migrate_to_chat_id"] = self.migrate_to_chat_id
        if parameters:
            body["parameters"] = parameters
        return body


def bad_request(reason: str) -> ApiError:
    """400: the call itself is wrong (the bot has a bug)."""
    return ApiError(400, f"Bad Request: {reason}")


def forbidden(reason: str) -> ApiError:
    """403: the call is fine but the bot may not talk to that chat."""
    return ApiError(403, f"Forbidden: {reason}")


def migrated(new_chat_id: int) -> ApiError:
    """400 for a basic group that became a supergroup: the answer names the new chat id."""
    return ApiError(
        400,
        "Bad Request: group chat was upgraded to a supergroup chat",
        migrate_to_chat_id=new_chat_id,
    )


def not_found() -> ApiError:
    """404: Telegram's answer to a method name it does not know."""
    return ApiError(404, "Not Found")


def unauthorized() -> ApiError:
    """401: the token in the URL is not this bot's token."""
    return ApiError(401, "Unauthorized")


def conflict(reason: str) -> ApiError:
    """409: two consumers of updates at once (webhook vs polling, two pollers)."""
    return ApiError(409, f"Conflict: {reason}")


def too_many_requests(retry_after: int) -> ApiError:
    """429: a flood limit was hit; ``retry_after`` is whole seconds, at least 1."""
    return ApiError(
        429,
        f"Too Many Requests: retry after {retry_after}",
        retry_after=retry_after,
    )


def bad_gateway() -> ApiError:
    """502: Telegram's front end could not reach its back end; nothing was done."""
    return ApiError(502, "Bad Gateway")
