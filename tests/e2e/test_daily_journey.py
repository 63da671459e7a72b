"""A whole deployment in one process (bot, scheduler and delivery roles) and a learner's days:
the lesson arrives at their hour, a wrong answer comes back for review, reminders stay gentle."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlalchemy import select

from bot.app import build_app, run_roles
from bot.settings import load_settings
from flows.state import Step
from scheduler.ticks import run_tick
from store.models import ReviewRow
from tests import options
from tests.e2e.conftest import TOKEN, _assert_clean
from tests.e2e.journey import onboard


async def test_daily_lesson_arrives_and_a_wrong_answer_comes_back_for_review(sandbox, tmp_path, library):
    hour = datetime.now(UTC).astimezone(load_settings(_env_file=None).zone).hour
    settings = load_settings(
        _env_file=None,
        bot_token=TOKEN,
        telegram_api_url=sandbox.base_url,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'all.db'}",
        quiet_hours="0-0",
        scheduler_interval=0.5,
    )
    app = await build_app(settings, library)
    roles = asyncio.create_task(run_roles(app, {"bot", "scheduler", "delivery"}))
    learner = sandbox.learner(4001, "Hạnh")
    try:
        await onboard(learner)  # chooses 7:00; moved to this hour so the scheduler finds them now
        await app.database.run(lambda c: c.exec_driver_sql(f"UPDATE learners SET lesson_hour = {hour}"))
        # the daily lesson leaves within the hour (spread); pull its time to now to keep the test short
        await asyncio.sleep(1.5)
        await app.database.run(
            lambda c: c.exec_driver_sql("UPDATE outbox SET not_before = '2000-01-01 00:00:00'")
        )
        await learner.wait_until(
            lambda: any("Việc làm hôm nay" in (m.text or "") for m in learner.messages), 15
        )
        learner.mark_read()
        lesson_id = (await app.turns.find("4001")).lesson_id
        lesson = library.curriculum("vi").lessons[lesson_id]
        await learner.press("Tôi đã đọc xong")
        await learner.wait_until(lambda: any("Câu 1/" in (m.text or "") for m in learner.messages), 10)
        learner.mark_read()
        wrong = (lesson.questions[0].correct_index + 1) % len(lesson.questions[0].options)
        await learner.press(options.label(learner.chat_id, lesson.questions[0], wrong))
        assert "❌" in ((await learner.wait_for_edit()).text or "")
        await learner.wait_for_messages(1)
        reviews = await app.database.run(lambda c: c.execute(select(ReviewRow.__table__)).mappings().all())
        assert [(r["question_id"], r["box"]) for r in reviews] == [(lesson.questions[0].id, 1)]
        # a day passes for the review: it falls due today, for the tick and the delivery alike
        today = datetime.now(UTC).astimezone(settings.zone).date()
        await app.database.run(lambda c: c.exec_driver_sql(f"UPDATE reviews SET due_on = '{today}'"))
        report = await run_tick(app.database, library, settings.timezone, app.quiet, datetime.now(UTC))
        assert report.reviews == 1
        await app.database.run(
            lambda c: c.exec_driver_sql("UPDATE outbox SET not_before = '2000-01-01 00:00:00'")
        )
        await learner.wait_until(lambda: any("Ôn lại" in (m.text or "") for m in learner.messages), 15)
        question = lesson.questions[0]
        right = question.correct_index
        await learner.press(options.label(learner.chat_id, question, right))
        assert "Đúng rồi" in ((await learner.wait_for_edit(10)).text or "")
        reviews = await app.database.run(lambda c: c.execute(select(ReviewRow.__table__)).mappings().all())
        assert [r["box"] for r in reviews] == [2]
        state = await app.turns.find("4001")
        assert state is not None and state.step == Step.QUIZ  # the lesson's quiz is still open
    finally:
        roles.cancel()
        await asyncio.gather(roles, return_exceptions=True)
        await app.close()
    _assert_clean(sandbox)
