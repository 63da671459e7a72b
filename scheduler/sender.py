"""The delivery worker's way out: one sender per bot, whatever its channel (the port; each
channel's adapter in `bot/` implements it). A sender shows one reply and answers in these terms,
so the worker decides a row's fate without knowing any platform's errors.
"""

from __future__ import annotations

from typing import Any, Protocol

from flows.replies import Reply
from store.address import BotRef


class SendError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason[:300]


class Unreachable(SendError):
    """The learner blocked the bot or is gone: never retried."""


class SlowDown(SendError):
    """The platform asked to wait (429): back to the queue, not counted as a failed try."""

    def __init__(self, reason: str, retry_after: float) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class Refused(SendError):
    """The platform will never take this message as it is (a bad request, a group that moved)."""


class Moved(SendError):
    """The group became a supergroup under a new id: the row goes there, not counted as a try."""

    def __init__(self, reason: str, new_chat_id: str) -> None:
        super().__init__(reason)
        self.new_chat_id = new_chat_id


class Transient(SendError):
    """Timeouts, 5xx, the network: may pass on a later try."""


class Sender(Protocol):
    """`parts` cuts a row's replies into what the channel sends one call at a time (a long
    lesson is two Zalo messages); it must give the same parts every time, since a retried row
    resumes from its first unsent part and nothing already delivered is sent again."""

    bot: BotRef

    def parts(self, replies: list[Reply]) -> list[Any]: ...

    async def send(self, chat_id: str, part: Any, thread_id: int | None = None) -> None:
        """Send one part to the chat (in a forum group's topic), or raise one of the errors above."""
        ...
