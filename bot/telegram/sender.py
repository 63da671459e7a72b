"""The outbox's way out through aiogram: shows one reply and answers in the delivery worker's
terms (scheduler.sender), so the worker knows nothing of Telegram's errors."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNotFound,
    TelegramRetryAfter,
)

from bot.telegram.show import show
from flows.replies import Poll, Reply
from scheduler.sender import Moved, Refused, SlowDown, Transient, Unreachable
from service.cafe_polls import PollBook
from store.address import BotRef


@dataclass
class AiogramSender:
    bot: BotRef
    client: Bot  # its session meters every send through the bot's budget (outbox lane)
    media_root: Path
    paid_broadcast: bool = False
    polls: PollBook | None = None  # where a café poll's id is written down, to score its answers

    def parts(self, replies: list[Reply]) -> list[Any]:
        return list(replies)  # one Bot API call each

    async def send(self, chat_id: str, reply: Reply, thread_id: int | None = None) -> None:
        try:
            poll_id = await show(
                self.client, int(chat_id), reply, self.media_root, None, self.paid_broadcast, thread_id
            )
        except TelegramForbiddenError as error:
            raise Unreachable(error.message) from error
        except TelegramRetryAfter as error:
            raise SlowDown(error.message, float(error.retry_after)) from error
        except TelegramMigrateToChat as error:
            new_chat = str(error.migrate_to_chat_id)
            raise Moved(f"group moved to {new_chat}", new_chat) from error
        except (TelegramBadRequest, TelegramNotFound, TelegramEntityTooLarge) as error:
            raise Refused(error.message) from error
        except TelegramAPIError as error:
            # 5xx, unreadable answers, unauthorized, conflict: may pass on a later try.
            raise Transient(f"{type(error).__name__}: {error}") from error
        if poll_id is not None and isinstance(reply, Poll) and self.polls is not None:
            await self.polls.sent(self.bot, chat_id, reply, poll_id)
