"""Fixtures for delivery tests: a database (SQLite and PostgreSQL) and the sandbox Bot API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime

import pytest

from flows.state import LearnerState, Step
from sandbox.telegram import FakeBotAPI, FloodLimits
from store import learners, outbox
from store.database import Database
from tests.database_fixtures import database, database_url  # noqa: F401

TOKEN = "5151:DELIVERY-TEST"
BOT_ID = 5151


@pytest.fixture
async def sandbox() -> AsyncIterator[FakeBotAPI]:
    api = FakeBotAPI(TOKEN, flood=FloodLimits(enabled=False), allow_unknown_chats=True)
    await api.start()
    yield api
    await api.stop()
    assert api.invalid_calls == []


async def seed_alert(store: Database, campaign: str, ids: list[int], at: datetime) -> list[int]:
    """Onboarded learners with these chat ids, and an urgent alert queued for each of them."""
    states = [LearnerState(c, step=Step.READY, onboarded=True, language="vi") for c in ids]
    await store.run(lambda c: learners.insert_many(c, BOT_ID, states))
    text: list[dict[str, object]] = [{"type": "message", "text": "Cảnh báo"}]
    rows = [outbox.Outgoing(BOT_ID, c, campaign, outbox.URGENT, text, at) for c in ids]
    await store.run(lambda c: outbox.enqueue(c, rows, at))
    return ids
