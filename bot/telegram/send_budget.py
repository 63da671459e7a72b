"""Every message the bot sends or edits waits for the bot's outgoing budget (scheduler.budget).

Registered on the bot's session, this request middleware makes direct replies count against the
same per-bot budget as broadcasts from the delivery processes. Each method that puts or changes a
message in a chat first awaits `budget.acquire(bot_id, chat_id, lane)`:
- the outbox's session has the bulk lane;
- a reply session takes the lane from the turn: the first message of a turn goes in the first
  lane, the rest in the reply lane (`start_turn` marks where a turn begins).
When Telegram still answers 429, the budget hears of it (`note_429`: one chat, or the whole bot)
and the error goes on up, to `RetryAfter` or the caller.

Register it inside `RetryAfter` (after it: `session.middleware(RetryAfter())` first), so that
each retry acquires a fresh slot and honours the pause too.
"""

from __future__ import annotations

import re
import zlib
from contextvars import ContextVar

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import TelegramMethod
from aiogram.methods.base import Response, TelegramType

from scheduler.budget import Lane, SendBudget

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
# Edits change a message in the chat; Telegram counts them against the chat's limit too.
EDITING_METHODS = frozenset(
    {"editMessageText", "editMessageCaption", "editMessageMedia", "editMessageReplyMarkup"}
)
METERED_METHODS = SENDING_METHODS | EDITING_METHODS

# Messages the current turn has sent so far (a one-item list, so the count is shared by the
# turn's task and everything it awaits); None outside a turn.
_turn_sends: ContextVar[list[int] | None] = ContextVar("turn_sends", default=None)


def start_turn() -> None:
    """The messages sent from here on answer one update: the first of them is a first reply."""
    _turn_sends.set([0])


def turn_lane() -> Lane:
    sends = _turn_sends.get()
    if sends is None:
        return Lane.FIRST
    sends[0] += 1
    return Lane.FIRST if sends[0] == 1 else Lane.REPLY


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
    """Acquire before each metered request; tell the budget about a 429.

    `bot_id` None means the id in the bot's token (`bot.id`). `lane` None (reply sessions) takes
    the lane from the turn; the outbox's session passes `Lane.BULK`.
    """

    def __init__(self, budget: SendBudget, bot_id: int | None = None, lane: Lane | None = None) -> None:
        self.budget = budget
        self.bot_id = bot_id
        self.lane = lane

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        chat_id = getattr(method, "chat_id", None)
        if method.__api_method__ not in METERED_METHODS or chat_id is None:
            return await make_request(bot, method)
        bot_id = self.bot_id if self.bot_id is not None else bot.id
        key = budget_chat_id(chat_id)
        lane = self.lane if self.lane is not None else turn_lane()
        await self.budget.acquire(bot_id, key, lane)
        try:
            return await make_request(bot, method)
        except TelegramRetryAfter as error:
            await self.budget.note_429(bot_id, key, error.retry_after, lane)
            raise
