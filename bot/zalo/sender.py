"""The outbox's way out through Zalo: one reply, answered in the delivery worker's terms."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.zalo.client import (
    ZaloAPIError,
    ZaloBadRequest,
    ZaloForbidden,
    ZaloNetworkError,
    ZaloRetryAfter,
    ZaloServerError,
)
from bot.zalo.outgoing import ZaloOutgoing
from bot.zalo.show import ZaloCall, calls
from flows.replies import Reply
from scheduler.budget import Lane
from scheduler.sender import Refused, SlowDown, Transient, Unreachable
from store.address import BotRef


@dataclass
class ZaloSender:
    bot: BotRef
    out: ZaloOutgoing
    media_base_url: str | None = None

    def parts(self, replies: list[Reply]) -> list[Any]:
        """A long lesson is several Zalo messages, each a part of its own, so a retried row
        resumes after the last one delivered."""
        return [call for reply in replies for call in calls(reply, self.media_base_url)]

    async def send(self, chat_id: str, part: ZaloCall, thread_id: int | None = None) -> None:
        try:
            await self.out.send(chat_id, part, Lane.BULK)
        except ZaloForbidden as error:
            raise Unreachable(error.description) from error
        except ZaloRetryAfter as error:
            raise SlowDown(error.description, error.retry_after) from error
        except ZaloBadRequest as error:
            raise Refused(f"{error.error_code}: {error.description}") from error
        except (ZaloServerError, ZaloNetworkError, ZaloAPIError) as error:
            raise Transient(f"{type(error).__name__}: {error}") from error
