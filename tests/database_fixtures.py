"""A migrated, empty database per test: SQLite in a temporary file, and PostgreSQL when running.

Imported by the conftest of each test folder that needs a database."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import Connection, text

from store.database import ServerDatabase, migrate, open_database
from tests.conftest import POSTGRES_URL, require_server


async def reset_postgres(url: str) -> None:
    """An empty public schema: every table of any revision goes, whatever the last run left."""

    def wipe(connection: Connection) -> None:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))

    database = ServerDatabase(url)
    await database.run(wipe)
    await database.dispose()


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
