"""Fixtures for delivery tests: a database (SQLite and PostgreSQL) and the sandbox Bot API."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from sandbox.telegram import FakeBotAPI, FloodLimits
from tests.database_fixtures import database, database_url  # noqa: F401
from tests.delivery.helpers import TOKEN


@pytest.fixture
async def sandbox() -> AsyncIterator[FakeBotAPI]:
    api = FakeBotAPI(TOKEN, flood=FloodLimits(enabled=False), allow_unknown_chats=True)
    await api.start()
    yield api
    await api.stop()
    assert api.invalid_calls == []
