"""Ticks and the delivery worker against a real database and the sandbox Bot API."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from sqlalchemy import func, select

from flows.state import LearnerState, Step
from scheduler.delivery import DeliveryWorker
from scheduler.quiet_hours import QuietHours
from scheduler.ticks import TickReport, run_tick
from store import learners, outbox
from store.address import TELEGRAM, BotRef
from store.models import OutboxRow
from tests.delivery.helpers import BOT, TOKEN, ZONE, chat, telegram_worker

EIGHT = datetime(2026, 11, 23, 8, 0, tzinfo=ZONE).astimezone(UTC)
QUIET = QuietHours()


def _bot(api) -> Bot:
    session = AiohttpSession(api=TelegramAPIServer.from_base(api.base_url))
    return Bot(TOKEN, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))


async def _seed(database, count: int, hour: int = 8, first: int = 1, **changes) -> list[int]:
    ids = list(range(first, first + count))
    states = [
        LearnerState(chat(c), step=Step.READY, onboarded=True, language="vi", lesson_hour=hour).but(**changes)
        for c in ids
    ]
    await database.run(lambda c: learners.insert_many(c, BOT, states))
    return ids


async def _states(database) -> dict[str, int]:
    table = OutboxRow.__table__
    rows = await database.run(
        lambda c: c.execute(select(table.c.state, func.count()).group_by(table.c.state)).all()
    )
    return dict(rows)


async def _drain(worker: DeliveryWorker) -> None:
    while await worker.drain_once():
        pass


async def test_daily_lessons_and_tips_are_enqueued_once_and_delivered(database, sandbox, library):
    ids = await _seed(database, 40)
    await _seed(database, 5, hour=9, first=100)  # another hour: not due
    await _seed(database, 3, first=200, paused=True)
    first = await run_tick(database, library, "Asia/Ho_Chi_Minh", QUIET, EIGHT + timedelta(minutes=1))
    again = await run_tick(database, library, "Asia/Ho_Chi_Minh", QUIET, EIGHT + timedelta(minutes=2))
    assert (first.lessons, again.lessons) == (40, 0)
    bot = _bot(sandbox)
    for at in (timedelta(minutes=59), timedelta(minutes=59, seconds=10)):  # each tip 5 s after its lesson
        clock = lambda at=at: EIGHT + at  # noqa: E731
        await _drain(telegram_worker(database, bot, library, clock=clock))
    await bot.session.close()
    assert await _states(database) == {"sent": 80}
    first_lesson = library.curriculum("vi").lessons[library.lesson_order[0]]
    for chat_id in ids:
        texts = sandbox.sent_texts(chat_id)
        assert len(texts) == 3  # greeting, lesson, tip
        assert first_lesson.title in texts[1] and "Mẹo chống lừa đảo" in texts[2]
    assert sandbox.sent_texts(100) == [] and sandbox.sent_texts(200) == []
    state = await database.run(lambda c: learners.to_state(learners.find(c, BOT, chat(ids[0]))))
    assert state.step == Step.READING and state.lesson_id == first_lesson.id and state.tip_cursor == 1


async def test_messages_are_spread_over_the_hour_and_held_in_quiet_hours(database, library):
    await _seed(database, 200)
    await _seed(database, 20, hour=22, first=1000)
    await run_tick(database, library, "Asia/Ho_Chi_Minh", QUIET, EIGHT)
    ten_pm = EIGHT + timedelta(hours=14)
    await run_tick(database, library, "Asia/Ho_Chi_Minh", QUIET, ten_pm)
    table = OutboxRow.__table__
    rows = await database.run(
        lambda c: c.execute(
            select(table.c.chat_id, table.c.not_before).where(table.c.campaign.like("lesson:%"))
        ).all()
    )
    morning = [nb for chat_id, nb in rows if int(chat_id) < 1000]
    minutes = {(_utc(nb) - EIGHT).seconds // 60 for nb in morning}
    assert len(minutes) > 40 and all(0 <= (_utc(nb) - EIGHT).total_seconds() < 3600 for nb in morning)
    night = [_utc(nb).astimezone(ZONE) for chat_id, nb in rows if int(chat_id) >= 1000]
    assert night and all(
        t.hour >= 6 and t.date() == ten_pm.astimezone(ZONE).date() + timedelta(days=1) for t in night
    )


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


async def test_broadcast_reaches_every_active_learner_exactly_once(database, sandbox, library):
    ids = await _seed(database, 120)
    rows = [
        outbox.Outgoing(
            BOT, chat(chat_id), "alert:1", outbox.URGENT, [{"type": "message", "text": "⚠️ test"}], EIGHT
        )
        for chat_id in ids
    ]
    await database.run(lambda c: outbox.enqueue(c, rows, EIGHT))
    await database.run(lambda c: outbox.enqueue(c, rows, EIGHT))  # a second enqueue is a no-op
    bot = _bot(sandbox)
    workers = [
        telegram_worker(database, bot, library, batch=7, worker_id=f"w{i}", clock=lambda: EIGHT)
        for i in range(3)
    ]
    await asyncio.gather(*(_drain(w) for w in workers))
    await bot.session.close()
    assert all(sandbox.sent_texts(chat_id) == ["⚠️ test"] for chat_id in ids)
    assert await _states(database) == {"sent": 120}


async def test_blocked_learners_are_marked_and_skipped(database, sandbox, library):
    ids = await _seed(database, 10)
    for chat_id in ids[:3]:
        await sandbox.learner(chat_id).block()
    await run_tick(database, library, "Asia/Ho_Chi_Minh", QUIET, EIGHT)
    bot = _bot(sandbox)
    for at in (timedelta(minutes=59), timedelta(minutes=59, seconds=10)):  # tips 5 s after lessons
        clock = lambda at=at: EIGHT + at  # noqa: E731
        await _drain(telegram_worker(database, bot, library, clock=clock))
    await bot.session.close()
    states = await _states(database)
    assert states.get("sent") == 14 and states.get("blocked") == 3 and states.get("dropped") == 3
    for chat_id in ids[:3]:
        learner = await database.run(
            lambda c, chat_id=chat_id: learners.to_state(learners.find(c, BOT, chat(chat_id)))
        )
        assert not learner.active
    again = await run_tick(database, library, "Asia/Ho_Chi_Minh", QUIET, EIGHT + timedelta(days=1))
    assert again.lessons == 0  # the 7 others are reading yesterday's lesson, the 3 are inactive


async def _tick_and_deliver(database, sandbox, library, at: datetime) -> TickReport:
    report = await run_tick(database, library, "Asia/Ho_Chi_Minh", QUIET, at)
    bot = _bot(sandbox)
    try:
        worker = telegram_worker(database, bot, library, clock=lambda: at + timedelta(minutes=59))
        await _drain(worker)
    finally:
        await bot.session.close()
    return report


async def test_reminders_rotate_and_stop_after_three(database, sandbox, library):
    await _seed(
        database,
        1,
        step=Step.READING,
        lesson_id=library.lesson_order[0],
        last_opened_on=EIGHT.date() - timedelta(days=10),
    )
    sent = []
    for day in range(0, 12, 2):
        report = await _tick_and_deliver(database, sandbox, library, EIGHT + timedelta(days=day))
        sent.append(report.reminders)
    assert sent == [1, 1, 1, 0, 0, 0]
    texts = sandbox.sent_texts(1)
    assert len(texts) == 3 and len(set(texts)) == 3
    assert not any(word in " ".join(texts).lower() for word in ("lười", "tại sao bạn", "phải học"))


async def test_a_429_pauses_the_bot_and_resumes_without_loss(database, library):
    from bot.settings import load_settings
    from bot.telegram.channel import make_bot
    from sandbox.telegram import FakeBotAPI, FloodLimits
    from scheduler.budget import Lane, Limits, LocalSendBudget

    # Telegram allows 20/s here but the deployment was told 60/s: Telegram answers 429s, the bot
    # pauses as told, and every message still arrives exactly once.
    api = FakeBotAPI(
        TOKEN, flood=FloodLimits(global_per_second=20, per_chat_per_second=5), allow_unknown_chats=True
    )
    await api.start()
    budget = LocalSendBudget(Limits(per_second=60))
    bot = make_bot(load_settings(_env_file=None, telegram_api_url=api.base_url), TOKEN, budget, Lane.BULK)
    started = datetime.now(UTC)
    try:
        ids = await _seed(database, 90)
        rows = [
            outbox.Outgoing(BOT, chat(c), "alert:2", outbox.URGENT, [{"type": "message", "text": "!"}], EIGHT)
            for c in ids
        ]
        await database.run(lambda c: outbox.enqueue(c, rows, EIGHT))
        worker = telegram_worker(  # a clock that runs, so rows put back after a 429 come due again
            database, bot, library, batch=30, clock=lambda: EIGHT + (datetime.now(UTC) - started)
        )
        while await _states(database) != {"sent": 90}:
            await _drain(worker)
            await asyncio.sleep(0.2)
    finally:
        await bot.session.close()
        await api.stop()
    assert api.stats.too_many_requests > 0
    assert all(api.stats.sent_per_chat[c] == 1 for c in ids)
    assert api.invalid_calls == []


async def test_quiet_hours_hold_everything_but_urgent_alerts(database, sandbox, library):
    ids = await _seed(database, 4)
    late = datetime(2026, 11, 23, 23, 0, tzinfo=ZONE).astimezone(UTC)
    rows = [
        outbox.Outgoing(
            BOT, chat(ids[0]), "alert:9", outbox.URGENT, [{"type": "message", "text": "urgent"}], late
        ),
        outbox.Outgoing(BOT, chat(ids[1]), "tip:x", outbox.NUDGE, [{"type": "message", "text": "tip"}], late),
        outbox.Outgoing(
            BOT, chat(ids[2]), "lesson:x", outbox.LESSON, [{"type": "message", "text": "lesson"}], late
        ),
    ]
    await database.run(lambda c: outbox.enqueue(c, rows, late))
    bot = _bot(sandbox)
    night = telegram_worker(database, bot, library, clock=lambda: late)
    await _drain(night)
    assert (
        sandbox.sent_texts(ids[0]) == ["urgent"]
        and not sandbox.sent_texts(ids[1])
        and not sandbox.sent_texts(ids[2])
    )
    morning = telegram_worker(database, bot, library, clock=lambda: late + timedelta(hours=8))
    await _drain(morning)
    await bot.session.close()
    assert sandbox.sent_texts(ids[1]) == ["tip"] and sandbox.sent_texts(ids[2]) == ["lesson"]


async def test_a_quiet_bot_wakes_when_the_learner_writes(database, sandbox, library):
    from flows.events import Command
    from service.turns import Turns
    from store.chat_locks import LocalChatLocks

    await _seed(
        database,
        1,
        step=Step.READING,
        lesson_id=library.lesson_order[0],
        last_opened_on=EIGHT.date() - timedelta(days=10),
    )
    for day in range(0, 8, 2):
        await _tick_and_deliver(database, sandbox, library, EIGHT + timedelta(days=day))
    state_row = await database.run(lambda c: learners.find(c, BOT, chat(1)))
    assert state_row["reminders_sent"] == 3
    turns = Turns(database, library, ZONE, LocalChatLocks(), BOT)
    await turns.take(chat(1), Command("progress"), "777")
    state_row = await database.run(lambda c: learners.find(c, BOT, chat(1)))
    assert state_row["reminders_sent"] == 0
    report = await run_tick(database, library, "Asia/Ho_Chi_Minh", QUIET, EIGHT + timedelta(days=10))
    assert report.reminders == 1


async def test_each_learner_gets_their_lesson_at_their_own_hour_and_zone(database, library):
    await _seed(database, 1, first=1)  # Vietnam, 8:00
    await _seed(database, 1, first=2)
    await database.run(
        lambda c: c.exec_driver_sql("UPDATE learners SET timezone = 'Asia/Tokyo' WHERE chat_id = '2'")
    )
    # 8:00 in Tokyo is 6:00 in Vietnam
    at_six_vietnam = EIGHT - timedelta(hours=2)
    report = await run_tick(database, library, "Asia/Ho_Chi_Minh", QUIET, at_six_vietnam)
    assert report.lessons == 1
    table = OutboxRow.__table__
    chats = await database.run(
        lambda c: c.execute(select(table.c.chat_id).where(table.c.campaign.like("lesson:%"))).scalars().all()
    )
    assert chats == [chat(2)]
    assert (await run_tick(database, library, "Asia/Ho_Chi_Minh", QUIET, EIGHT)).lessons == 1


async def test_learners_belong_to_the_bot_they_started(database, sandbox, library):
    await _seed(database, 3, first=1)
    other_bot = BotRef(TELEGRAM, "6262")
    other = [
        LearnerState(chat(c), step=Step.READY, onboarded=True, language="vi", lesson_hour=8) for c in (11, 12)
    ]
    await database.run(lambda c: learners.insert_many(c, other_bot, other))
    await run_tick(database, library, "Asia/Ho_Chi_Minh", QUIET, EIGHT)
    bot = _bot(sandbox)
    worker = telegram_worker(database, bot, library, clock=lambda: EIGHT + timedelta(minutes=59))
    await _drain(worker)
    await bot.session.close()
    assert all(sandbox.sent_texts(c) for c in (1, 2, 3))
    assert not sandbox.sent_texts(11) and not sandbox.sent_texts(12)
    table = OutboxRow.__table__
    waiting = await database.run(
        lambda c: c.execute(
            select(table.c.channel, table.c.bot_id, table.c.state).where(table.c.state == "pending")
        ).all()
    )
    # the other bot's learners still wait for their lessons; ours wait only for their tips, queued
    # 5 s after each lesson went out
    owners = sorted((channel, bot_id) for channel, bot_id, _ in waiting)
    assert owners == [(BOT.channel, BOT.bot_id)] * 3 + [(other_bot.channel, other_bot.bot_id)] * 2


async def test_no_reminder_for_the_lesson_sent_earlier_the_same_hour(database, sandbox, library):
    await _seed(database, 1, last_opened_on=EIGHT.date() - timedelta(days=8))  # back from a long pause
    first = await _tick_and_deliver(database, sandbox, library, EIGHT)
    later = await run_tick(database, library, "Asia/Ho_Chi_Minh", QUIET, EIGHT + timedelta(minutes=1))
    assert (first.lessons, first.reminders) == (1, 0)
    assert (later.lessons, later.reminders) == (0, 0)
    two_days_on = await run_tick(database, library, "Asia/Ho_Chi_Minh", QUIET, EIGHT + timedelta(days=2))
    assert two_days_on.reminders == 1  # the lesson is still unopened two days later: now a nudge


async def test_a_lesson_opened_by_hand_before_its_row_goes_out_is_not_sent_again(database, sandbox, library):
    """The tick queued today's lesson; the learner opened it themselves first. The row is written
    when it goes out, from the learner as they are then: nothing is sent twice, nothing undone."""
    from flows.events import Command
    from service.turns import Turns
    from store.chat_locks import LocalChatLocks

    await _seed(database, 1)
    report = await run_tick(database, library, "Asia/Ho_Chi_Minh", QUIET, EIGHT)
    assert report.lessons == 1
    turns = Turns(database, library, ZONE, LocalChatLocks(), BOT)
    await turns.take(chat(1), Command("lesson"), "501")
    opened = await turns.find(chat(1))
    assert opened is not None and opened.step == Step.READING
    bot = _bot(sandbox)
    worker = telegram_worker(database, bot, library, clock=lambda: EIGHT + timedelta(minutes=59))
    await _drain(worker)
    await bot.session.close()
    assert await _states(database) == {"dropped": 1}  # no second copy, and no tip for a lesson not sent
    after = await turns.find(chat(1))
    assert after is not None and after.step == Step.READING and after.lesson_id == opened.lesson_id


async def test_a_review_of_a_removed_question_gives_way_to_the_next(database, sandbox, library):
    from store.models import ReviewRow

    await _seed(database, 1)
    question = library.curriculum("vi").lessons[library.lesson_order[0]].questions[0]
    learner_id = (await database.run(lambda c: learners.find(c, BOT, chat(1))))["id"]
    reviews = ReviewRow.__table__
    await database.run(
        lambda c: c.execute(
            reviews.insert(),
            [
                {"learner_id": learner_id, "question_id": "m0-gone-q9", "box": 1, "due_on": EIGHT.date()},
                {"learner_id": learner_id, "question_id": question.id, "box": 1, "due_on": EIGHT.date()},
            ],
        )
    )
    await _tick_and_deliver(database, sandbox, library, EIGHT)
    assert any(question.question in text for text in sandbox.sent_texts(1))
    left = await database.run(lambda c: c.execute(select(reviews.c.question_id)).scalars().all())
    assert left == [question.id]


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_a_daily_message_and_a_turn_racing_both_keep_their_change(database, sandbox, library):
    """A learner's turn holds their row; the daily lesson, going out meanwhile, waits for it and
    then writes its change on top of the turn's, instead of undoing it or being undone."""
    from sqlalchemy import update

    await _seed(database, 1)
    await run_tick(database, library, "Asia/Ho_Chi_Minh", QUIET, EIGHT)
    table = learners.learners_table
    bot = _bot(sandbox)
    worker = telegram_worker(database, bot, library, clock=lambda: EIGHT + timedelta(minutes=59))
    try:
        async with database.engine.begin() as turn:  # a turn in the middle of its transaction
            await turn.execute(
                select(table).where(learners.of_bot(BOT), table.c.chat_id == chat(1)).with_for_update()
            )
            delivering = asyncio.create_task(_drain(worker))
            await asyncio.sleep(0.5)
            assert not delivering.done()  # the lesson waits for the learner's turn
            await turn.execute(
                update(table).where(learners.of_bot(BOT), table.c.chat_id == chat(1)).values(language="en")
            )
        await asyncio.wait_for(delivering, 10)
    finally:
        await bot.session.close()
    row = await database.run(lambda c: learners.find(c, BOT, chat(1)))
    assert row["language"] == "en" and row["step"] == "reading"  # both changes kept
    _greeting, lesson = sandbox.sent_texts(1)
    first = library.curriculum("en").lessons[library.lesson_order[0]]
    assert first.title in lesson  # written after the turn, from the state the turn left


async def test_older_adults_get_their_first_lesson_and_rest_the_day_after_one(database, library):
    await _seed(database, 1, first=1, group="older-adult")  # never studied
    await _seed(database, 1, first=2, group="older-adult", last_study_day=EIGHT.date() - timedelta(days=1))
    await _seed(database, 1, first=3, group="older-adult", last_study_day=EIGHT.date() - timedelta(days=2))
    await run_tick(database, library, "Asia/Ho_Chi_Minh", QUIET, EIGHT)
    table = OutboxRow.__table__
    chats = await database.run(
        lambda c: c.execute(select(table.c.chat_id).where(table.c.campaign.like("lesson:%"))).scalars().all()
    )
    assert sorted(chats) == [chat(1), chat(3)]
