"""Zalo's Bot API: the bots of ZALO_BOT_TOKEN(S), their turns and outbox senders, long polling
(one update per answer, no offsets) or a webhook with ZALO_WEBHOOK_URL and ZALO_WEBHOOK_SECRET.

Zalo has no start button and no command menu: a new person's first message, whatever it is,
starts onboarding, and every choice is answered by typing its number.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

from bot.bootstrap import Core
from bot.settings import SettingsError
from bot.webhook_request import accepted_body
from bot.zalo.client import ZaloClient, ZaloError
from bot.zalo.outgoing import ZaloOutgoing
from bot.zalo.routes import ZaloRoutes
from bot.zalo.sender import ZaloSender
from scheduler.budget import SendBudget
from scheduler.sender import Sender
from service.turns import Turns
from store.address import ZALO, BotRef

log = logging.getLogger("hocvuso.zalo")
SECRET_HEADER = "X-Bot-Api-Secret-Token"
POLL_TIMEOUT = 30
MAX_BACKOFF = 30.0


class _ZaloBot:
    def __init__(self, core: Core, token: str, budget: SendBudget) -> None:
        settings = core.settings
        self.client = ZaloClient(token, settings.zalo_api_url)
        self.ref = BotRef(ZALO, self.client.bot_id)
        self.turns = Turns(
            core.database, core.library, settings.zone, core.locks, self.ref, first_message_starts=True
        )
        self.out = ZaloOutgoing(self.ref, self.client, budget)
        self.routes = ZaloRoutes(self.turns, self.out, core.recent, settings.media_base_url)


class ZaloChannel:
    name = ZALO

    def __init__(self, core: Core, budget: SendBudget) -> None:
        self.core = core
        self.settings = core.settings
        self.budget = budget
        self.bots = [_ZaloBot(core, token, budget) for token in self.settings.zalo_tokens]
        self._slots = asyncio.Semaphore(self.settings.update_concurrency)
        self._tasks: set[asyncio.Task[None]] = set()
        webhook = self.settings.zalo_webhook_url
        if webhook and not self.settings.zalo_webhook_secret:
            raise SettingsError("setting ZALO_WEBHOOK_SECRET: missing (needed with ZALO_WEBHOOK_URL)")

    @property
    def turns(self) -> list[Turns]:
        return [bot.turns for bot in self.bots]

    def senders(self) -> list[Sender]:
        return [ZaloSender(bot.ref, bot.out, self.settings.media_base_url) for bot in self.bots]

    @property
    def outbox_rate(self) -> float:
        return self.budget.limits.ceiling

    def uses_webhook(self, webhook_flag: bool) -> bool:
        return self.settings.zalo_webhook_url is not None

    async def _dispatch(self, bot: _ZaloBot, update: Any) -> None:
        """Handle an update in the background, at most UPDATE_CONCURRENCY at once; the slot is
        taken before the task starts, so a crowd slows the intake instead of piling up tasks."""
        await self._slots.acquire()
        task = asyncio.create_task(self._handle(bot, update))
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        self._slots.release()

    async def _handle(self, bot: _ZaloBot, update: Any) -> None:
        try:
            await bot.routes.handle(update)
        except Exception:
            log.exception("Zalo update not handled", extra={"bot": str(bot.ref)})

    async def poll(self) -> None:
        await asyncio.gather(*(self._poll_one(bot) for bot in self.bots))

    async def _poll_one(self, bot: _ZaloBot) -> None:
        """getUpdates answers one update at a time, or 408 when nothing came: poll again at
        once. Errors back off, up to half a minute, and polling goes on."""
        with contextlib.suppress(ZaloError, OSError, TimeoutError):
            await bot.client.delete_webhook()  # getUpdates does not work while a webhook is set
        log.info("polling Zalo for updates", extra={"bot": str(bot.ref)})
        backoff = 0.5
        while True:
            try:
                update = await bot.client.get_updates(timeout=POLL_TIMEOUT)
            except (ZaloError, OSError, TimeoutError) as error:
                log.warning("Zalo polling failed", extra={"bot": str(bot.ref), "error": str(error)[:200]})
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF)
                continue
            backoff = 0.5
            if update is not None:
                await self._dispatch(bot, update)

    def webhook_listen(self) -> str:
        return self.settings.zalo_listen

    def _url(self, bot: _ZaloBot) -> str:
        base = (self.settings.zalo_webhook_url or "").rstrip("/")
        return f"{base}/{bot.ref.bot_id}" if len(self.bots) > 1 else base

    def add_webhook_routes(self, web_app: web.Application) -> None:
        secret = (self.settings.zalo_webhook_secret or "").encode()
        for bot in self.bots:
            path = urlsplit(self._url(bot)).path or "/"
            web_app.router.add_post(path, self._receiver(bot, secret))

    def _receiver(self, bot: _ZaloBot, secret: bytes) -> Any:
        async def receive(request: web.Request) -> web.Response:
            update = await accepted_body(request, SECRET_HEADER, secret)
            if isinstance(update, web.Response):
                return update
            await self._dispatch(bot, update)
            return web.json_response({"ok": True})

        return receive

    async def announce_webhook(self) -> None:
        for bot in self.bots:
            await bot.client.set_webhook(self._url(bot), self.settings.zalo_webhook_secret or "")
        log.info("Zalo webhook set", extra={"bots": len(self.bots)})

    async def close(self) -> None:
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        for bot in self.bots:
            await bot.client.close()
