"""Playing learners: pressing buttons, waiting for replies, groups, redelivery."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from aiogram import Bot, Dispatcher, F
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import CommandStart
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from sandbox.telegram import FakeBotAPI, FloodLimits
from tests.sandbox.conftest import LEARNER_ID

pytestmark = pytest.mark.asyncio


def language_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(text="🇻🇳 Tiếng Việt", callback_data="lang:vi"),
                InlineKeyboardButton(text="🇬🇧 English", callback_data="lang:en"),
            ],
            [InlineKeyboardButton(text="Website", url="https://example.org")],
        ]
    )


async def test_press_by_label_sends_the_button_data(sandbox: FakeBotAPI, bot: Bot) -> None:
    learner = sandbox.learner(LEARNER_ID, "Lan")
    sent = await bot.send_message(LEARNER_ID, "Chọn ngôn ngữ", reply_markup=language_keyboard())
    query_id = await learner.press("Tiếng Việt")  # substring match
    updates = await bot.get_updates()
    query = updates[-1].callback_query
    assert query is not None
    assert query.id == query_id
    assert query.data == "lang:vi"
    assert query.from_user.id == LEARNER_ID
    assert query.message is not None and query.message.message_id == sent.message_id
    assert sandbox.unanswered_callbacks()[0]["id"] == query_id
    assert await bot.answer_callback_query(query_id, text="Đã chọn")
    assert sandbox.unanswered_callbacks() == []
    assert sandbox.callback_answer(query_id) == {"text": "Đã chọn", "show_alert": False, "url": None}
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query(query_id)


async def test_press_prefers_exact_labels_and_newest_messages(sandbox: FakeBotAPI, bot: Bot) -> None:
    learner = sandbox.learner(LEARNER_ID)
    await bot.send_message(LEARNER_ID, "old", reply_markup=language_keyboard())
    newer = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="English", callback_data="new:en")]]
    )
    await bot.send_message(LEARNER_ID, "new", reply_markup=newer)
    await learner.press("English")
    await learner.press("🇬🇧 English")
    updates = await bot.get_updates()
    assert [u.callback_query.data for u in updates if u.callback_query] == ["new:en", "lang:en"]


async def test_press_unknown_label_lists_available(sandbox: FakeBotAPI, bot: Bot) -> None:
    learner = sandbox.learner(LEARNER_ID)
    await bot.send_message(LEARNER_ID, "Chọn", reply_markup=language_keyboard())
    with pytest.raises(LookupError, match="available") as caught:
        await learner.press("Deutsch")
    assert "🇻🇳 Tiếng Việt" in str(caught.value)
    with pytest.raises(LookupError):
        await learner.press("Website")  # a URL button has no callback


async def test_press_data_forges_a_callback(sandbox: FakeBotAPI, bot: Bot) -> None:
    learner = sandbox.learner(LEARNER_ID)
    sent = await bot.send_message(LEARNER_ID, "Chọn", reply_markup=language_keyboard())
    await learner.press_data("forged:token")
    updates = await bot.get_updates()
    query = updates[-1].callback_query
    assert query is not None and query.data == "forged:token"
    assert query.message is not None and query.message.message_id == sent.message_id


async def test_wait_for_messages_counts_from_the_last_action(sandbox: FakeBotAPI, bot: Bot) -> None:
    learner = sandbox.learner(LEARNER_ID)
    await bot.send_message(LEARNER_ID, "stale")
    await learner.send_text("hi")  # "stale" was before my action: not new

    async def reply_later() -> None:
        await asyncio.sleep(0.05)
        await bot.send_message(LEARNER_ID, "one")
        await bot.send_message(LEARNER_ID, "two")
        await bot.send_message(LEARNER_ID, "three")

    replying = asyncio.create_task(reply_later())
    assert [m.text for m in await learner.wait_for_messages(2)] == ["one", "two"]
    assert [m.text for m in await learner.wait_for_messages(1)] == ["three"]
    await replying
    with pytest.raises(TimeoutError, match="transcript") as caught:
        await learner.wait_for_messages(1, timeout=0.1)
    assert "bot: three" in str(caught.value)
    await learner.expect_silence(0.05)


async def test_wait_for_edit(sandbox: FakeBotAPI, bot: Bot) -> None:
    learner = sandbox.learner(LEARNER_ID)
    sent = await bot.send_message(LEARNER_ID, "Câu hỏi", reply_markup=language_keyboard())
    await learner.press("English")

    async def edit_later() -> None:
        await asyncio.sleep(0.05)
        await bot.edit_message_text("Answered", chat_id=LEARNER_ID, message_id=sent.message_id)

    editing = asyncio.create_task(edit_later())
    edited = await learner.wait_for_edit(timeout=2)
    await editing
    assert edited.message_id == sent.message_id and edited.text == "Answered"
    assert len(learner.messages) == 1


async def test_learner_media_and_edits_reach_the_bot(sandbox: FakeBotAPI, bot: Bot) -> None:
    learner = sandbox.learner(LEARNER_ID, "Lan")
    await learner.send_sticker()
    await learner.send_photo(caption="ảnh chụp màn hình")
    await learner.send_voice()
    await learner.send_document(b"%PDF", "hoa-don.pdf")
    await learner.send_contact()
    await learner.send_location()
    await learner.send_video_note()
    mine = await learner.send_text("typo")
    await learner.edit_text(mine, "fixed")
    updates = await bot.get_updates()
    messages = [u.message for u in updates if u.message]
    assert messages[0].sticker is not None
    assert messages[1].photo and messages[1].caption == "ảnh chụp màn hình"
    assert messages[2].voice is not None
    assert messages[3].document is not None and messages[3].document.file_name == "hoa-don.pdf"
    assert messages[4].contact is not None and messages[4].contact.user_id == LEARNER_ID
    assert messages[5].location is not None
    assert messages[6].video_note is not None
    assert updates[-1].edited_message is not None and updates[-1].edited_message.text == "fixed"
    document = messages[3].document
    downloaded = await bot.download(document.file_id)
    assert downloaded is not None and downloaded.read() == b"%PDF"


async def test_resend_last_update_redelivers_the_same_id(sandbox: FakeBotAPI, bot: Bot) -> None:
    learner = sandbox.learner(LEARNER_ID)
    await learner.send_text("/start")
    first = await bot.get_updates()
    await bot.get_updates(offset=first[-1].update_id + 1)  # confirmed
    assert sandbox.resend_last_update() == first[-1].update_id
    again = await bot.get_updates(offset=first[-1].update_id + 1)
    assert [u.update_id for u in again] == [first[-1].update_id]
    message = again[0].message
    assert message is not None
    raw_id = await sandbox.push_raw_update(
        {"update_id": 10_000, "message": message.model_dump(mode="json", by_alias=True, exclude_none=True)}
    )
    assert raw_id == 10_000
    await learner.send_text("next")
    latest = await bot.get_updates(offset=again[-1].update_id + 1)
    assert [u.update_id for u in latest] == [10_000, 10_001]


async def test_group_members_and_group_limits(sandbox: FakeBotAPI, bot: Bot) -> None:
    sandbox.flood = FloodLimits(per_chat_burst=100, per_chat_per_second=100, per_group_per_minute=3)
    sandbox.privacy_mode = False  # plain text reaches the bot (see test_groups.py for privacy mode)
    group = sandbox.group(-100123, "Lớp an toàn số")
    await group.member(2002, "Minh").send_text("Chào cả lớp")
    updates = await bot.get_updates()
    message = updates[-1].message
    assert message is not None and message.chat.type == "supergroup"
    assert message.from_user is not None and message.from_user.first_name == "Minh"
    for index in range(3):
        await bot.send_message(group.chat_id, f"post {index}")
    from aiogram.exceptions import TelegramForbiddenError, TelegramRetryAfter

    with pytest.raises(TelegramRetryAfter):
        await bot.send_message(group.chat_id, "too many")
    assert [m.text for m in group.messages] == ["post 0", "post 1", "post 2"]
    await group.remove_bot()
    with pytest.raises(TelegramForbiddenError, match="bot is not a member of the supergroup chat"):
        await bot.send_message(group.chat_id, "still here?")


async def test_group_member_presses_a_button(sandbox: FakeBotAPI, bot: Bot) -> None:
    group = sandbox.group(-100321, "Nhóm")
    await bot.send_message(group.chat_id, "Ai trả lời?", reply_markup=language_keyboard())
    await group.member(3003, "Hoa").press("English")
    updates = await bot.get_updates()
    query = updates[-1].callback_query
    assert query is not None and query.from_user.id == 3003 and query.data == "lang:en"


@pytest_asyncio.fixture
async def running_bot(bot: Bot) -> AsyncIterator[Dispatcher]:
    """A real aiogram Dispatcher polling the sandbox."""
    dispatcher = Dispatcher()

    @dispatcher.message(CommandStart())
    async def start(message: Message) -> None:
        await message.answer("Chọn ngôn ngữ / Choose a language", reply_markup=language_keyboard())

    @dispatcher.callback_query(F.data.startswith("lang:"))
    async def choose(query: CallbackQuery) -> None:
        assert isinstance(query.message, Message)
        await query.answer()
        await query.message.edit_text("<b>Xin chào!</b>", parse_mode="HTML")
        await query.message.answer("Bài 1: Mật khẩu mạnh")

    polling = asyncio.create_task(
        dispatcher.start_polling(bot, handle_signals=False, close_bot_session=False, polling_timeout=1)
    )
    await asyncio.sleep(0.05)
    try:
        yield dispatcher
    finally:
        with contextlib.suppress(RuntimeError):
            await dispatcher.stop_polling()
        await asyncio.wait_for(polling, 5)


async def test_journey_with_a_polling_dispatcher(sandbox: FakeBotAPI, running_bot: Dispatcher) -> None:
    learner = sandbox.learner(LEARNER_ID, "Lan")
    await learner.send_text("/start")
    [welcome] = await learner.wait_for_messages(1)
    assert welcome.button_labels == ["🇻🇳 Tiếng Việt", "🇬🇧 English", "Website"]
    await learner.press("Tiếng Việt")
    [lesson] = await learner.wait_for_messages(1)
    assert lesson.text == "Bài 1: Mật khẩu mạnh"
    assert welcome.text == "Xin chào!" and welcome.history[0].button_labels[0] == "🇻🇳 Tiếng Việt"
    await sandbox.wait_delivered()
    assert sandbox.unanswered_callbacks() == []
    assert sandbox.invalid_calls == []
