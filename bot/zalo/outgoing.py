"""Every message to a Zalo chat goes out here, through the bot's send budget: per-chat pacing as
on Telegram and a global pace of ZALO_SEND_RATE, since Zalo documents no limits. A 429 pauses
the chat (or the bot) in the budget before it is raised to the caller."""

from __future__ import annotations

import hashlib

from bot.zalo.client import ZaloClient, ZaloRetryAfter
from bot.zalo.show import ZaloCall, ZaloPhoto, ZaloText
from scheduler.budget import Lane, SendBudget
from store.address import BotRef


def budget_chat_key(chat_id: str) -> int:
    """A positive number per chat, for the budget (which counts negative keys as groups)."""
    return int.from_bytes(hashlib.blake2b(chat_id.encode(), digest_size=7).digest(), "big")


class ZaloOutgoing:
    def __init__(self, bot: BotRef, client: ZaloClient, budget: SendBudget) -> None:
        self.bot = bot
        self.client = client
        self.budget = budget
        self.key = str(bot)

    async def send(self, chat_id: str, call: ZaloCall, lane: Lane) -> None:
        chat = budget_chat_key(chat_id)
        await self.budget.acquire(self.key, chat, lane)
        try:
            match call:
                case ZaloText(text=text):
                    await self.client.send_message(chat_id, text)
                case ZaloPhoto(url=url, caption=caption):
                    await self.client.send_photo(chat_id, url, caption)
        except ZaloRetryAfter as error:
            await self.budget.note_429(self.key, chat, error.retry_after, lane)
            raise
