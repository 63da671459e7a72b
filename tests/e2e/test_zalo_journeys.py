"""A learner on Zalo, end to end: the real bot against the Zalo sandbox, answering only by
typing, and receiving plain text with no markup."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import aiohttp

from flows.state import Step
from scheduler.ticks import run_tick
from service import alerts
from tests import options
from tests.e2e.conftest import free_port
from tests.e2e.zalo_support import WEBHOOK_SECRET, number_of, running, say, zalo_settings


async def onboard_by_numbers(user) -> str:
    text = await say(user, "xin chào")  # no start button on Zalo: the first message starts
    assert "1. " in text and "Tiếng Việt" in text
    text = await say(user, number_of(text, "Tiếng Việt"))
    text = await say(user, number_of(text, "Người dân"))
    text = await say(user, "Huế")  # a province may also be typed by name
    return await say(user, number_of(text, "7 giờ"))


async def test_onboarding_then_a_lesson_answered_by_number_and_by_letter(zalo, tmp_path, library):
    async with running(zalo_settings(zalo, tmp_path), library, zalo) as run:
        lan = zalo.user("Lan")
        done = await onboard_by_numbers(lan)
        assert "7 giờ" in done
        chat_id = lan.chat_id
        state = await run.app.turns.find(chat_id)
        assert state is not None and state.onboarded and state.province == "hue" and state.lesson_hour == 7
        lesson_text = await say(lan, "bài học")  # words work as commands
        lesson = library.curriculum("vi").lessons[library.lesson_order[0]]
        assert lesson.title in lesson_text and "<b>" not in lesson_text
        question_text = await say(lan, number_of(lesson_text, "Tôi đã đọc xong"))
        first, second = lesson.questions[:2]
        right = first.options[first.correct_index].text
        shown = f"{options.number(chat_id, first, first.correct_index)}. "
        shown += f"{options.letter(chat_id, first, first.correct_index)}. {right}"
        assert shown in question_text
        after_first = await say(lan, options.number(chat_id, first, first.correct_index))  # by number
        assert "Đúng rồi" in after_first and "Câu 2/2" in after_first
        wrong = (second.correct_index + 1) % len(second.options)
        after_second = await say(lan, options.letter(chat_id, second, wrong).lower())  # by letter
        assert "Chưa đúng" in after_second
        state = await run.app.turns.find(chat_id)
        assert state is not None and lesson.id in state.completed and state.step == Step.READY
        progress = await say(lan, "tiến độ")
        assert "1" in progress


async def test_stickers_pictures_and_unknown_words_get_a_short_answer(zalo, tmp_path, library):
    async with running(zalo_settings(zalo, tmp_path), library, zalo) as run:
        lan = zalo.user("Lan")
        await lan.send_sticker()  # a sticker as the very first message starts onboarding too
        [hello, *_] = await_all = await _all(lan)
        assert "Tiếng Việt" in "\n".join(m.body for m in await_all)
        await lan.send_image()
        answer = "\n".join(m.body for m in await _all(lan))
        assert "chữ" in answer or "text" in answer
        assert (await run.app.turns.find(lan.chat_id)).step == Step.LANGUAGE
        assert hello.body


async def _all(user):
    from tests.e2e.zalo_support import replies

    return await replies(user)


async def test_mydata_comes_as_text_and_forget_by_words_deletes_everything(zalo, tmp_path, library):
    async with running(zalo_settings(zalo, tmp_path), library, zalo) as run:
        lan = zalo.user("Lan")
        await onboard_by_numbers(lan)
        data = await say(lan, "dữ liệu của tôi")
        assert '"province": "hue"' in data and lan.chat_id in data
        asked = await say(lan, "xoá dữ liệu")
        gone = await say(lan, number_of(asked, "Có, xóa hết"))
        assert "xóa" in gone.lower()
        assert await run.app.turns.find(lan.chat_id) is None


async def test_a_daily_lesson_and_a_long_alert_reach_a_zalo_learner_through_the_outbox(
    zalo, tmp_path, library
):
    settings = zalo_settings(zalo, tmp_path, quiet_hours="0-0")
    async with running(settings, library, zalo) as run:
        from bot.app import delivery_workers

        lan = zalo.user("Lan")
        await onboard_by_numbers(lan)
        hour = datetime.now(UTC).astimezone(settings.zone).hour
        database = run.app.database
        await database.run(lambda c: c.exec_driver_sql(f"UPDATE learners SET lesson_hour = {hour}"))
        await run_tick(database, library, settings.timezone, run.app.quiet, datetime.now(UTC))
        await database.run(
            lambda c: c.exec_driver_sql("UPDATE outbox SET not_before = '2000-01-01 00:00:00'")
        )
        long_text = "\n\n".join(f"Đoạn {n}: " + "cẩn thận với tin nhắn lạ. " * 12 for n in range(12))
        assert len(long_text) > 3000
        draft = alerts.Draft({"vi": long_text, "en": long_text})
        now = datetime.now(UTC)
        _, queued = await database.run(
            lambda c: alerts.create(c, draft, alerts.Audience(channels=("zalo",)), library, now)
        )
        assert queued == 1
        [worker] = delivery_workers(run.app)
        stop = asyncio.Event()
        draining = asyncio.create_task(worker.run(stop))
        try:
            await lan.wait_for(1, 10)  # the alert goes first; then the lesson and its tip
            await asyncio.sleep(0.1)
            deadline = asyncio.get_running_loop().time() + 20
            while asyncio.get_running_loop().time() < deadline and not any(
                "Việc làm hôm nay" in m.body for m in lan.messages
            ):
                await asyncio.sleep(0.2)
        finally:
            stop.set()
            await draining
        bodies = [m.body for m in lan.messages]
        parts = [b for b in bodies if "Đoạn" in b]
        assert len(parts) >= 2 and all(len(b) <= 2000 for b in bodies)
        assert all(not p.rstrip().endswith("cẩn") for p in parts)  # cut between paragraphs
        assert any("Việc làm hôm nay" in b for b in bodies)
        assert not any(m.has_markup for m in lan.messages)


async def test_webhook_mode_answers_and_refuses_a_wrong_secret(zalo, tmp_path, library):
    port = free_port()
    settings = zalo_settings(
        zalo,
        tmp_path,
        zalo_webhook_url=f"http://127.0.0.1:{port}/zalo",
        zalo_webhook_secret=WEBHOOK_SECRET,
        zalo_webhook_listen=f"127.0.0.1:{port}",
    )
    async with running(settings, library, zalo) as run:
        lan = zalo.user("Lan")
        text = await say(lan, "chào")
        assert "Tiếng Việt" in text
        update = {
            "event_name": "message.text.received",
            "message": {
                "message_id": "ffee01", "date": 1, "text": "xin chào",
                "chat": {"id": "abcdef0123", "chat_type": "PRIVATE"},
                "from": {"id": "abcdef0123", "display_name": "Kẻ giả", "is_bot": False},
            },
        }  # fmt: skip
        async with aiohttp.ClientSession() as http:
            for headers in ({}, {"X-Bot-Api-Secret-Token": "wrong-secret"}):
                async with http.post(f"http://127.0.0.1:{port}/zalo", json=update, headers=headers) as answer:
                    assert answer.status == 401
            async with http.post(
                f"http://127.0.0.1:{port}/zalo",
                data=b"not json",
                headers={"X-Bot-Api-Secret-Token": WEBHOOK_SECRET},
            ) as answer:
                assert answer.status == 400
        await asyncio.sleep(0.3)
        assert await run.app.turns.find("abcdef0123") is None
