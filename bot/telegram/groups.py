"""Groups through aiogram: the four calls the shared group router needs (bot/telegram_groups.py),
and the handlers that hand it a group's updates as the Bot API's JSON."""

from __future__ import annotations

from contextlib import suppress
from pathlib import Path

from aiogram import Bot, F, Router
from aiogram.enums import ChatType, ParseMode
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest
from aiogram.types import Update

from bot.telegram.show import markup, send_text, show
from bot.telegram_groups import GroupRouter
from bot.telegram_text import telegram_text
from flows.replies import Message, Reply
from service.turns import Turns

GROUP_TYPES = {ChatType.GROUP, ChatType.SUPERGROUP}


class AiogramGroupOps:
    def __init__(self, bot: Bot, media_root: Path) -> None:
        self.bot = bot
        self.media_root = media_root

    async def member_status(self, chat_id: int, user_id: int) -> str:
        member = await self.bot.get_chat_member(chat_id, user_id)
        return str(member.status.value if hasattr(member.status, "value") else member.status)

    async def send(self, chat_id: int, reply: Reply, thread_id: int | None) -> int | None:
        if isinstance(reply, Message):
            return await send_text(self.bot, chat_id, reply, thread_id=thread_id)
        await show(self.bot, chat_id, reply, self.media_root, None, thread_id=thread_id)
        return None

    async def edit(self, chat_id: int, message_id: int, message: Message) -> None:
        with suppress(TelegramBadRequest):  # unchanged, or too old to edit: the old one stands
            await self.bot.edit_message_text(
                text=telegram_text(message),
                chat_id=chat_id,
                message_id=message_id,
                parse_mode=ParseMode.HTML,
                reply_markup=markup(message),  # type: ignore[arg-type]
            )

    async def answer_press(self, callback_id: str, notice: str | None) -> None:
        await self.bot.answer_callback_query(callback_id, notice)


def _router_of(turns: Turns, bot: Bot) -> GroupRouter | None:
    desk = turns.cafes
    if desk is None:
        return None
    return GroupRouter(desk, AiogramGroupOps(bot, turns.library.media_root), (TelegramAPIError,))


async def on_group_update(_event: object, event_update: Update, bot: Bot, turns: Turns) -> None:
    router = _router_of(turns, bot)
    if router is not None:
        await router.handle(event_update.model_dump(mode="json", exclude_none=True, by_alias=True))


def group_router() -> Router:
    router = Router(name="groups")
    in_group = F.chat.type.in_(GROUP_TYPES)
    router.message.register(on_group_update, in_group)
    router.callback_query.register(on_group_update, F.message.chat.type.in_(GROUP_TYPES))
    router.my_chat_member.register(on_group_update, in_group)
    router.poll_answer.register(on_group_update)
    return router
