"""Telegram through python-telegram-bot (TELEGRAM_LIBRARY=ptb): the bots of BOT_TOKEN(S), their
turns, their outbox senders, long polling or a webhook; the same behaviour as AiogramChannel.

Each bot has two PTB bots on the same token, as aiogram's has two sessions:
- an `Application` for updates and replies: its handlers (bot.ptb.routes), its Updater for long
  polling, and a rate limiter that takes each reply's lane from the turn and retries 429s;
- a bare `ExtBot` for the outbox, whose rate limiter uses the bulk lane and leaves a 429 to the
  delivery worker. It is never initialised (that would only add a getMe); `close` closes its
  HTTP client.

Long polling runs PTB's Updater and Application by hand (`run_polling` owns the event loop and
signals, which `hocvuso run` keeps), and stops them when `poll` is cancelled. One update
processor is shared by all bots, so at most UPDATE_CONCURRENCY updates are handled at once in
this process, as with aiogram's dispatcher.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from aiohttp import web
from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ApplicationBuilder, ExtBot, SimpleUpdateProcessor
from telegram.request import HTTPXRequest

from bot.admin_desks import admin_desk, alert_composer
from bot.bootstrap import Core
from bot.ptb.budget import REPLY_ATTEMPTS, BudgetLimiter
from bot.ptb.commands import register_commands
from bot.ptb.routes import PtbApp, PtbRoutes
from bot.ptb.sender import PtbSender
from bot.ptb.webhook import PtbWebhook
from bot.settings import Settings, SettingsError
from scheduler.budget import Lane, SendBudget
from scheduler.sender import Sender
from service.cafe_polls import PollBook
from service.cafes import CafeDesk
from service.turns import Turns
from store.address import TELEGRAM, BotRef

log = logging.getLogger("hocvuso")
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.MY_CHAT_MEMBER, Update.POLL_ANSWER]
POLL_TIMEOUT = timedelta(seconds=10)  # getUpdates' long poll, as aiogram's default
REQUEST_TIMEOUT = 60.0  # read and write, as aiogram's session (PTB's own default is 5 s)
CONNECT_TIMEOUT = 10.0


def bot_id_of(token: str) -> str:
    """A Telegram token is `<bot id>:<secret>`."""
    return token.split(":", 1)[0]


def _request(pool: int) -> HTTPXRequest:
    return HTTPXRequest(
        connection_pool_size=pool,
        read_timeout=REQUEST_TIMEOUT,
        write_timeout=REQUEST_TIMEOUT,
        media_write_timeout=REQUEST_TIMEOUT,
        connect_timeout=CONNECT_TIMEOUT,
    )


class PtbBot:
    """One token: its Application (updates, replies), its outbox bot and its turns."""

    def __init__(self, core: Core, token: str, budget: SendBudget, updates: SimpleUpdateProcessor) -> None:
        settings = core.settings
        bot_id = bot_id_of(token)
        self.key = int(bot_id)
        self.turns = Turns(core.database, core.library, settings.zone, core.locks, BotRef(TELEGRAM, bot_id))
        self.turns.cafes = CafeDesk(core.database, core.library, settings.zone, self.turns.bot, "")
        self.turns.admin = admin_desk(core, self.turns)
        self.turns.composer = alert_composer(core, self.turns, budget, self.key)
        self.turns.admin.composer = self.turns.composer
        api = settings.telegram_api_url.rstrip("/")
        base_url, base_file_url = f"{api}/bot", f"{api}/file/bot"
        # Built here rather than by PTB, so that close() can shut them even if PTB never started.
        self._requests = (_request(256), _request(1), _request(64))  # replies, getUpdates, outbox
        replies, polling, outbox = self._requests
        self.app: PtbApp = (
            ApplicationBuilder()
            .token(token)
            .base_url(base_url)
            .base_file_url(base_file_url)
            .request(replies)
            .get_updates_request(polling)
            .rate_limiter(BudgetLimiter(budget, self.key, lane=None, attempts=REPLY_ATTEMPTS))
            .concurrent_updates(updates)
            .job_queue(None)  # the scheduler role sends lessons; PTB's JobQueue is not used
            .build()
        )
        PtbRoutes(self.turns, core.recent, self.key).register(self.app)
        self.outbox: ExtBot[None] = ExtBot(
            token,
            base_url=base_url,
            base_file_url=base_file_url,
            request=outbox,
            get_updates_request=outbox,  # the outbox never polls; no second client
            rate_limiter=BudgetLimiter(budget, self.key, lane=Lane.BULK),
        )

    async def stop_polling(self) -> None:
        updater = self.app.updater
        if updater is not None and updater.running:
            await updater.stop()  # ends the long poll, then confirms the updates it fetched
        if self.app.running:
            await self.app.stop()  # lets the updates being handled finish

    async def close(self) -> None:
        await self.stop_polling()
        await self.app.shutdown()
        await self.outbox.shutdown()
        for request in self._requests:
            await request.shutdown()  # a no-op for those PTB already shut


class PtbChannel:
    name = TELEGRAM
    allowed_updates = ALLOWED_UPDATES

    def __init__(self, core: Core, budget: SendBudget) -> None:
        settings: Settings = core.settings
        if not settings.tokens:
            raise SettingsError("setting BOT_TOKEN: missing")
        self.core = core
        self.settings = settings
        self.budget = budget
        updates = SimpleUpdateProcessor(settings.update_concurrency)
        self.bots = [PtbBot(core, token, budget, updates) for token in settings.tokens]
        self._ready = asyncio.Lock()
        self._initialized = False
        self._webhook: PtbWebhook | None = None

    @property
    def turns(self) -> list[Turns]:
        return [bot.turns for bot in self.bots]

    def senders(self) -> list[Sender]:
        media = self.core.library.media_root
        paid = self.settings.paid_broadcast
        polls = PollBook(self.core.database, self.settings.zone)
        return [PtbSender(bot.turns.bot, bot.outbox, media, paid, polls) for bot in self.bots]

    @property
    def outbox_rate(self) -> float:
        return self.budget.limits.ceiling

    def uses_webhook(self, webhook_flag: bool) -> bool:
        return webhook_flag

    async def ready(self) -> None:
        """Initialise every Application once (getMe, HTTP clients): PTB handles no update before."""
        if self._initialized:
            return
        async with self._ready:
            for bot in self.bots:
                await bot.app.initialize()  # returns at once when already initialised
                if bot.turns.cafes is not None:  # for the links in café posts
                    bot.turns.cafes.username = bot.app.bot.username or ""
            self._initialized = True

    async def poll(self) -> None:
        await self.ready()
        for bot in self.bots:
            await register_commands(bot.app.bot, self.core.library)
        log.info("polling Telegram for updates", extra={"bots": [bot.key for bot in self.bots]})
        try:
            for bot in self.bots:
                updater = bot.app.updater
                assert updater is not None  # ApplicationBuilder makes one unless told not to
                await bot.app.start()
                # deleteWebhook first (getUpdates is refused while one is set), then the long poll.
                await updater.start_polling(
                    timeout=POLL_TIMEOUT, allowed_updates=ALLOWED_UPDATES, error_callback=_polling_failed
                )
            await asyncio.Event().wait()
        finally:
            for bot in self.bots:
                await bot.stop_polling()

    def webhook_listen(self) -> str:
        return self.settings.webhook_listen

    def add_webhook_routes(self, web_app: web.Application) -> None:
        self._webhook = PtbWebhook(self)
        self._webhook.add_routes(web_app)

    async def announce_webhook(self) -> None:
        if self._webhook is None:
            raise RuntimeError("add_webhook_routes must come before announce_webhook")
        await self._webhook.announce()

    async def close(self) -> None:
        if self._webhook is not None:
            await self._webhook.close()
        for bot in self.bots:
            await bot.close()


def _polling_failed(error: TelegramError) -> None:
    """PTB's Updater retries getUpdates itself (backing off up to 30 s); this only says why."""
    log.warning("Telegram polling failed", extra={"error": f"{type(error).__name__}: {error.message}"[:200]})


__all__ = ["ALLOWED_UPDATES", "PtbBot", "PtbChannel", "bot_id_of"]
