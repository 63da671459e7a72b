"""How the worker treats each kind of failure, and who may tick."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from redis.asyncio import Redis
from sqlalchemy import select

from flows.state import LearnerState, Step
from sandbox.telegram import FakeBotAPI, FloodLimits
from scheduler.leader import PostgresLeader, RedisLeader
from scheduler.quiet_hours import QuietHours
from store import learners, outbox
from store.database import ServerDatabase
from store.models import OutboxRow
from tests.conftest import REDIS_URL, require_server
from tests.delivery.helpers import BOT, TOKEN, chat, telegram_worker

NOON = datetime(2026, 11, 23, 5, 0, tzinfo=UTC)  # 12:00 in Vietnam


def _ready(chat_id: int) -> LearnerState:
    return LearnerState(chat(chat_id), step=Step.READY, onboarded=True)


def _row(chat_id: int, campaign: str, priority: int, text: str) -> outbox.Outgoing:
    return outbox.Outgoing(BOT, chat(chat_id), campaign, priority, [{"type": "message", "text": text}], NOON)


async def _rows(database) -> dict[str, tuple[str, int, str | None]]:
    table = OutboxRow.__table__
    found = await database.run(
        lambda c: c.execute(select(table.c.campaign, table.c.state, table.c.attempts, table.c.error)).all()
    )
    return {campaign: (state, attempts, error) for campaign, state, attempts, error in found}


async def test_claims_come_in_priority_order(database):
    rows = [
        _row(1, "tip:a", outbox.NUDGE, "t"),
        _row(2, "lesson:a", outbox.LESSON, "l"),
        _row(3, "alert:a", outbox.URGENT, "a"),
    ]
    await database.run(lambda c: outbox.enqueue(c, rows, NOON))
    claimed = await database.run(lambda c: outbox.claim(c, BOT, "w", 10, NOON))
    assert [row.campaign for row in claimed] == ["alert:a", "lesson:a", "tip:a"]


async def test_a_400_fails_the_row_with_the_reason_and_is_not_retried(database, library):
    api = FakeBotAPI(TOKEN, flood=FloodLimits(enabled=False), allow_unknown_chats=True)
    await api.start()
    bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(api.base_url)))
    try:
        await database.run(lambda c: learners.insert_many(c, BOT, [_ready(1), _ready(2)]))
        rows = [
            _row(1, "alert:bad", outbox.URGENT, "<b>never closed"),
            _row(2, "alert:good", outbox.URGENT, "fine"),
        ]
        await database.run(lambda c: outbox.enqueue(c, rows, NOON))
        worker = telegram_worker(database, bot, library, quiet=QuietHours(0, 0), clock=lambda: NOON)
        while await worker.drain_once():
            pass
    finally:
        await bot.session.close()
        await api.stop()
    states = await _rows(database)
    assert states["alert:good"][0] == "sent"
    state, attempts, error = states["alert:bad"]
    assert state == "failed" and attempts == 0 and error and "parse" in error.lower()


async def test_an_unreachable_api_is_retried_with_backoff_then_failed_visibly(database, library):
    await database.run(lambda c: learners.insert_many(c, BOT, [_ready(1)]))
    await database.run(lambda c: outbox.enqueue(c, [_row(1, "alert:down", outbox.URGENT, "x")], NOON))
    bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base("http://127.0.0.1:9")))
    now = NOON
    worker = telegram_worker(
        database, bot, library, quiet=QuietHours(0, 0), max_attempts=4, clock=lambda: now
    )
    seen = []
    try:
        for _ in range(12):
            await worker.drain_once()
            seen.append((await _rows(database))["alert:down"][:2])
            now += timedelta(minutes=10)
    finally:
        await bot.session.close()
    assert ("pending", 1) in seen and ("pending", 3) in seen
    state, _, error = (await _rows(database))["alert:down"]
    assert state == "failed" and error and "gave up after 4 tries" in error


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_only_one_scheduler_leads_in_postgres(database_url):
    server = ServerDatabase(database_url)
    first, second = PostgresLeader(server.engine), PostgresLeader(server.engine)
    try:
        assert await first.lead() and not await second.lead()
        assert await first.lead()  # keeps the lead on later ticks
        await first.release()
        assert await second.lead()
    finally:
        await first.release()
        await second.release()
        await server.dispose()


async def test_only_one_scheduler_leads_with_redis() -> None:
    require_server("Redis", "127.0.0.1", 6379)
    redis = Redis.from_url(REDIS_URL)
    await redis.delete("hocvuso:scheduler:leader")
    first, second = RedisLeader(redis, lease_seconds=5), RedisLeader(redis, lease_seconds=5)
    try:
        assert await first.lead() and not await second.lead()
        assert await first.lead()
        await first.release()
        assert await second.lead()
    finally:
        await second.release()
        await redis.aclose()


async def test_a_redis_leader_whose_lease_ran_out_cannot_end_its_successors_lead() -> None:
    require_server("Redis", "127.0.0.1", 6379)
    redis = Redis.from_url(REDIS_URL)
    await redis.delete("hocvuso:scheduler:leader")
    stale, successor = RedisLeader(redis, lease_seconds=1), RedisLeader(redis, lease_seconds=5)
    try:
        assert await stale.lead()
        await asyncio.sleep(1.2)  # the stale leader stalled past its lease
        assert await successor.lead()
        assert not await stale.lead()
        await stale.release()
        assert await successor.lead() and not await stale.lead()
    finally:
        await successor.release()
        await redis.aclose()
