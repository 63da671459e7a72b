"""The one place that opens what every entry point needs (`run`, `chat`, `alert`, `db`): the
database (SQLite or PostgreSQL), the content, locks and redelivery memory (in process or Redis).
Channels are then added on top of this core by `bot.app`."""

from __future__ import annotations

from dataclasses import dataclass, field

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from redis.asyncio import Redis

from bot.settings import Settings, SettingsError
from content.library import Library
from scheduler.quiet_hours import QuietHours
from store.chat_locks import ChatLocks, LocalChatLocks, RedisChatLocks
from store.database import (
    Database,
    ServerDatabase,
    alembic_config,
    is_sqlite,
    migrate,
    open_database,
    upgrade,
)
from store.recent_updates import LocalRecentUpdates, RecentUpdates, RedisRecentUpdates


@dataclass
class Core:
    settings: Settings
    database: Database
    library: Library
    locks: ChatLocks
    recent: RecentUpdates
    redis: Redis | None
    quiet: QuietHours = field(default_factory=QuietHours)

    async def close(self) -> None:
        await self.database.dispose()
        if self.redis is not None:
            await self.redis.aclose()


async def prepare_database(database_url: str) -> Database:
    """The embedded SQLite file migrates itself; a server database must be upgraded on purpose."""
    if is_sqlite(database_url):
        await migrate(database_url)
    database = open_database(database_url)
    if isinstance(database, ServerDatabase):
        current = await database.run(lambda sync: MigrationContext.configure(sync).get_current_revision())
        head = ScriptDirectory.from_config(alembic_config(database_url)).get_current_head()
        if current != head:
            await database.dispose()
            raise SettingsError(f"database schema is at {current}, not {head}: run `hocvuso db upgrade`")
    return database


async def open_core(settings: Settings, library: Library | None = None) -> Core:
    library = library or Library.load()
    database = await prepare_database(settings.database_url)
    redis = Redis.from_url(settings.redis_url) if settings.redis_url else None
    locks: ChatLocks = RedisChatLocks(redis) if redis is not None else LocalChatLocks()
    recent: RecentUpdates = RedisRecentUpdates(redis) if redis is not None else LocalRecentUpdates()
    return Core(settings, database, library, locks, recent, redis, QuietHours(*settings.quiet))


async def open_database_only(settings: Settings) -> Database:
    """For operator commands that need nothing but the rows (`alert`, `capacity`)."""
    return await prepare_database(settings.database_url)


def upgrade_database(settings: Settings) -> None:
    """`hocvuso db upgrade`: migrate the configured database to the latest schema."""
    upgrade(settings.database_url)
