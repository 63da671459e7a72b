"""Telegram's webhook mode (aiogram): Telegram pushes updates to WEBHOOK_LISTEN; requests without
the secret are refused.

With one bot the handler serves the path of WEBHOOK_URL; with several, each bot gets
`<path>/<bot id>` and is registered at WEBHOOK_URL/<bot id>.

Every request gets a clear answer and none raises: a wrong or missing secret (in any encoding) is
401, a body that is not JSON, not an object or not an update is 400. At most
UPDATE_CONCURRENCY updates are handled at once; past that the request waits before it is
acknowledged, so a crowd slows Telegram's pushes instead of piling up tasks and chat locks.
"""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

from aiogram import Bot, Dispatcher
from aiogram.types import Update
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web
from pydantic import ValidationError

from bot.telegram.channel import ALLOWED_UPDATES, AiogramChannel, log
from bot.telegram.commands import register_commands
from bot.telegram_webhook import webhook_target
from bot.webhook_request import accepted_body, secret_matches

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class BoundedRequestHandler(SimpleRequestHandler):
    """aiogram's handler, with the secret compared as bytes, bad bodies refused and a bound on
    how many updates are handled at once."""

    def __init__(self, dispatcher: Dispatcher, bot: Bot, secret_token: str, slots: asyncio.Semaphore) -> None:
        super().__init__(dispatcher, bot, handle_in_background=True, secret_token=secret_token)
        self._secret = secret_token.encode()
        self._slots = slots
        self._tasks: set[asyncio.Task[None]] = set()

    def verify_secret(self, telegram_secret_token: str, bot: Bot) -> bool:
        return secret_matches(telegram_secret_token, self._secret)

    async def handle(self, request: web.Request) -> web.Response:
        bot = await self.resolve_bot(request)
        body = await accepted_body(request, SECRET_HEADER, self._secret)
        if isinstance(body, web.Response):
            return body
        try:
            update = Update.model_validate(body, context={"bot": bot})
        except ValidationError:
            return web.Response(text="the body is not a Telegram update", status=400)
        await self._slots.acquire()
        task = asyncio.create_task(self._feed(bot, update))
        self._tasks.add(task)
        task.add_done_callback(self._done)
        return web.json_response({})

    def _done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        self._slots.release()

    async def _feed(self, bot: Bot, update: Update) -> None:
        try:
            await self.dispatcher.feed_update(bot, update, **self.data)
        except Exception:
            log.exception("update not handled", extra={"update": update.update_id})

    async def close(self) -> None:
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)


class TelegramWebhook:
    """The aiogram channel's webhook: its routes on the shared web server, and setWebhook."""

    def __init__(self, channel: AiogramChannel) -> None:
        self.channel = channel
        self.base_url, self.secret = webhook_target(channel.settings)
        self.several = len(channel.handles) > 1
        self.handlers: list[BoundedRequestHandler] = []

    def add_routes(self, web_app: web.Application) -> None:
        base_path = urlsplit(self.base_url).path or ""
        slots = asyncio.Semaphore(self.channel.settings.update_concurrency)
        for handle in self.channel.handles:
            path = f"{base_path}/{handle.bot.id}" if self.several else base_path or "/"
            handler = BoundedRequestHandler(self.channel.dispatcher, handle.bot, self.secret, slots)
            handler.register(web_app, path=path)
            self.handlers.append(handler)
        setup_application(web_app, self.channel.dispatcher, bot=self.channel.bot)

    async def announce(self) -> None:
        for handle in self.channel.handles:
            await register_commands(handle.bot, self.channel.core.library)
            if handle.turns.cafes is not None:  # for the links in café posts
                handle.turns.cafes.username = (await handle.bot.me()).username or ""
            url = f"{self.base_url}/{handle.bot.id}" if self.several else self.base_url
            await handle.bot.set_webhook(url, secret_token=self.secret, allowed_updates=ALLOWED_UPDATES)
        log.info("Telegram webhook set", extra={"bots": len(self.channel.handles)})

    async def close(self) -> None:
        for handler in self.handlers:
            await handler.close()
