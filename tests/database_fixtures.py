"""A migrated, empty database per test: SQLite in a temporary file, and PostgreSQL when running.

Imported by the conftest of each test folder that needs a database."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import Connection, text

from store.database import ServerDatabase, migrate, open_database, upgrade
from tests.conftest import POSTGRES_URL, require_server


async def reset_postgres(url: str) -> None:
    """An empty public schema: every table of any revision goes, whatever the last run left."""

    def wipe(connection: Connection) -> None:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))

    database = ServerDatabase(url)
    await database.run(wipe)
    await database.dispose()


async def database_at(backend: str, tmp_path: Path, revision: str) -> str:
    """An empty database of this backend migrated only up to `revision`, where the tests of the
    migration after it start; returns its URL."""
    if backend == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'old.db'}"
    else:
        require_server("PostgreSQL", "127.0.0.1", 5432)
        url = POSTGRES_URL
        await reset_postgres(url)
    await asyncio.to_thread(upgrade, url, revision)
    return url


@pytest.fixture(params=["sqlite", "postgres"])
async def database_url(request, tmp_path) -> AsyncIterator[str]:
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'hocvuso.db'}"
    else:
        require_server("PostgreSQL", "127.0.0.1", 5432)
        url = POSTGRES_URL
        await reset_postgres(url)
    await migrate(url)
    yield url


@pytest.fixture
async def database(database_url):
    database = open_database(database_url)
    yield database
    await database.dispose()
