"""The outbox's way out through python-telegram-bot: shows one reply and answers in the delivery
worker's terms (scheduler.sender), so the worker knows nothing of Telegram's errors."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from telegram import Bot
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter, TelegramError

from bot.ptb.budget import retry_seconds
from bot.ptb.show import show
from flows.replies import Poll, Reply
from scheduler.sender import Moved, Refused, SlowDown, Transient, Unreachable
from service.cafe_polls import PollBook
from store.address import BotRef


@dataclass
class PtbSender:
    bot: BotRef
    # Its rate limiter meters every send through the bot's budget (bulk lane, no retry). Left out
    # of repr: PTB's shows the token.
    client: Bot = field(repr=False)
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
        except Forbidden as error:
            raise Unreachable(error.message) from error
        except RetryAfter as error:
            raise SlowDown(error.message, retry_seconds(error)) from error
        except ChatMigrated as error:
            new_chat = str(error.new_chat_id)
            raise Moved(f"group moved to {new_chat}", new_chat) from error
        except BadRequest as error:  # before NetworkError, its base class in PTB
            raise Refused(error.message) from error
        except TelegramError as error:
            # TimedOut, NetworkError (5xx, the connection), InvalidToken, Conflict: may pass later.
            raise Transient(f"{type(error).__name__}: {error.message}") from error
        if poll_id is not None and isinstance(reply, Poll) and self.polls is not None:
            await self.polls.sent(self.bot, chat_id, reply, poll_id)
