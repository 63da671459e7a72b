"""Fixtures for delivery tests: a database (SQLite and PostgreSQL) and the sandbox Bot API."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator, Iterator

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


@pytest.fixture(autouse=True)
def settled_heap() -> Iterator[None]:
    """A full garbage collection before the test, and the objects that survive it set aside.

    These tests time sends to the millisecond (a strict one-second window sees 31 sends after a
    stall of ~40 ms), and the bot, the budget and the sandbox share one event loop. A full
    collection of the heap the earlier tests built up takes ~200 ms on a loaded CI machine;
    landing inside a measured second it bunches sends the budget had spaced evenly. Collected
    here, it lands before the clock starts instead, whatever ran before."""
    gc.collect()
    gc.freeze()
    yield
    gc.unfreeze()
