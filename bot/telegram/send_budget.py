"""Every message the bot sends waits for the bot's outgoing budget (scheduler.budget).

Registered on the bot's session, this request middleware makes direct replies count against the
same per-bot budget as broadcasts from the delivery processes: each method that sends a message
first awaits `budget.acquire(bot_id, chat_id)`. When Telegram still answers 429, the budget is
paused for the whole bot (every process) and the error goes on up, to `RetryAfter` or the caller.

Register it inside `RetryAfter` (after it: `session.middleware(RetryAfter())` first), so that
each retry acquires a fresh slot and honours the pause too.
"""

from __future__ import annotations

import re
import zlib

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import TelegramMethod
from aiogram.methods.base import Response, TelegramType

from scheduler.budget import SendBudget

# Methods that put a message into a chat, by API name (names, not classes, so that an older
# aiogram without the newest methods still imports this). Drafts and chat actions are not
# messages; edits, callback answers and getUpdates are not limited here.
SENDING_METHODS = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendVoice",
        "sendDocument",
        "sendPoll",
        "sendMediaGroup",
        "copyMessage",
        "copyMessages",
        "forwardMessage",
        "forwardMessages",
        "sendAnimation",
        "sendVideo",
        "sendVideoNote",
        "sendAudio",
        "sendSticker",
        "sendLocation",
        "sendVenue",
        "sendContact",
        "sendDice",
        "sendGame",
        "sendInvoice",
        "sendPaidMedia",
        "sendChecklist",
        "sendLivePhoto",
        "sendRichMessage",
    }
)

_NUMERIC = re.compile(r"-?\d+")


def budget_chat_id(chat_id: int | str) -> int:
    """The budget's key for a method's chat_id, which may be a number or '@username'.

    A username names a public channel or supergroup, so it maps to a negative id (group limits)
    below -2**53: Bot API ids have at most 52 significant bits, so it never meets a real one.
    """
    if isinstance(chat_id, int):
        return chat_id
    text = chat_id.strip()
    if _NUMERIC.fullmatch(text):
        return int(text)
    return -(2**53 + zlib.crc32(text.lstrip("@").lower().encode()))


class SendBudgetMiddleware(BaseRequestMiddleware):
    """Acquire before each message-sending request; pause the bot's budget on 429.

    `bot_id` None means the id in the bot's token (`bot.id`). `per_chat=False` (direct replies)
    takes only the bot's global slot; the outbox's session keeps the per-chat and group pacing.
    """

    def __init__(self, budget: SendBudget, bot_id: int | None = None, per_chat: bool = True) -> None:
        self.budget = budget
        self.bot_id = bot_id
        self.per_chat = per_chat

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        bot_id = self.bot_id if self.bot_id is not None else bot.id
        if method.__api_method__ in SENDING_METHODS:
            chat_id = getattr(method, "chat_id", None)
            if chat_id is not None:
                await self.budget.acquire(bot_id, budget_chat_id(chat_id), self.per_chat)
        try:
            return await make_request(bot, method)
        except TelegramRetryAfter as error:
            # Telegram's wait holds for the whole bot, whichever method earned it.
            await self.budget.pause(bot_id, error.retry_after)
            raise
