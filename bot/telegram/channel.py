"""Telegram through aiogram: the bots of BOT_TOKEN(S), their turns, their outbox senders, long
polling or a webhook. Each bot has two sessions: one for replies (the global budget, retrying
429s itself) and one for the outbox (per-chat pacing too; a 429 goes back to the worker)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiogram import BaseMiddleware, Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.types import TelegramObject
from aiohttp import web

from bot.admin_desks import admin_desk, alert_composer
from bot.bootstrap import Core
from bot.settings import Settings, SettingsError
from bot.telegram import response_models  # noqa: F401  (keeps response models cached)
from bot.telegram.commands import register_commands
from bot.telegram.groups import group_router
from bot.telegram.retry import RetryAfter
from bot.telegram.routes import learner_router
from bot.telegram.send_budget import SendBudgetMiddleware
from bot.telegram.sender import AiogramSender
from scheduler.budget import Lane, SendBudget
from scheduler.sender import Sender
from service.cafe_polls import PollBook
from service.cafes import CafeDesk
from service.turns import Turns
from store.address import TELEGRAM, BotRef
from store.recent_updates import RecentUpdates

log = logging.getLogger("hocvuso")
ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member", "poll_answer"]


def bot_id_of(token: str) -> str:
    """A Telegram token is `<bot id>:<secret>`."""
    return token.split(":", 1)[0]


def make_bot(settings: Settings, token: str, budget: SendBudget, lane: Lane | None) -> Bot:
    """`lane` None: a session for replies, which retries 429s itself (each retry waits for the
    budget again). `Lane.BULK`: the outbox's session, which leaves a 429 to the delivery worker,
    so the row waits in the queue instead of holding a batch."""
    session = AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_url))
    if lane is None:
        session.middleware(RetryAfter())  # outermost: each retry acquires the budget again
    session.middleware(SendBudgetMiddleware(budget, int(bot_id_of(token)), lane=lane))
    return Bot(token, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))


class _OncePerUpdate(BaseMiddleware):
    """A redelivered update is dropped here, before any handler, whoever sent it."""

    def __init__(self, recent: RecentUpdates) -> None:
        self.recent = recent

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        update_id = getattr(event, "update_id", None)
        if update_id is None:
            return await handler(event, data)
        bot_id = data["bot"].id
        if not await self.recent.first_time(bot_id, update_id):
            return None
        try:
            return await handler(event, data)
        except BaseException:
            await self.recent.forget(bot_id, update_id)  # let Telegram's redelivery be handled
            raise


class _TurnsForBot(BaseMiddleware):
    """Hands each update the Turns of the bot it came to: learners belong to the bot they started."""

    def __init__(self, turns: dict[int, Turns]) -> None:
        self.turns = turns

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        data["turns"] = self.turns[data["bot"].id]
        return await handler(event, data)


@dataclass
class _Handle:
    bot: Bot  # direct replies
    outbox_bot: Bot
    turns: Turns


class AiogramChannel:
    name = TELEGRAM

    def __init__(self, core: Core, budget: SendBudget) -> None:
        settings = core.settings
        if not settings.tokens:
            raise SettingsError("setting BOT_TOKEN: missing")
        self.core = core
        self.settings = settings
        self.budget = budget
        self.handles = [
            _Handle(
                make_bot(settings, token, budget, lane=None),
                make_bot(settings, token, budget, lane=Lane.BULK),
                Turns(
                    core.database, core.library, settings.zone, core.locks, BotRef(TELEGRAM, bot_id_of(token))
                ),
            )
            for token in settings.tokens
        ]
        self.dispatcher = Dispatcher()
        self.dispatcher.update.outer_middleware(_OncePerUpdate(core.recent))
        turns_by_bot = {handle.bot.id: handle.turns for handle in self.handles}
        self.dispatcher.update.outer_middleware(_TurnsForBot(turns_by_bot))
        self.dispatcher.include_router(learner_router())
        self.dispatcher.include_router(group_router())
        for handle in self.handles:
            turns = handle.turns
            turns.cafes = CafeDesk(core.database, core.library, settings.zone, turns.bot, "")
            turns.admin = admin_desk(core, turns)
            turns.composer = alert_composer(core, turns, budget, int(turns.bot.bot_id))
            turns.admin.composer = turns.composer
        self.polls = PollBook(core.database, settings.zone)
        self._webhook: Any = None

    @property
    def turns(self) -> list[Turns]:
        return [handle.turns for handle in self.handles]

    @property
    def bot(self) -> Bot:
        return self.handles[0].bot

    def senders(self) -> list[Sender]:
        media = self.core.library.media_root
        paid = self.settings.paid_broadcast
        return [AiogramSender(h.turns.bot, h.outbox_bot, media, paid, self.polls) for h in self.handles]

    async def know_names(self) -> None:
        """The bots' usernames, for the links in café posts (t.me/<username>?start=...)."""
        for handle in self.handles:
            if handle.turns.cafes is not None:
                handle.turns.cafes.username = (await handle.bot.me()).username or ""

    @property
    def outbox_rate(self) -> float:
        return self.budget.limits.ceiling

    def uses_webhook(self, webhook_flag: bool) -> bool:
        return webhook_flag

    async def poll(self) -> None:
        await self.know_names()
        for handle in self.handles:
            await register_commands(handle.bot, self.core.library)
            await handle.bot.delete_webhook()
        log.info("polling Telegram for updates", extra={"bots": [h.bot.id for h in self.handles]})
        polling = asyncio.create_task(
            self.dispatcher.start_polling(
                *(h.bot for h in self.handles),
                allowed_updates=ALLOWED_UPDATES,
                handle_signals=False,
                tasks_concurrency_limit=self.settings.update_concurrency,
            )
        )
        try:
            await asyncio.shield(polling)
        except asyncio.CancelledError:
            # Cancelling start_polling from outside leaves its per-bot polling tasks running (they
            # are only cancelled when its wait returns): stop it the way aiogram supports.
            if not polling.done():
                await self.dispatcher.stop_polling()
                with contextlib.suppress(asyncio.CancelledError):
                    await polling
            raise

    def webhook_listen(self) -> str:
        return self.settings.webhook_listen

    def add_webhook_routes(self, web_app: web.Application) -> None:
        from bot.telegram.webhook import TelegramWebhook

        self._webhook = TelegramWebhook(self)
        self._webhook.add_routes(web_app)

    async def announce_webhook(self) -> None:
        await self._webhook.announce()

    async def close(self) -> None:
        if self._webhook is not None:
            await self._webhook.close()
        for handle in self.handles:
            await handle.bot.session.close()
            await handle.outbox_bot.session.close()
