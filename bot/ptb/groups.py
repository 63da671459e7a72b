"""Groups through python-telegram-bot: the four calls the shared group router needs
(bot/telegram_groups.py), as bot/telegram/groups.py makes them through aiogram."""

from __future__ import annotations

from contextlib import suppress
from pathlib import Path

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot.ptb.show import markup, send_text, show
from bot.telegram_text import telegram_text
from flows.replies import Message, Reply


class PtbGroupOps:
    def __init__(self, bot: Bot, media_root: Path) -> None:
        self.bot = bot
        self.media_root = media_root

    async def member_status(self, chat_id: int, user_id: int) -> str:
        member = await self.bot.get_chat_member(chat_id, user_id)
        return str(member.status)

    async def send(self, chat_id: int, reply: Reply, thread_id: int | None) -> int | None:
        if isinstance(reply, Message):
            return await send_text(self.bot, chat_id, reply, thread_id=thread_id)
        await show(self.bot, chat_id, reply, self.media_root, None, thread_id=thread_id)
        return None

    async def edit(self, chat_id: int, message_id: int, message: Message) -> None:
        with suppress(BadRequest):  # unchanged, or too old to edit: the old one stands
            await self.bot.edit_message_text(
                telegram_text(message),
                chat_id=chat_id,
                message_id=message_id,
                parse_mode=ParseMode.HTML,
                reply_markup=markup(message),  # type: ignore[arg-type]
            )

    async def answer_press(self, callback_id: str, notice: str | None) -> None:
        await self.bot.answer_callback_query(callback_id, notice)
