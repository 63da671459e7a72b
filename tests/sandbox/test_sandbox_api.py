"""The sandbox as the real aiogram Bot sees it: results, errors, limits."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import pytest
from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramConflictError,
    TelegramForbiddenError,
    TelegramNotFound,
    TelegramRetryAfter,
)
from aiogram.methods import DeleteEphemeralMessage
from aiogram.types import (
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from sandbox.telegram import FakeBotAPI, FloodLimits
from tests.sandbox.conftest import LEARNER_ID, make_bot

pytestmark = pytest.mark.asyncio


def keyboard(*rows: list[tuple[str, str]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=text, callback_data=data) for text, data in row] for row in rows
        ]
    )


async def raw_call(api: FakeBotAPI, method: str, **fields: Any) -> tuple[int, dict[str, Any]]:
    """POST a form straight to the sandbox (for what aiogram would not send)."""
    data = {key: str(value) for key, value in fields.items()}
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{api.base_url}/bot{api.token}/{method}", data=data) as response,
    ):
        return response.status, await response.json()


async def test_get_me_and_send_message(sandbox: FakeBotAPI, bot: Bot) -> None:
    learner = sandbox.learner(LEARNER_ID, "Lan")
    me = await bot.get_me()
    assert me.is_bot and me.id == 123456
    first = await bot.send_message(
        LEARNER_ID,
        "<b>Xin chào</b> Lan!",
        parse_mode="HTML",
        reply_markup=keyboard([("Tiếng Việt", "lang:vi"), ("English", "lang:en")]),
    )
    second = await bot.send_message(LEARNER_ID, "Bài 1")
    assert isinstance(first, Message)
    assert first.text == "Xin chào Lan!"
    assert first.entities is not None and first.entities[0].type == "bold"
    assert first.from_user is not None and first.from_user.id == me.id
    assert first.chat.id == LEARNER_ID
    assert first.reply_markup is not None
    assert second.message_id == first.message_id + 1
    sent = learner.messages
    assert [m.text for m in sent] == ["Xin chào Lan!", "Bài 1"]
    assert sent[0].raw_text == "<b>Xin chào</b> Lan!"
    assert sent[0].inline_buttons == [[("Tiếng Việt", "lang:vi"), ("English", "lang:en")]]
    assert sandbox.sent_texts(LEARNER_ID) == ["Xin chào Lan!", "Bài 1"]
    assert sandbox.invalid_calls == []


async def test_invalid_html_is_rejected_and_recorded(sandbox: FakeBotAPI, bot: Bot) -> None:
    sandbox.learner(LEARNER_ID)
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await bot.send_message(LEARNER_ID, "Lãi 5% < 10% & hơn", parse_mode="HTML")
    assert len(sandbox.invalid_calls) == 1
    method, description = sandbox.invalid_calls[0]
    assert method == "sendMessage"
    assert description.startswith("Bad Request: can't parse entities")
    assert sandbox.messages(LEARNER_ID) == []


async def test_text_length_is_counted_after_markup(sandbox: FakeBotAPI, bot: Bot) -> None:
    sandbox.learner(LEARNER_ID)
    await bot.send_message(LEARNER_ID, "<b>" + "á" * 4096 + "</b>", parse_mode="HTML")
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(LEARNER_ID, "a" * 4097)
    with pytest.raises(TelegramBadRequest, match="caption is too long"):
        await bot.send_photo(LEARNER_ID, "https://example.org/p.jpg", caption="c" * 1025)
    assert [m for m, _ in sandbox.invalid_calls] == ["sendMessage", "sendPhoto"]


async def test_callback_data_limit_is_64_bytes(sandbox: FakeBotAPI, bot: Bot) -> None:
    sandbox.learner(LEARNER_ID)
    await bot.send_message(LEARNER_ID, "ok", reply_markup=keyboard([("x", "ệ" * 21 + "a")]))  # 64 bytes
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(LEARNER_ID, "no", reply_markup=keyboard([("x", "a" * 65)]))
    with pytest.raises(TelegramBadRequest, match="must be non-empty"):
        await bot.send_message(LEARNER_ID, "no", reply_markup=keyboard([(" ", "a")]))
    assert len(sandbox.invalid_calls) == 2


async def test_unknown_and_deprecated_parameters_are_rejected(sandbox: FakeBotAPI, bot: Bot) -> None:
    sandbox.learner(LEARNER_ID)
    # reply_to_message_id is not in Bot API 10.1 (reply_parameters replaced it).
    with pytest.raises(TelegramBadRequest, match='unknown parameter "reply_to_message_id"'):
        await bot.send_message(LEARNER_ID, "hi", reply_to_message_id=1)
    status, body = await raw_call(sandbox, "sendMessage", chat_id=LEARNER_ID, text="x", colour="red")
    assert status == 400
    assert body == {
        "ok": False,
        "error_code": 400,
        "description": 'Bad Request: unknown parameter "colour" for method sendMessage',
    }
    status, body = await raw_call(sandbox, "sendMessage", chat_id=LEARNER_ID)
    assert status == 400 and "text" in body["description"]
    assert len(sandbox.invalid_calls) == 3


async def test_parameter_types_are_checked(sandbox: FakeBotAPI) -> None:
    sandbox.learner(LEARNER_ID)
    status, body = await raw_call(sandbox, "getUpdates", limit="many")
    assert status == 400 and "expected Integer" in body["description"]
    status, body = await raw_call(
        sandbox, "sendMessage", chat_id=LEARNER_ID, text="x", disable_notification="maybe"
    )
    assert status == 400 and "Boolean" in body["description"]
    bad_button = '{"inline_keyboard":[[{"text":"x","callback":"y"}]]}'
    status, body = await raw_call(
        sandbox, "sendMessage", chat_id=LEARNER_ID, text="x", reply_markup=bad_button
    )
    assert status == 400 and 'unknown field "callback" in InlineKeyboardButton' in body["description"]
    status, body = await raw_call(sandbox, "sendMessage", chat_id=LEARNER_ID, text="x", reply_markup="{")
    assert status == 400
    assert len(sandbox.invalid_calls) == 4


async def test_unknown_method_is_not_found(sandbox: FakeBotAPI, bot: Bot) -> None:
    status, body = await raw_call(sandbox, "sendTelepathy", chat_id=LEARNER_ID)
    assert status == 404 and body["description"] == "Not Found"
    assert sandbox.invalid_calls[0] == ("sendTelepathy", "Not Found")
    # aiogram knows methods newer than the spec; the sandbox answers like an older server.
    with pytest.raises(TelegramNotFound):
        await bot(DeleteEphemeralMessage(chat_id=LEARNER_ID, receiver_user_id=1, ephemeral_message_id=1))
    status, body = await raw_call(sandbox, "GETME")  # method names are case-insensitive
    assert status == 200 and body["result"]["is_bot"] is True


async def test_method_without_a_handler_answers_true(sandbox: FakeBotAPI, bot: Bot) -> None:
    group = sandbox.group(-100500, "Lớp học")
    assert await bot.set_chat_description(group.chat_id, "Học vui, sống an toàn")
    assert sandbox.calls_to("setChatDescription")[0].params["description"] == "Học vui, sống an toàn"
    location = await bot.send_location(group.chat_id, latitude=10.77, longitude=106.7)
    assert location.location is not None
    assert group.messages[-1].media == "location"


async def test_long_poll_returns_update_pushed_while_waiting(sandbox: FakeBotAPI, bot: Bot) -> None:
    learner = sandbox.learner(LEARNER_ID, "Lan")
    loop = asyncio.get_running_loop()
    started = loop.time()
    waiting = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.1)
    await learner.send_text("/start")
    updates = await waiting
    assert loop.time() - started < 2
    assert len(updates) == 1
    message = updates[0].message
    assert message is not None and message.text == "/start"
    assert message.entities is not None and message.entities[0].type == "bot_command"
    # Without confirming, the same update comes again; the offset confirms it.
    again = await bot.get_updates(timeout=0)
    assert [u.update_id for u in again] == [updates[0].update_id]
    assert await bot.get_updates(offset=updates[0].update_id + 1, timeout=0) == []
    assert sandbox.pending_updates == 0


async def test_long_poll_times_out_empty(sandbox: FakeBotAPI, bot: Bot) -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()
    assert await bot.get_updates(timeout=1) == []
    assert loop.time() - started >= 0.9


async def test_update_ids_increase_and_limit_applies(sandbox: FakeBotAPI, bot: Bot) -> None:
    learner = sandbox.learner(LEARNER_ID)
    for index in range(5):
        await learner.send_text(f"m{index}")
    first = await bot.get_updates(limit=2)
    rest = await bot.get_updates(offset=first[-1].update_id + 1)
    ids = [u.update_id for u in first + rest]
    assert ids == sorted(ids) and len(set(ids)) == 5
    assert [u.message.text for u in first + rest if u.message] == [f"m{i}" for i in range(5)]


async def test_second_poller_terminates_the_first(sandbox: FakeBotAPI) -> None:
    first_bot, second_bot = make_bot(sandbox), make_bot(sandbox)
    try:
        first = asyncio.create_task(first_bot.get_updates(timeout=5))
        await asyncio.sleep(0.1)
        second = asyncio.create_task(second_bot.get_updates(timeout=1))
        with pytest.raises(TelegramConflictError, match="terminated by other getUpdates"):
            await first
        assert await second == []
    finally:
        await first_bot.session.close()
        await second_bot.session.close()


async def test_allowed_updates_filters_later_updates(sandbox: FakeBotAPI, bot: Bot) -> None:
    learner = sandbox.learner(LEARNER_ID)
    await bot.get_updates(allowed_updates=["message"])
    await bot.send_message(LEARNER_ID, "pick", reply_markup=keyboard([("A", "a")]))
    await learner.press("A")
    await learner.send_text("hello")
    updates = await bot.get_updates()
    assert [u.message.text for u in updates if u.message] == ["hello"]
    assert all(u.callback_query is None for u in updates)
    assert sandbox.stats.updates_filtered == 1


async def test_flood_limit_per_chat_answers_429(sandbox: FakeBotAPI, bot: Bot) -> None:
    sandbox.flood = FloodLimits(per_chat_burst=5, per_chat_per_second=1.0)
    sandbox.learner(LEARNER_ID)
    sandbox.learner(LEARNER_ID + 1)
    for index in range(5):
        await bot.send_message(LEARNER_ID, f"burst {index}")
    with pytest.raises(TelegramRetryAfter) as caught:
        await bot.send_message(LEARNER_ID, "one too many")
    assert caught.value.retry_after == 1
    assert "Too Many Requests: retry after 1" in caught.value.message
    assert sandbox.stats.too_many_requests == 1
    # Other chats and non-sending methods are not limited.
    await bot.send_message(LEARNER_ID + 1, "other chat")
    await bot.send_chat_action(LEARNER_ID, "typing")
    await bot.get_updates()
    assert len(sandbox.messages(LEARNER_ID)) == 5
    assert sandbox.invalid_calls == []


async def test_flood_response_shape(sandbox: FakeBotAPI) -> None:
    sandbox.flood = FloodLimits(per_chat_burst=1, per_chat_per_second=0.25)
    sandbox.learner(LEARNER_ID)
    assert (await raw_call(sandbox, "sendMessage", chat_id=LEARNER_ID, text="a"))[0] == 200
    status, body = await raw_call(sandbox, "sendMessage", chat_id=LEARNER_ID, text="b")
    assert status == 429
    assert body == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 4",
        "parameters": {"retry_after": 4},
    }


async def test_blocked_learner_answers_403(sandbox: FakeBotAPI, bot: Bot) -> None:
    learner = sandbox.learner(LEARNER_ID)
    await bot.send_message(LEARNER_ID, "before")
    await learner.block()
    assert learner.blocked
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await bot.send_message(LEARNER_ID, "after")
    with pytest.raises(TelegramForbiddenError):
        await bot.send_chat_action(LEARNER_ID, "typing")
    updates = await bot.get_updates()
    member_update = updates[-1].my_chat_member
    assert member_update is not None
    assert member_update.old_chat_member.status == "member"
    assert member_update.new_chat_member.status == "kicked"
    await learner.unblock()
    await bot.send_message(LEARNER_ID, "welcome back")
    assert sandbox.sent_texts(LEARNER_ID) == ["before", "welcome back"]
    assert sandbox.stats.forbidden == 2
    assert sandbox.invalid_calls == []


async def test_unknown_chats(sandbox: FakeBotAPI, bot: Bot) -> None:
    with pytest.raises(TelegramForbiddenError, match="bot can't initiate conversation"):
        await bot.send_message(777, "hello stranger")
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_message(-100777, "hello group")
    await sandbox.push_raw_update(
        {
            "message": {
                "message_id": 1,
                "date": 0,
                "chat": {"id": 777, "type": "private", "first_name": "Mai"},
                "from": {"id": 777, "is_bot": False, "first_name": "Mai"},
                "text": "hi",
            }
        }
    )
    await bot.send_message(777, "hello Mai")  # seen in an update: now allowed
    sandbox.allow_unknown_chats = True
    await bot.send_message(888, "broadcast")
    assert sandbox.sent_texts(888) == ["broadcast"]


async def test_commands_validate_and_round_trip(sandbox: FakeBotAPI, bot: Bot) -> None:
    commands = [
        BotCommand(command="start", description="Bắt đầu"),
        BotCommand(command="help", description="Trợ giúp"),
    ]
    assert await bot.set_my_commands(commands, language_code="vi")
    assert await bot.set_my_commands(commands[:1], scope=BotCommandScopeAllPrivateChats())
    assert [c.command for c in await bot.get_my_commands(language_code="vi")] == ["start", "help"]
    assert await bot.get_my_commands(language_code="en") == []
    assert sandbox.commands("vi")[1] == {"command": "help", "description": "Trợ giúp"}
    assert sandbox.commands(scope={"type": "all_private_chats"})[0]["command"] == "start"
    with pytest.raises(TelegramBadRequest, match="BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand(command="Start!", description="x")])
    with pytest.raises(TelegramBadRequest, match="DESCRIPTION_INVALID"):
        await bot.set_my_commands([BotCommand(command="start", description="")])
    with pytest.raises(TelegramBadRequest, match="language_code"):
        await bot.set_my_commands(commands, language_code="vie")
    assert await bot.delete_my_commands(language_code="vi")
    assert sandbox.commands("vi") == []
    assert len(sandbox.invalid_calls) == 3


async def test_multipart_document_keeps_bytes(sandbox: FakeBotAPI, bot: Bot) -> None:
    learner = sandbox.learner(LEARNER_ID)
    payload = "Báo cáo lừa đảo\n".encode() * 1000
    sent = await bot.send_document(
        LEARNER_ID,
        BufferedInputFile(payload, filename="bao-cao.txt"),
        caption="<i>Mẫu</i>",
        parse_mode="HTML",
    )
    assert sent.document is not None
    assert sent.document.file_name == "bao-cao.txt"
    assert sent.document.file_size == len(payload)
    assert sent.caption == "Mẫu"
    record = learner.messages[-1]
    assert record.media == "document"
    assert record.file_bytes == payload
    assert record.filename == "bao-cao.txt"
    assert record.text == "Mẫu"
    # The file can be re-sent by file_id and downloaded like from Telegram.
    again = await bot.send_document(LEARNER_ID, sent.document.file_id)
    assert again.document is not None and again.document.file_id == sent.document.file_id
    downloaded = await bot.download(sent.document.file_id)
    assert downloaded is not None and downloaded.read() == payload
    with pytest.raises(TelegramBadRequest, match="wrong file identifier"):
        await bot.send_document(LEARNER_ID, "no-such-file-id")


async def test_photo_and_voice(sandbox: FakeBotAPI, bot: Bot) -> None:
    learner = sandbox.learner(LEARNER_ID)
    photo = await bot.send_photo(LEARNER_ID, BufferedInputFile(b"\xff\xd8jpeg", filename="p.jpg"))
    voice = await bot.send_voice(LEARNER_ID, BufferedInputFile(b"OggS", filename="v.ogg"), duration=4)
    assert photo.photo and photo.photo[-1].file_id
    assert voice.voice is not None and voice.voice.duration == 4
    assert [m.media for m in learner.messages] == ["photo", "voice"]
    assert learner.messages[0].file_bytes == b"\xff\xd8jpeg"


async def test_poll_limits(sandbox: FakeBotAPI, bot: Bot) -> None:
    learner = sandbox.learner(LEARNER_ID)
    poll = await bot.send_poll(
        LEARNER_ID,
        "Tin nhắn này có phải lừa đảo?",
        ["Có", "Không"],
        type="quiz",
        correct_option_ids=[0],
        is_anonymous=False,
        explanation="Ngân hàng không bao giờ hỏi mã OTP.",
    )
    assert poll.poll is not None and poll.poll.type == "quiz"
    assert learner.messages[-1].poll is not None
    with pytest.raises(TelegramBadRequest, match="2-12 options"):
        await bot.send_poll(LEARNER_ID, "Q", [str(i) for i in range(13)])
    with pytest.raises(TelegramBadRequest, match="2-12 options"):
        await bot.send_poll(LEARNER_ID, "Q", ["only"])
    with pytest.raises(TelegramBadRequest, match="question"):
        await bot.send_poll(LEARNER_ID, "Q" * 301, ["a", "b"])
    with pytest.raises(TelegramBadRequest, match="option text"):
        await bot.send_poll(LEARNER_ID, "Q", ["a" * 101, "b"])
    with pytest.raises(TelegramBadRequest, match="explanation"):
        await bot.send_poll(
            LEARNER_ID, "Q", ["a", "b"], type="quiz", correct_option_ids=[0], explanation="e" * 201
        )
    with pytest.raises(TelegramBadRequest, match="correct_option_ids"):
        await bot.send_poll(LEARNER_ID, "Q", ["a", "b"], type="quiz", correct_option_ids=[2])
    assert len(sandbox.invalid_calls) == 6
    await learner.answer_poll([1])
    updates = await bot.get_updates()
    answer = updates[-2].poll_answer
    assert answer is not None and answer.option_ids == [1] and answer.poll_id == poll.poll.id
    assert updates[-1].poll is not None and updates[-1].poll.total_voter_count == 1


async def test_edits_delete_and_not_modified(sandbox: FakeBotAPI, bot: Bot) -> None:
    learner = sandbox.learner(LEARNER_ID)
    sent = await bot.send_message(LEARNER_ID, "Câu 1", reply_markup=keyboard([("A", "a"), ("B", "b")]))
    edited = await bot.edit_message_text(
        "Câu 1 — <b>đúng</b>", chat_id=LEARNER_ID, message_id=sent.message_id, parse_mode="HTML"
    )
    assert isinstance(edited, Message) and edited.text == "Câu 1 — đúng"
    record = learner.messages[-1]
    assert len(learner.messages) == 1  # an edit is not a new message
    assert record.text == "Câu 1 — đúng" and record.edited
    assert record.history[0].text == "Câu 1"
    assert record.history[0].button_labels == ["A", "B"]
    assert record.inline_buttons == []  # editing without reply_markup removes the keyboard
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text(
            "Câu 1 — <b>đúng</b>", chat_id=LEARNER_ID, message_id=sent.message_id, parse_mode="HTML"
        )
    await bot.edit_message_reply_markup(
        chat_id=LEARNER_ID, message_id=sent.message_id, reply_markup=keyboard([("Tiếp", "next")])
    )
    assert record.button_labels == ["Tiếp"]
    assert await bot.delete_message(LEARNER_ID, sent.message_id)
    assert record.deleted
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text("x", chat_id=LEARNER_ID, message_id=sent.message_id)
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await bot.delete_message(LEARNER_ID, 999)


async def test_reply_keyboards(sandbox: FakeBotAPI, bot: Bot) -> None:
    learner = sandbox.learner(LEARNER_ID)
    markup = ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text="📚 Bài học"), KeyboardButton(text="⚙️ Cài đặt")]],
        resize_keyboard=True,
    )
    sent = await bot.send_message(LEARNER_ID, "Menu", reply_markup=markup)
    assert sent.reply_markup is None  # Telegram echoes only inline keyboards
    assert learner.reply_keyboard == [["📚 Bài học", "⚙️ Cài đặt"]]
    await learner.choose("📚 Bài học")
    with pytest.raises(LookupError):
        await learner.choose("Nope")
    await bot.send_message(LEARNER_ID, "Bye", reply_markup=ReplyKeyboardRemove())
    assert learner.reply_keyboard is None
    assert learner.messages[-1].remove_keyboard


async def test_reply_parameters_must_point_at_a_message(sandbox: FakeBotAPI, bot: Bot) -> None:
    from aiogram.types import ReplyParameters

    learner = sandbox.learner(LEARNER_ID)
    mine = await learner.send_text("câu hỏi")
    await bot.send_message(LEARNER_ID, "trả lời", reply_parameters=ReplyParameters(message_id=mine))
    with pytest.raises(TelegramBadRequest, match="message to be replied not found"):
        await bot.send_message(LEARNER_ID, "x", reply_parameters=ReplyParameters(message_id=4242))


async def test_media_group_with_uploads(sandbox: FakeBotAPI, bot: Bot) -> None:
    from aiogram.types import InputMediaPhoto

    learner = sandbox.learner(LEARNER_ID)
    album: list[Any] = [
        InputMediaPhoto(
            media=BufferedInputFile(b"one", filename="1.jpg"), caption="<b>1</b>", parse_mode="HTML"
        ),
        InputMediaPhoto(media=BufferedInputFile(b"two", filename="2.jpg")),
    ]
    sent = await bot.send_media_group(LEARNER_ID, album)
    assert len(sent) == 2 and sent[0].media_group_id == sent[1].media_group_id
    assert [m.file_bytes for m in learner.messages] == [b"one", b"two"]
    assert learner.messages[0].text == "1"
    too_long: list[Any] = [InputMediaPhoto(media="https://example.org/a.jpg", caption="c" * 1025)] * 2
    with pytest.raises(TelegramBadRequest, match="caption is too long"):
        await bot.send_media_group(LEARNER_ID, too_long)
    assert len(learner.messages) == 2


async def test_json_body_query_string_and_token(sandbox: FakeBotAPI) -> None:
    sandbox.learner(LEARNER_ID)
    base = f"{sandbox.base_url}/bot{sandbox.token}"
    markup = {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}
    async with aiohttp.ClientSession() as session:
        payload = {"chat_id": LEARNER_ID, "text": "json", "reply_markup": markup}
        async with session.post(f"{base}/sendMessage", json=payload) as response:
            body = await response.json()
            assert response.status == 200 and body["result"]["reply_markup"] == markup
        async with session.get(
            f"{base}/sendMessage", params={"chat_id": LEARNER_ID, "text": "get"}
        ) as response:
            assert response.status == 200
        async with session.post(f"{sandbox.base_url}/bot1:wrong/getMe") as response:
            assert response.status == 401
            assert (await response.json())["description"] == "Unauthorized"
    assert sandbox.sent_texts(LEARNER_ID) == ["json", "get"]
