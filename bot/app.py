"""The composition root: the one place that picks SQLite or PostgreSQL, in-process or Redis locks,
the official Bot API or another server, and wires them to the flows."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from redis.asyncio import Redis

from bot.settings import Settings, SettingsError
from bot.telegram import response_models  # noqa: F401  (keeps response models cached)
from bot.telegram.commands import register_commands
from bot.telegram.retry import RetryAfter
from bot.telegram.routes import learner_router
from bot.turns import Turns
from content.library import Library
from store.chat_locks import ChatLocks, LocalChatLocks, RedisChatLocks
from store.database import Database, ServerDatabase, alembic_config, is_sqlite, migrate, open_database

log = logging.getLogger("hocvuso")
ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member"]


@dataclass
class App:
    settings: Settings
    database: Database
    library: Library
    turns: Turns
    bot: Bot
    dispatcher: Dispatcher
    redis: Redis | None

    async def close(self) -> None:
        await self.bot.session.close()
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


def make_bot(settings: Settings) -> Bot:
    if not settings.bot_token:
        raise SettingsError("setting BOT_TOKEN: missing (or use `hocvuso chat` to try the bot)")
    session = AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_url))
    session.middleware(RetryAfter())
    return Bot(settings.bot_token, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))


async def build_app(settings: Settings, library: Library | None = None) -> App:
    library = library or Library.load()
    bot = make_bot(settings)
    database = await prepare_database(settings)
    redis = Redis.from_url(settings.redis_url) if settings.redis_url else None
    locks: ChatLocks = RedisChatLocks(redis) if redis is not None else LocalChatLocks()
    bot_id = int((settings.bot_token or "0:").split(":", 1)[0])
    turns = Turns(database, library, settings.zone, locks, bot_id)
    dispatcher = Dispatcher(turns=turns)
    dispatcher.include_router(learner_router())
    return App(settings, database, library, turns, bot, dispatcher, redis)


async def run_polling(app: App) -> None:
    await register_commands(app.bot, app.library)
    await app.bot.delete_webhook()
    log.info("polling for updates")
    await app.dispatcher.start_polling(app.bot, allowed_updates=ALLOWED_UPDATES, handle_signals=False)
