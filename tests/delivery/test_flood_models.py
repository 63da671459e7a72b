"""The bot against every plausible shape of Telegram's flood limits, and against Telegram erring.

Nobody outside Telegram knows whether its limits are token buckets, sliding windows or fixed
windows, so the sandbox plays each, and the bot must earn no 429 under any of them. Faults: 502s
before anything was sent, 429 storms with a long `retry_after`, answers lost after the message
was delivered.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from aiogram import Bot

from bot.settings import load_settings
from bot.telegram.channel import make_bot
from bot.telegram.send_budget import start_turn
from content.library import Library
from flows.cafe.model import Cafe
from flows.state import LearnerState, Step
from sandbox.telegram import FakeBotAPI, FakeGroup, FloodLimits
from sandbox.telegram.faults import Faults
from sandbox.telegram.limits import MODELS
from scheduler.budget import Lane, Limits, LocalSendBudget
from scheduler.delivery import DeliveryWorker
from scheduler.quiet_hours import QuietHours
from service.cafe_posts import campaign, post_many
from store import cafes, learners, outbox
from tests.delivery.helpers import BOT, BOT_ID, TOKEN, chat, seed_alert, telegram_worker

NOON = datetime(2026, 11, 23, 5, 0, tzinfo=UTC)


async def _alert(database, count: int, first: int = 1) -> list[int]:
    return await seed_alert(database, "alert:9", list(range(first, first + count)), NOON)


async def _sandbox(flood: FloodLimits, faults: Faults | None = None) -> FakeBotAPI:
    api = FakeBotAPI(TOKEN, flood=flood, allow_unknown_chats=True, record_calls=False, faults=faults)
    await api.start()
    return api


def _worker(database, bot: Bot, library, started: datetime, rate_hint: float = 28.0) -> DeliveryWorker:
    """A worker whose clock runs from NOON, so rows put back after a 429 come due again."""
    return telegram_worker(
        database,
        bot,
        library,
        quiet=QuietHours(0, 0),
        rate_hint=rate_hint,
        clock=lambda: NOON + (datetime.now(UTC) - started),
    )


async def _deliver_all(worker: DeliveryWorker, database, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not await worker.drain_once():
            counts = await database.run(lambda c: outbox.campaign_counts(c, "alert:9"))
            if set(counts) == {"sent"}:
                return
            await asyncio.sleep(0.2)
    raise TimeoutError("the alert was not delivered in time")


@pytest.fixture
async def outbox_bot() -> AsyncIterator[tuple[Bot, LocalSendBudget, FakeBotAPI | None]]:
    made: list[tuple[Bot, FakeBotAPI]] = []

    async def make(api: FakeBotAPI, lane: Lane | None = Lane.BULK, limits: Limits | None = None):
        budget = LocalSendBudget(limits or Limits())
        bot = make_bot(load_settings(_env_file=None, telegram_api_url=api.base_url), TOKEN, budget, lane)
        made.append((bot, api))
        return bot, budget

    yield make  # type: ignore[misc]
    for bot, api in made:
        await bot.session.close()
        await api.stop()


@pytest.mark.parametrize("model", MODELS)
async def test_a_broadcast_earns_no_429_under_any_flood_model(database, library, outbox_bot, model):
    api = await _sandbox(FloodLimits(model=model))
    bot, _ = await outbox_bot(api)
    ids = await _alert(database, 90)
    started = datetime.now(UTC)
    await _deliver_all(_worker(database, bot, library, started), database, 30)
    elapsed = (datetime.now(UTC) - started).total_seconds()
    assert api.stats.too_many_requests == 0
    assert all(api.stats.sent_per_chat[c] == 1 for c in ids)
    assert elapsed < 90 / (30 * 0.8)  # near Telegram's 30/s, not crawling after self-inflicted pauses


async def test_a_429_storm_pauses_the_bot_then_everything_goes_once(database, library, outbox_bot):
    faults = Faults()
    api = await _sandbox(FloodLimits(enabled=False), faults)
    bot, budget = await outbox_bot(api)
    ids = await _alert(database, 40)
    faults.storm(1.5, retry_after=2)
    started = datetime.now(UTC)
    await _deliver_all(_worker(database, bot, library, started), database, 30)
    assert faults.storm_refusals >= 1
    assert (datetime.now(UTC) - started).total_seconds() >= 1.9  # the retry_after was honoured
    assert all(api.stats.sent_per_chat[c] == 1 for c in ids)
    assert await budget.rate(BOT_ID) < budget.limits.ceiling  # cut, and winning it back


async def test_502s_are_retried_and_nothing_is_sent_twice(database, library, outbox_bot):
    faults = Faults(server_error_rate=0.1)
    api = await _sandbox(FloodLimits(enabled=False), faults)
    bot, _ = await outbox_bot(api)
    ids = await _alert(database, 60)
    worker = _worker(database, bot, library, datetime.now(UTC))
    worker.max_attempts = 20
    # Backoff after a 502 is 2 s and more: let the worker's clock run fast instead of waiting.
    fast = datetime.now(UTC)
    worker.clock = lambda: NOON + (datetime.now(UTC) - fast) * 60
    await _deliver_all(worker, database, 30)
    assert faults.injected_errors > 0
    assert all(api.stats.sent_per_chat[c] == 1 for c in ids)


async def test_an_answer_lost_after_delivery_is_retried(database, library, outbox_bot):
    """The bot cannot tell a lost answer from a lost request; it sends again rather than miss a
    learner, so each lost answer costs exactly one duplicate and nothing goes missing."""
    faults = Faults(lost_response_rate=0.1)
    api = await _sandbox(FloodLimits(enabled=False), faults)
    bot, _ = await outbox_bot(api)
    ids = await _alert(database, 60)
    worker = _worker(database, bot, library, datetime.now(UTC))
    fast = datetime.now(UTC)
    worker.clock = lambda: NOON + (datetime.now(UTC) - fast) * 60
    await _deliver_all(worker, database, 30)
    assert faults.lost_responses > 0
    assert all(api.stats.sent_per_chat[c] >= 1 for c in ids)
    duplicates = sum(api.stats.sent_per_chat[c] - 1 for c in ids)
    assert duplicates == faults.lost_responses


@pytest.mark.parametrize("model", ["sliding", "fixed"])
async def test_a_429_in_one_chat_does_not_stall_the_others(outbox_bot, model):
    """A budget told a chat may take 10 a second meets Telegram's 4: that chat earns a 429 and
    waits; a learner in another chat is answered at once."""
    api = await _sandbox(FloodLimits(model=model, per_chat_per_window=4))
    bot, budget = await outbox_bot(api, None, Limits(per_chat_per_second=10.0, chat_burst=10))
    api.allow_unknown_chats = True

    async def tapper() -> None:
        start_turn()
        for n in range(8):
            await bot.send_message(1, f"reply {n}")

    async def other() -> float:
        await asyncio.sleep(0.3)
        start_turn()
        started = time.monotonic()
        await bot.send_message(2, "hello")
        return time.monotonic() - started

    _, waited = await asyncio.gather(tapper(), other())
    assert api.stats.too_many_requests >= 1  # the tapper's chat hit its limit
    assert waited < 0.5
    assert await budget.rate(BOT_ID) == pytest.approx(budget.limits.ceiling)  # no bot-wide cut
    assert api.stats.sent_per_chat[1] == 8  # and the tapper's replies all arrived


async def test_two_workers_with_a_lease_shorter_than_a_pause_send_each_message_once(
    database, library, outbox_bot
):
    """A 429 storm holds a batch longer than its 2-second lease: the worker renews the lease while
    it waits, so the other worker never takes those rows, and nobody gets the alert twice."""
    faults = Faults()
    api = await _sandbox(FloodLimits(enabled=False), faults)
    bot, _ = await outbox_bot(api)
    ids = await _alert(database, 40)
    started = datetime.now(UTC)
    workers = [_worker(database, bot, library, started) for _ in range(2)]
    for worker in workers:
        worker.lease = timedelta(seconds=2)
    faults.storm(0.3, retry_after=3)  # first sends earn a 3 s bot-wide pause
    stop = asyncio.Event()
    running = [asyncio.create_task(worker.run(stop)) for worker in workers]
    try:
        deadline = time.monotonic() + 30
        while sum(1 for c in ids if api.stats.sent_per_chat[c]) < len(ids) and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
        await asyncio.sleep(1.0)
    finally:
        stop.set()
        await asyncio.gather(*running)
    assert faults.storm_refusals >= 1
    counts = await database.run(lambda c: outbox.campaign_counts(c, "alert:9"))
    assert [api.stats.sent_per_chat[c] for c in ids] == [1] * len(ids), counts


async def test_a_learner_forgotten_after_the_alert_was_queued_gets_nothing(database, library, outbox_bot):
    api = await _sandbox(FloodLimits(enabled=False))
    bot, _ = await outbox_bot(api)
    ids = await _alert(database, 5)
    await database.run(lambda c: learners.forget(c, learners.find(c, BOT, chat(ids[0]))["id"]))
    worker = _worker(database, bot, library, datetime.now(UTC))
    while await worker.drain_once():
        pass
    assert api.stats.sent_per_chat[ids[0]] == 0
    assert all(api.stats.sent_per_chat[c] == 1 for c in ids[1:])
    counts = await database.run(lambda c: outbox.campaign_counts(c, "alert:9"))
    assert counts == {"dropped": 1, "sent": 4}


async def test_a_row_resumes_from_its_first_unsent_part(database, library, outbox_bot):
    """A lesson row of three parts whose first two went out before a failure sends only the third."""
    from sqlalchemy import update

    from store.models import OutboxRow

    api = await _sandbox(FloodLimits(enabled=False))
    bot, _ = await outbox_bot(api)
    await database.run(
        lambda c: learners.insert_many(c, BOT, [LearnerState(chat(7), step=Step.READY, onboarded=True)])
    )
    parts = [{"type": "message", "text": f"part {n}"} for n in (1, 2, 3)]
    row = outbox.Outgoing(BOT, chat(7), "lesson:x", outbox.LESSON, parts, NOON)
    await database.run(lambda c: outbox.enqueue(c, [row], NOON))
    table = OutboxRow.__table__
    await database.run(lambda c: c.execute(update(table).values(parts_sent=2, attempts=1)))
    worker = _worker(database, bot, library, datetime.now(UTC))
    while await worker.drain_once():
        pass
    assert api.sent_texts(7) == ["part 3"]


async def _cafe_posts(database, library: Library, api: FakeBotAPI, count: int) -> list[FakeGroup]:
    """`count` cafés, each in its own sandbox supergroup, with today's post (a tip, a quiz poll and
    the join link: three messages) queued as the morning tick queues it."""
    groups = [api.group(-1009000 - n, f"Tổ dân phố {n}", creator=501) for n in range(count)]

    def queue(connection) -> None:  # type: ignore[no-untyped-def]
        due = []
        for n, group in enumerate(groups):
            cafe = Cafe(str(group.chat_id), f"cafe{n:04d}", api.bot_user["username"])
            cafes.create(connection, BOT, cafe, f"Tổ dân phố {n}", NOON)
            stored = cafes.find(connection, BOT, cafe.chat_id)
            assert stored is not None
            due.append((BOT, stored))
        assert post_many(connection, library, due, NOON.date(), NOON) == count

    await database.run(queue)
    return groups


async def _run_until_sent(worker: DeliveryWorker, database, campaign: str, timeout: float) -> None:
    """Both lanes, as `hocvuso run --role delivery` runs them, until every row is sent."""
    stop = asyncio.Event()
    running = asyncio.create_task(worker.run(stop))
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            counts = await database.run(lambda c: outbox.campaign_counts(c, campaign))
            if counts and set(counts) == {"sent"}:
                return
            await asyncio.sleep(0.2)
        raise TimeoutError(f"the café posts were not all sent in {timeout} s: {counts}")
    finally:
        stop.set()
        await asyncio.wait_for(running, 10)


@pytest.mark.parametrize("model", MODELS)
async def test_cafe_posts_keep_the_budget_busy_under_any_flood_model(database, library, outbox_bot, model):
    """A café's post is three messages to one group, which Telegram lets have 20 a minute, so each
    post takes at least six seconds. Many go at once, so the bot still sends near 30 a second:
    90 posts (270 messages) take seconds, not the minutes of a post or two at a time.
    No 429, and no group gets its messages faster than 20 a minute."""
    api = await _sandbox(FloodLimits(model=model))
    bot, _ = await outbox_bot(api)
    groups = await _cafe_posts(database, library, api, 90)
    started = datetime.now(UTC)
    worker = _worker(database, bot, library, started, rate_hint=14.0)  # a lane's share, as in bot.app
    await _run_until_sent(worker, database, campaign(NOON.date()), 60)
    elapsed = (datetime.now(UTC) - started).total_seconds()
    assert api.stats.too_many_requests == 0
    assert all(len(group.messages) == 3 for group in groups)
    assert all(group.max_messages_in_any_minute() <= 20 for group in groups)
    # 9.4 s at 28.8 a second, after a first batch of 7 s that shows the worker rows are paced;
    # one group at a time per lane would take 4.7 minutes
    assert elapsed < 2 * 270 / 28.8 + 7
