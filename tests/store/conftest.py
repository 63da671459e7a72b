"""A migrated, empty database per test: SQLite in a temporary file, and PostgreSQL when running."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text

from store.database import create_engine, migrate, sessions
from tests.conftest import POSTGRES_URL, require_server


async def reset_postgres(url: str) -> None:
    engine = create_engine(url)
    async with engine.begin() as connection:
        await connection.execute(
            text("DROP TABLE IF EXISTS quiz_answers, lesson_results, learners, alembic_version CASCADE")
        )
    await engine.dispose()


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
async def session_factory(database_url):
    engine = create_engine(database_url)
    yield sessions(engine)
    await engine.dispose()
