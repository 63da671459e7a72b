"""Telegram's webhook mode on python-telegram-bot: the routes on the shared aiohttp server (PTB's
own webhook server is a separate tornado app, which `hocvuso run` cannot share with Zalo's), and
setWebhook. Paths and answers are those of the aiogram webhook (bot/telegram/webhook.py):

With one bot the handler serves the path of WEBHOOK_URL; with several, each bot gets
`<path>/<bot id>` and is registered at WEBHOOK_URL/<bot id>. A wrong or missing secret (in any
encoding) is 401; a body that is not JSON, not an object or not an update is 400. At most
UPDATE_CONCURRENCY updates are handled at once; past that a request waits before it is
acknowledged, so a crowd slows Telegram's pushes instead of piling up tasks and chat locks.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from aiohttp import web
from telegram import Bot, Update

from bot.ptb.commands import register_commands
from bot.telegram_webhook import webhook_target
from bot.webhook_request import accepted_body

if TYPE_CHECKING:
    from bot.ptb.channel import PtbBot, PtbChannel

log = logging.getLogger("hocvuso")
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
Receiver = Callable[[web.Request], Awaitable[web.Response]]


def parse_update(body: dict[str, Any], bot: Bot) -> Update | None:
    """An Update, or None when the object is not one. PTB does not check types as it reads, so
    the id is checked here; anything PTB cannot read is not an update either."""
    update_id = body.get("update_id")
    if not isinstance(update_id, int) or isinstance(update_id, bool):
        return None
    try:
        return Update.de_json(body, bot)
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


class PtbWebhook:
    def __init__(self, channel: PtbChannel) -> None:
        self.channel = channel
        self.base_url, self.secret = webhook_target(channel.settings)
        self.several = len(channel.bots) > 1
        # shared by the bots, as aiogram's
        self._slots = asyncio.Semaphore(channel.settings.update_concurrency)
        self._tasks: set[asyncio.Task[None]] = set()

    def url(self, bot: PtbBot) -> str:
        return f"{self.base_url}/{bot.key}" if self.several else self.base_url

    def add_routes(self, web_app: web.Application) -> None:
        base_path = urlsplit(self.base_url).path or ""
        for bot in self.channel.bots:
            path = f"{base_path}/{bot.key}" if self.several else base_path or "/"
            web_app.router.add_post(path, self._receiver(bot))

    def _receiver(self, bot: PtbBot) -> Receiver:
        secret = self.secret.encode()

        async def receive(request: web.Request) -> web.Response:
            body = await accepted_body(request, SECRET_HEADER, secret)
            if isinstance(body, web.Response):
                return body
            update = parse_update(body, bot.app.bot)
            if update is None:
                return web.Response(text="the body is not a Telegram update", status=400)
            await self.channel.ready()  # an early push may come before announce() has finished
            await self._slots.acquire()
            task = asyncio.create_task(self._feed(bot, update))
            self._tasks.add(task)
            task.add_done_callback(self._done)
            return web.json_response({})

        return receive

    def _done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        self._slots.release()

    async def _feed(self, bot: PtbBot, update: Update) -> None:
        try:
            await bot.app.process_update(update)  # handler errors go to the app's error handler
        except Exception:
            log.exception("update not handled", extra={"update": update.update_id})

    async def announce(self) -> None:
        await self.channel.ready()
        for bot in self.channel.bots:
            await register_commands(bot.app.bot, self.channel.core.library)
            await bot.app.bot.set_webhook(
                self.url(bot), secret_token=self.secret, allowed_updates=self.channel.allowed_updates
            )
        log.info("Telegram webhook set", extra={"bots": len(self.channel.bots)})

    async def close(self) -> None:
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
