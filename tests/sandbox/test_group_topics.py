"""Forum supergroups: topics, messages in them, and the bot's sends with message_thread_id."""

from __future__ import annotations

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest

from sandbox.telegram import FakeBotAPI
from tests.sandbox.group_support import take_updates

pytestmark = pytest.mark.asyncio
FORUM_ID = -100400


async def test_members_write_in_topics(sandbox: FakeBotAPI, bot: Bot) -> None:
    forum = sandbox.group(FORUM_ID, "Cộng đồng", forum=True, creator=10)
    topic = forum.topic(5, "Cà phê sáng")
    assert topic.thread_id == 5 and forum.is_forum
    lan = forum.member(11, "Lan")
    await lan.send_text("/cafe", thread_id=5)
    await lan.in_topic(5).send_photo(caption="/cafe ảnh")
    await lan.send_text("/cafe")  # the General topic: no thread id
    updates = await take_updates(sandbox)
    created, in_topic, photo, general = (update["message"] for update in updates)
    assert created["forum_topic_created"]["name"] == "Cà phê sáng"
    assert created["message_id"] == 5
    assert created["chat"]["is_forum"] is True
    assert in_topic["message_thread_id"] == 5 and in_topic["is_topic_message"] is True
    # Telegram marks a topic message as a reply to the topic's first message.
    assert in_topic["reply_to_message"]["forum_topic_created"]["name"] == "Cà phê sáng"
    assert photo["message_thread_id"] == 5
    assert "message_thread_id" not in general and "is_topic_message" not in general
    mine = await lan.send_text("/cafe sữa", thread_id=5)
    await lan.edit_text(mine, "/cafe đen")
    [_, edited] = await take_updates(sandbox)
    assert edited["edited_message"]["message_thread_id"] == 5
    assert edited["edited_message"]["text"] == "/cafe đen"
    with pytest.raises(LookupError):
        await lan.send_text("x", thread_id=99)
    with pytest.raises(ValueError, match="not a forum"):
        sandbox.group(-100401, "Nhóm thường").topic(3, "x")


async def test_bot_sends_into_topics(sandbox: FakeBotAPI, bot: Bot) -> None:
    forum = sandbox.group(FORUM_ID, "Cộng đồng", forum=True, creator=10)
    forum.topic(5, "Cà phê sáng")
    sent = await bot.send_message(FORUM_ID, "Chào buổi sáng!", message_thread_id=5)
    assert sent.message_thread_id == 5 and sent.is_topic_message
    poll = await bot.send_poll(FORUM_ID, "Hôm nay uống gì?", ["Cà phê", "Trà"], message_thread_id=5)
    await bot.send_message(FORUM_ID, "Ngoài chủ đề")
    assert [m.text for m in forum.messages_in(5)] == ["Chào buổi sáng!", None]
    assert forum.messages_in(5)[1].message_id == poll.message_id
    assert [m.text for m in forum.messages_in(None)] == ["Ngoài chủ đề"]
    assert forum.messages[0].thread_id == 5
    with pytest.raises(TelegramBadRequest, match="Bad Request: message thread not found"):
        await bot.send_message(FORUM_ID, "?", message_thread_id=77)
    plain = sandbox.group(-100401, "Nhóm thường")
    with pytest.raises(TelegramBadRequest, match="message thread not found"):
        await bot.send_message(plain.chat_id, "?", message_thread_id=5)
    forum.close_topic(5)
    with pytest.raises(TelegramBadRequest, match="TOPIC_CLOSED"):
        await bot.send_message(FORUM_ID, "đã đóng", message_thread_id=5)
    forum.reopen_topic(5)
    await bot.send_message(FORUM_ID, "mở lại", message_thread_id=5)
    assert len(forum.messages_in(5)) == 3


async def test_bot_creates_a_topic_only_as_an_admin(sandbox: FakeBotAPI, bot: Bot) -> None:
    forum = sandbox.group(FORUM_ID, "Cộng đồng", forum=True, creator=10)
    with pytest.raises(TelegramBadRequest, match="not enough rights"):
        await bot.create_forum_topic(FORUM_ID, "Cà phê sáng")
    await forum.promote_bot(by_user_id=10)
    topic = await bot.create_forum_topic(FORUM_ID, "Cà phê sáng")
    await bot.send_message(FORUM_ID, "Mở quán!", message_thread_id=topic.message_thread_id)
    await forum.member(11, "Lan").send_text("một ly nâu", thread_id=topic.message_thread_id)
    assert forum.messages_in(topic.message_thread_id)[0].text == "Mở quán!"
    assert await bot.close_forum_topic(FORUM_ID, topic.message_thread_id)
    with pytest.raises(TelegramBadRequest, match="the chat is not a forum"):
        await bot.create_forum_topic(sandbox.group(-100401, "Nhóm thường").chat_id, "x")
