"""The composition root: the one place that picks SQLite or PostgreSQL, in-process or Redis locks
and budgets, the official Bot API or another server, and wires them to the flows.

A deployment runs any mix of three roles (`hocvuso run --role`):
- bot: answers learners (long polling, or a webhook);
- scheduler: ticks, putting due messages into the outbox (one leader at a time);
- delivery: drains the outbox through each bot's send budget.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from aiogram import BaseMiddleware, Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.types import TelegramObject
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from redis.asyncio import Redis

from bot.settings import Settings, SettingsError
from bot.telegram import response_models  # noqa: F401  (keeps response models cached)
from bot.telegram.commands import register_commands
from bot.telegram.retry import RetryAfter
from bot.telegram.routes import learner_router
from bot.telegram.send_budget import SendBudgetMiddleware
from bot.turns import Turns
from content.library import Library
from scheduler.budget import Lane, Limits, SendBudget, open_budget
from scheduler.delivery import DeliveryWorker
from scheduler.leader import AlwaysLeader, Leadership, PostgresLeader, RedisLeader
from scheduler.quiet_hours import QuietHours
from scheduler.runner import SchedulerService
from store.chat_locks import ChatLocks, LocalChatLocks, RedisChatLocks
from store.database import Database, ServerDatabase, alembic_config, is_sqlite, migrate, open_database
from store.recent_updates import LocalRecentUpdates, RecentUpdates, RedisRecentUpdates

log = logging.getLogger("hocvuso")
ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member"]
ROLES = ("bot", "scheduler", "delivery")


@dataclass
class BotHandle:
    """One Telegram bot of the deployment and the learners who started it."""

    bot: Bot  # direct replies: the global budget only
    bot_id: int
    turns: Turns
    outbox_bot: Bot  # the outbox: global budget plus per-chat and per-group pacing


@dataclass
class App:
    settings: Settings
    database: Database
    library: Library
    bots: list[BotHandle]
    dispatcher: Dispatcher
    budget: SendBudget
    redis: Redis | None
    quiet: QuietHours = field(default_factory=QuietHours)

    @property
    def bot(self) -> Bot:
        return self.bots[0].bot

    @property
    def turns(self) -> Turns:
        return self.bots[0].turns

    async def close(self) -> None:
        for handle in self.bots:
            await handle.bot.session.close()
            await handle.outbox_bot.session.close()
        await self.budget.close()
        await self.database.dispose()
        if self.redis is not None:
            await self.redis.aclose()


async def prepare_database(settings: Settings) -> Database:
    """The embedded SQLite file migrates itself; a server database must be upgraded on purpose."""
    if is_sqlite(settings.database_url):
        await migrate(settings.database_url)
    database = open_database(settings.database_url)
    if isinstance(database, ServerDatabase):
        current = await database.run(lambda sync: MigrationContext.configure(sync).get_current_revision())
        head = ScriptDirectory.from_config(alembic_config(settings.database_url)).get_current_head()
        if current != head:
            await database.dispose()
            raise SettingsError(f"database schema is at {current}, not {head}: run `hocvuso db upgrade`")
    return database


def make_bot(settings: Settings, token: str, budget: SendBudget, lane: Lane | None) -> Bot:
    """`lane` None: a session for replies, which retries 429s itself (each retry waits for the
    budget again). `Lane.BULK`: the outbox's session, which leaves a 429 to the delivery worker,
    so the row waits in the queue instead of holding a batch."""
    session = AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_url))
    if lane is None:
        session.middleware(RetryAfter())  # outermost: each retry acquires the budget again
    session.middleware(SendBudgetMiddleware(budget, bot_id_of(token), lane=lane))
    return Bot(token, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))


def bot_id_of(token: str) -> int:
    return int(token.split(":", 1)[0])


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


async def build_app(settings: Settings, library: Library | None = None) -> App:
    if not settings.tokens:
        raise SettingsError("setting BOT_TOKEN: missing (or use `hocvuso chat` to try the bot)")
    library = library or Library.load()
    database = await prepare_database(settings)
    redis = Redis.from_url(settings.redis_url) if settings.redis_url else None
    locks: ChatLocks = RedisChatLocks(redis) if redis is not None else LocalChatLocks()
    budget = open_budget(Limits(per_second=settings.rate, margin=settings.send_margin), settings.redis_url)
    recent: RecentUpdates = RedisRecentUpdates(redis) if redis is not None else LocalRecentUpdates()
    bots = []
    for token in settings.tokens:
        bot_id = bot_id_of(token)
        turns = Turns(database, library, settings.zone, locks, bot_id)
        replies = make_bot(settings, token, budget, lane=None)
        bots.append(BotHandle(replies, bot_id, turns, make_bot(settings, token, budget, lane=Lane.BULK)))
    dispatcher = Dispatcher()
    dispatcher.update.outer_middleware(_OncePerUpdate(recent))
    dispatcher.update.outer_middleware(_TurnsForBot({handle.bot_id: handle.turns for handle in bots}))
    dispatcher.include_router(learner_router())
    return App(settings, database, library, bots, dispatcher, budget, redis, QuietHours(*settings.quiet))


async def run_polling(app: App) -> None:
    for handle in app.bots:
        await register_commands(handle.bot, app.library)
        await handle.bot.delete_webhook()
    log.info("polling for updates", extra={"bots": [h.bot_id for h in app.bots]})
    await app.dispatcher.start_polling(
        *(h.bot for h in app.bots),
        allowed_updates=ALLOWED_UPDATES,
        handle_signals=False,
        tasks_concurrency_limit=app.settings.update_concurrency,
    )


def leadership(app: App) -> Leadership:
    if isinstance(app.database, ServerDatabase):
        return PostgresLeader(app.database.engine)
    if app.redis is not None:
        return RedisLeader(app.redis)
    return AlwaysLeader()


def delivery_batch(rate: float) -> int:
    """Rows one lane claims: with both lanes, about a second's worth is in flight, which is also
    the most a kill -9 can send twice."""
    return max(5, min(250, int(rate) // DeliveryWorker.lanes))


def delivery_workers(app: App) -> list[DeliveryWorker]:
    batch = delivery_batch(app.settings.rate)
    return [
        DeliveryWorker(
            app.database,
            handle.outbox_bot,
            handle.bot_id,
            app.library.media_root,
            app.settings.zone,
            app.quiet,
            batch=batch,
            lease=timedelta(seconds=app.settings.delivery_lease),
            paid_broadcast=app.settings.paid_broadcast,
            library=app.library,
            rate_hint=app.budget.limits.ceiling / DeliveryWorker.lanes,
        )
        for handle in app.bots
    ]


async def run_roles(app: App, roles: set[str], webhook: bool = False) -> None:
    """Run the chosen roles until cancelled."""
    stop = asyncio.Event()
    tasks: list[asyncio.Task[Any]] = []
    scheduler: SchedulerService | None = None
    if "delivery" in roles:
        tasks += [asyncio.create_task(worker.run(stop)) for worker in delivery_workers(app)]
    if "scheduler" in roles:
        scheduler = SchedulerService(
            app.database,
            app.library,
            app.settings.timezone,
            app.quiet,
            leadership(app),
            app.settings.scheduler_interval,
            timedelta(days=app.settings.outbox_retention_days),
        )
        scheduler.start()
    runner = None
    try:
        if "bot" in roles:
            if webhook:
                from bot.webhook import start_webhook

                runner = await start_webhook(app)
                await asyncio.Event().wait()
            else:
                await run_polling(app)
        else:
            await asyncio.Event().wait()
    finally:
        stop.set()
        if scheduler is not None:
            await scheduler.stop()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(task, 10)
        if runner is not None:
            await runner.cleanup()
