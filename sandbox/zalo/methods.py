"""The nine methods of the Zalo Bot API and what each one does to the sandbox.

Sending methods check, in order: the fields (400), that the chat exists and
has written to the bot (400), the optional rate limits (429), and whether the
user blocked the bot (the blocked error setting); only then is the message
delivered and recorded. A refused call changes nothing.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

from sandbox.zalo import params
from sandbox.zalo.chats import ChatState
from sandbox.zalo.errors import CHAT_NOT_FOUND, ApiError, too_many_requests
from sandbox.zalo.ids import IdMaker, now_ms
from sandbox.zalo.markup import looks_like_markup
from sandbox.zalo.records import ReceivedMessage
from sandbox.zalo.state import BotState

Handler = Callable[[BotState, dict[str, Any]], Awaitable[Any]]


class MethodTable:
    """Dispatches a checked call body to the method's behaviour."""

    def __init__(self, ids: IdMaker) -> None:
        self._ids = ids
        self.handlers: dict[str, Handler] = {
            "getMe": self.get_me,
            "getUpdates": self.get_updates,
            "setWebhook": self.set_webhook,
            "deleteWebhook": self.delete_webhook,
            "getWebhookInfo": self.get_webhook_info,
            "sendMessage": self.send_message,
            "sendPhoto": self.send_photo,
            "sendSticker": self.send_sticker,
            "sendChatAction": self.send_chat_action,
        }

    async def get_me(self, bot: BotState, body: dict[str, Any]) -> dict[str, Any]:
        return bot.profile()

    async def get_updates(self, bot: BotState, body: dict[str, Any]) -> dict[str, Any]:
        return await bot.delivery.get_updates(body)

    async def set_webhook(self, bot: BotState, body: dict[str, Any]) -> dict[str, Any]:
        return await bot.delivery.set_webhook(body)

    async def delete_webhook(self, bot: BotState, body: dict[str, Any]) -> dict[str, Any]:
        return await bot.delivery.delete_webhook(body)

    async def get_webhook_info(self, bot: BotState, body: dict[str, Any]) -> dict[str, Any]:
        return bot.delivery.info(body)

    async def send_message(self, bot: BotState, body: dict[str, Any]) -> dict[str, Any]:
        chat_id = params.chat_id(body)
        text = params.text(body)
        chat = self._writable_chat(bot, chat_id)
        return self._deliver(bot, chat, kind="text", text=text)

    async def send_photo(self, bot: BotState, body: dict[str, Any]) -> dict[str, Any]:
        chat_id = params.chat_id(body)
        photo_url = params.photo_url(body)
        caption = params.caption(body)
        chat = self._writable_chat(bot, chat_id)
        return self._deliver(bot, chat, kind="photo", photo_url=photo_url, caption=caption)

    async def send_sticker(self, bot: BotState, body: dict[str, Any]) -> dict[str, Any]:
        chat_id = params.chat_id(body)
        sticker = params.sticker(body)
        chat = self._writable_chat(bot, chat_id)
        return self._deliver(bot, chat, kind="sticker", sticker=sticker)

    async def send_chat_action(self, bot: BotState, body: dict[str, Any]) -> bool:
        chat_id = params.chat_id(body)
        action = params.chat_action(body)
        chat = self._writable_chat(bot, chat_id)
        chat.act(action)
        bot.stats.chat_actions += 1
        return True

    def _writable_chat(self, bot: BotState, chat_id: str) -> ChatState:
        """The chat, after the existence, rate-limit and block checks (in that order)."""
        chat = bot.chats.get(chat_id)
        if chat is None or not chat.has_written:
            raise ApiError.of(CHAT_NOT_FOUND)
        retry_after = bot.gate.admit(chat_id)
        if retry_after is not None:
            raise too_many_requests(retry_after if bot.limits.include_retry_after else None)
        if chat.blocked:
            settings = bot.settings
            raise ApiError(settings.blocked_error_code, settings.blocked_description)
        return chat

    def _deliver(
        self,
        bot: BotState,
        chat: ChatState,
        *,
        kind: str,
        text: str | None = None,
        photo_url: str | None = None,
        caption: str | None = None,
        sticker: str | None = None,
    ) -> dict[str, Any]:
        shown = text if text is not None else caption
        markup = looks_like_markup(shown)
        message = ReceivedMessage(
            kind=kind,
            chat_id=chat.chat_id,
            message_id=self._ids.message_id(),
            date=now_ms(),
            sent_at=time.monotonic(),
            text=text,
            photo_url=photo_url,
            caption=caption,
            sticker=sticker,
            has_markup=markup,
        )
        if markup and shown is not None:
            bot.stats.markup_texts.append(shown)
        bot.stats.sent.append(message)
        chat.deliver(message)
        return {"message_id": message.message_id, "date": message.date}
