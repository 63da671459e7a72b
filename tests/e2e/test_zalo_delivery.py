"""The outbox on Zalo: alerts reach Zalo learners only when they target them, a learner who
blocked the bot is found out once, and the platform's 429s are honoured whether or not they say
how long to wait (Zalo documents neither)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from bot.app import delivery_workers
from flows.state import LearnerState, Step
from sandbox.zalo import RateLimits, ZaloSandbox
from service import alerts
from store import learners, outbox
from store.address import TELEGRAM, BotRef
from tests.e2e.zalo_support import ZALO_TOKEN, running, zalo_settings


@pytest.fixture
async def zalo() -> ZaloSandbox:
    sandbox = ZaloSandbox(token=ZALO_TOKEN)
    await sandbox.start()
    yield sandbox
    await sandbox.stop()


async def _onboarded(run, users) -> None:
    """Learners who wrote to the bot once (so Zalo lets it write back) and finished setting up."""
    for user in users:
        await user.send_text("chào")
        await user.wait_for(1, 8)
    await asyncio.sleep(1.5)
    await run.app.database.run(
        lambda c: c.exec_driver_sql("UPDATE learners SET onboarded = true, step = 'ready'")
    )


async def _deliver_until_done(run, campaign: str, seconds: float = 30) -> dict[str, int]:
    [worker] = delivery_workers(run.app)
    stop = asyncio.Event()
    draining = asyncio.create_task(worker.run(stop))
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    try:
        while loop.time() < deadline:
            counts = await run.app.database.run(lambda c: outbox.campaign_counts(c, campaign))
            if not counts.get("pending") and not counts.get("sending"):
                return counts
            await asyncio.sleep(0.2)
        raise AssertionError(f"not delivered in {seconds}s: {counts}")
    finally:
        stop.set()
        await draining


async def test_an_alert_for_zalo_skips_telegram_learners_and_a_block_is_found_out(zalo, tmp_path, library):
    async with running(zalo_settings(zalo, tmp_path, quiet_hours="0-0"), library, zalo) as run:
        lan, minh = zalo.user("Lan"), zalo.user("Minh")
        await _onboarded(run, [lan, minh])
        telegram_learner = LearnerState("4242", step=Step.READY, onboarded=True, language="vi")
        await run.app.database.run(
            lambda c: learners.insert_many(c, BotRef(TELEGRAM, "1"), [telegram_learner])
        )
        lan.mark_read()
        minh.block()
        draft = alerts.Draft({"vi": "⚠️ Cảnh báo: có kẻ giả danh công an gọi điện.", "en": "Warning"})
        now = datetime.now(UTC)
        alert_id, queued = await run.app.database.run(
            lambda c: alerts.create(c, draft, alerts.Audience(channels=("zalo",)), library, now)
        )
        assert queued == 2  # the Telegram learner is not in a Zalo alert
        counts = await _deliver_until_done(run, alerts.campaign_of(alert_id))
        assert counts == {"sent": 1, "blocked": 1}
        assert any("giả danh công an" in m.body for m in lan.messages)
        assert not (await run.app.turns.find(minh.chat_id)).active  # through the flows' Blocked event
        assert (await run.app.turns.find(lan.chat_id)).active


@pytest.mark.parametrize("says_how_long", [True, False])
async def test_zalo_429s_are_honoured_and_nothing_is_lost_or_sent_twice(
    zalo, tmp_path, library, says_how_long
):
    async with running(zalo_settings(zalo, tmp_path, quiet_hours="0-0"), library, zalo) as run:
        users = [zalo.user(f"Người {n}") for n in range(4)]
        await _onboarded(run, users)
        for user in users:
            user.mark_read()
        zalo.limits = RateLimits(global_per_second=1.0, include_retry_after=says_how_long)
        draft = alerts.Draft({"vi": "⚠️ Cảnh báo lừa đảo mới.", "en": "Warning"})
        now = datetime.now(UTC)
        alert_id, queued = await run.app.database.run(
            lambda c: alerts.create(c, draft, alerts.Audience(), library, now)
        )
        assert queued == 4
        counts = await _deliver_until_done(run, alerts.campaign_of(alert_id), seconds=60)
        assert counts == {"sent": 4}
        assert zalo.stats.too_many_requests > 0  # the sandbox did push back
        for user in users:
            assert sum("Cảnh báo lừa đảo mới." in m.body for m in user.unread) == 1
