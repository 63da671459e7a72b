"""Whole journeys through Telegram's protocol: the real bot, the sandbox Bot API, HTTP between."""

from __future__ import annotations

import json

import aiohttp
import pytest

from sandbox.telegram import FloodLimits
from tests import options
from tests.e2e.conftest import SECRET, Running
from tests.e2e.journey import onboard, open_first_quiz, say, take_lesson, tap, texts


async def test_onboarding_to_the_second_lesson(polling: Running, library):
    api = polling.api
    lan = api.learner(1001, "Lan", language_code="vi")
    greeting = await say(lan, "/start", 2)
    assert "Bình dân học vụ số" in texts(greeting)
    assert greeting[1].button_labels == ["English", "Tiếng Việt"] or "Tiếng Việt" in greeting[1].button_labels
    await tap(lan, "Tiếng Việt")
    await tap(lan, "Người cao tuổi")
    province = await say(lan, "ha giang")
    assert "mấy giờ" in texts(province)
    done = await tap(lan, "7 giờ", 2)
    assert "7 giờ" in texts(done)
    assert lan.reply_keyboard and "📖 Bài học hôm nay" in lan.reply_keyboard[0]
    first = library.curriculum("vi").lessons[library.lesson_order[0]]
    lesson = await tap(lan, "Học bài đầu tiên")
    assert first.title in texts(lesson)
    await take_lesson(lan, library)
    assert "2/2" in (lan.messages[-1].text or "")
    second = library.curriculum("vi").lessons[library.lesson_order[1]]
    nxt = await tap(lan, "Học bài tiếp ngay")
    assert second.title in texts(nxt)
    await take_lesson(lan, library, right=False)
    progress = await say(lan, "📊 Kết quả của tôi")
    assert "Chiếc điện thoại của tôi: 2/8" in texts(progress) and "2/4 (50%)" in texts(progress)
    commands = [c for c in api.calls if c.method.lower() == "setmycommands"]
    assert {c.params.get("language_code") for c in commands} >= {"vi", "en"}


async def test_stop_pauses_and_start_resumes(polling: Running):
    api = polling.api
    learner = api.learner(1002, "Minh")
    await onboard(learner)
    stopped = await say(learner, "/stop")
    assert "/start" in texts(stopped)
    row = await polling.app.turns.find("1002")
    assert row is not None and row.paused
    resumed = await say(learner, "/start", 2)
    assert "quay lại" in texts(resumed)
    row = await polling.app.turns.find("1002")
    assert row is not None and not row.paused


async def test_mydata_sends_json_and_forget_deletes_it(polling: Running, library):
    api = polling.api
    learner = api.learner(1003, "Hoa")
    await onboard(learner)
    await tap(learner, "Học bài đầu tiên")
    await take_lesson(learner, library)
    [document] = await say(learner, "/mydata")
    assert document.method == "sendDocument" and document.filename and document.filename.endswith(".json")
    data = json.loads(document.file_bytes or b"{}")
    assert data["learner"]["province"] == "tuyen-quang" and len(data["quiz_answers"]) == 2
    await say(learner, "/forget")
    gone = await tap(learner, "Có, xóa hết")
    assert "Đã xóa" in texts(gone)
    assert await polling.app.turns.find("1003") is None


async def test_every_kind_of_bad_input_gets_an_answer_and_keeps_the_quiz(polling: Running, library):
    api = polling.api
    learner = api.learner(1004, "Tâm")
    await open_first_quiz(learner)
    senders = [
        learner.send_sticker,
        learner.send_photo,
        learner.send_voice,
        learner.send_video_note,
        learner.send_contact,
        learner.send_location,
        learner.send_document,
    ]
    for send in senders:
        await send()
        answer, again = await learner.wait_for_messages(2)
        assert answer.text and "Câu 1/2" in (again.text or ""), send.__name__
    expected = {"asdf": 2, "/unknown": 2, "/lesson": 2, "/progress": 1, "🙂": 2, "x" * 4000: 2}
    for text, count in expected.items():
        replies = await say(learner, text, count)
        assert all(r.text for r in replies)
    for data in ("ans:m9-nothing-q1:0", "lesson:extra", "x" * 64, "read:" + library.lesson_order[5]):
        query = await learner.press_data(data)
        stale, question = await learner.wait_for_messages(2)
        assert "cũ" in (stale.text or "") and "Câu 1/2" in (question.text or "")
        answer = api.callback_answer(query)
        assert answer is not None and answer.get("text")
    row = await polling.app.turns.find("1004")
    assert row is not None and row.step == "quiz" and row.question_index == 0
    await take_lesson_from_question(learner, library)


async def take_lesson_from_question(learner, library) -> None:
    lesson = library.curriculum("vi").lessons[library.lesson_order[0]]
    for question in lesson.questions:
        index = question.correct_index
        await learner.press(options.label(learner.chat_id, question, index))
        assert "✅" in ((await learner.wait_for_edit()).text or "")
        await learner.wait_for_messages(1)
    assert "2/2" in (learner.messages[-1].text or "")


async def test_a_redelivered_update_is_handled_once(polling: Running):
    api = polling.api
    learner = api.learner(1005, "Bình")
    await say(learner, "/start", 2)
    await tap(learner, "Tiếng Việt")
    api.resend_last_update()
    await learner.expect_silence(0.5)
    row = await polling.app.turns.find("1005")
    assert row is not None and row.step == "group"


async def test_blocking_the_bot_marks_the_learner_inactive(polling: Running):
    api = polling.api
    learner = api.learner(1006, "Cúc")
    await onboard(learner)
    await learner.block()
    await api.wait_delivered()
    for _ in range(50):
        row = await polling.app.turns.find("1006")
        if row is not None and not row.active:
            break
        await learner.wait_change(0.05)
    assert row is not None and not row.active


async def test_a_429_pauses_the_bot_and_nothing_is_lost(polling: Running):
    api = polling.api
    api.flood = FloodLimits(per_chat_per_second=1.0, per_chat_burst=1)
    learner = api.learner(1007, "Dũng")
    await learner.send_text("/start")
    replies = await learner.wait_for_messages(2, timeout=10)
    assert "Bình dân học vụ số" in texts(replies)
    assert api.stats.too_many_requests >= 1


async def test_webhook_journey_and_secret_is_enforced(webhook: Running, library):
    api = webhook.api
    learner = api.learner(2001, "Lan")
    await onboard(learner)
    lesson = await tap(learner, "Học bài đầu tiên")
    assert library.curriculum("vi").lessons[library.lesson_order[0]].title in texts(lesson)
    url = webhook.app.settings.webhook_url
    assert url is not None
    update = {
        "update_id": 999999,
        "message": {
            "message_id": 1,
            "date": 0,
            "chat": {"id": 2001, "type": "private"},
            "from": {"id": 2001, "is_bot": False, "first_name": "X"},
            "text": "/forget",
        },
    }
    async with aiohttp.ClientSession() as http:
        for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}):
            async with http.post(url, json=update, headers=headers) as response:
                assert response.status in (401, 403)
        async with http.post(
            url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
        ) as response:
            assert response.status == 200
    await learner.wait_for_messages(1)


@pytest.mark.parametrize("code", ["en-US", "vi"])
async def test_prompts_follow_the_phone_language_until_one_is_chosen(polling: Running, code):
    learner = polling.api.learner(3000 + len(code), "Khách", language_code=code)
    await say(learner, "/start", 2)
    welcome = learner.messages[0].text or ""
    assert ("Hello" in welcome) == code.startswith("en")


async def test_bad_webhook_requests_get_a_clear_answer_and_lose_nothing(webhook: Running, library):
    api = webhook.api
    url = webhook.app.settings.webhook_url
    assert url is not None
    good = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    async with aiohttp.ClientSession() as http:
        odd_secret = {"X-Telegram-Bot-Api-Secret-Token": "bí-mật".encode().decode("latin-1")}
        async with http.post(url, data=b"{}", headers=odd_secret) as response:
            assert response.status == 401
        for body in (b"{not json", b"\xff\xfe", b"[1, 2, 3]", b'"text"', b'{"update_id": "x"}'):
            async with http.post(url, data=body, headers=good) as response:
                assert response.status == 400, body
                assert await response.text()
    learner = api.learner(2002, "Mai")
    await onboard(learner)  # the bot still answers, and nothing failed behind its back
    lesson = await tap(learner, "Học bài đầu tiên")
    assert library.curriculum("vi").lessons[library.lesson_order[0]].title in texts(lesson)


async def test_a_strangers_redelivered_update_is_answered_once(polling: Running):
    api = polling.api
    stranger = api.learner(1009, "Khách")
    await say(stranger, "/help")  # never pressed /start: nothing about them is stored
    assert await polling.app.turns.find("1009") is None
    api.resend_last_update()
    await stranger.expect_silence(0.7)


async def test_a_forged_number_in_a_button_gets_the_stale_answer(polling: Running, library):
    api = polling.api
    learner = api.learner(1010, "Hùng")
    await open_first_quiz(learner)
    question = library.curriculum("vi").lessons[library.lesson_order[0]].questions[0]
    forged = (f"ans:{question.id}:²", f"ans:{question.id}:٣", "hour:²", "provpage:¹", f"rev:{question.id}:²")
    for data in forged:
        await learner.press_data(data)
        stale, again = await learner.wait_for_messages(2)
        assert "cũ" in (stale.text or "") and "Câu 1/2" in (again.text or ""), data
    row = await polling.app.turns.find("1010")
    assert row is not None and row.step == "quiz" and row.question_index == 0


async def test_on_telegram_too_a_typed_number_or_letter_answers_like_the_button(polling: Running, library):
    lan = polling.api.learner(1011, "Lan", language_code="vi")
    await open_first_quiz(lan)
    lesson = library.curriculum("vi").lessons[library.lesson_order[0]]
    first, second = lesson.questions[:2]
    right = options.number(lan.chat_id, first, first.correct_index)
    verdict, question = await say(lan, right, 2)  # the right option's number
    assert "Đúng rồi" in (verdict.text or "") and "Câu 2/2" in (question.text or "")
    wrong = (second.correct_index + 1) % len(second.options)
    verdict, score = await say(lan, options.letter(lan.chat_id, second, wrong).lower(), 2)  # its letter
    assert "❌" in (verdict.text or "") and "1/2" in (score.text or "")
    state = await polling.app.turns.find("1011")
    assert state is not None and lesson.id in state.completed and state.correct == 1
    assert polling.api.unanswered_callbacks() == []


async def test_two_learners_see_the_options_in_different_orders_and_both_are_scored_right(
    polling: Running, library
):
    question = library.curriculum("vi").lessons[library.lesson_order[0]].questions[0]
    first = 1021
    second = next(
        n for n in range(1022, 1100) if options.place(n, question, 0) != options.place(first, question, 0)
    )
    shown = {}
    for chat_id in (first, second):
        learner = polling.api.learner(chat_id, f"L{chat_id}", language_code="vi")
        await open_first_quiz(learner)
        asked = learner.messages[-1]
        shown[chat_id] = [label.split(". ", 1)[1] for label in asked.button_labels]
        await tap(learner, options.label(chat_id, question, question.correct_index), 1)
        state = await polling.app.turns.find(str(chat_id))
        assert state is not None and state.correct == 1  # the right option, wherever it stood
    assert shown[first] != shown[second]
    assert sorted(shown[first]) == sorted(shown[second]) == sorted(o.text for o in question.options)
