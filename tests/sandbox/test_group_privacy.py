"""Privacy mode: which group messages reach the bot, and getMe's report of it."""

from __future__ import annotations

import pytest
from aiogram import Bot

from sandbox.telegram import FakeBotAPI
from tests.sandbox.group_support import kinds, take_updates, texts

pytestmark = pytest.mark.asyncio
BOT_NAME = "hocvuso_sandbox_bot"


async def test_get_me_reports_privacy_mode(sandbox: FakeBotAPI, bot: Bot) -> None:
    me = await bot.get_me()
    assert me.username == BOT_NAME
    assert me.can_join_groups is True
    assert me.can_read_all_group_messages is False  # privacy mode is on by default
    sandbox.privacy_mode = False
    assert (await bot.get_me()).can_read_all_group_messages is True
    assert FakeBotAPI(privacy_mode=False, use_spec=False).privacy_mode is False


async def test_only_commands_replies_and_service_messages_reach_the_bot(
    sandbox: FakeBotAPI, bot: Bot
) -> None:
    group = sandbox.group(-100200, "Cà phê sáng")
    lan = group.member(2001, "Lan")
    await lan.send_text("chào cả nhà")
    await lan.send_text("/cafe")
    await lan.send_text(f"/cafe@{BOT_NAME} hôm nay")
    await lan.send_text("/cafe@some_other_bot")
    await lan.send_text("hãy gõ /cafe nhé")  # a command, but not at the start
    question = await bot.send_message(group.chat_id, "Hôm nay bạn uống gì?")
    await lan.send_text("cà phê sữa", reply_to=question.message_id)
    mine = await lan.send_text("ai đi cùng không?")
    await group.member(2002, "Minh").send_text("mình!", reply_to=mine)
    await lan.send_photo(caption="/cafe ảnh")
    await group.member(2003, "Hoa").leave()

    updates = await take_updates(sandbox)
    assert texts(updates) == ["/cafe", f"/cafe@{BOT_NAME} hôm nay", "cà phê sữa"]
    messages = [update["message"] for update in updates]
    assert messages[0]["entities"] == [{"type": "bot_command", "offset": 0, "length": 5}]
    assert messages[2]["reply_to_message"]["message_id"] == question.message_id
    assert messages[3]["caption"] == "/cafe ảnh"
    assert messages[4]["left_chat_member"]["id"] == 2003
    # Everything still shows in the group; the bot simply did not receive it.
    delivered = {post.raw.get("text"): post.delivered for post in group.member_messages}
    assert delivered["chào cả nhà"] is False
    assert delivered["/cafe@some_other_bot"] is False
    assert delivered["hãy gõ /cafe nhé"] is False
    assert delivered["mình!"] is False
    assert delivered["cà phê sữa"] is True
    assert "chào cả nhà  (not delivered to the bot)" in group.transcript()


async def test_privacy_off_or_admin_bot_receives_everything(sandbox: FakeBotAPI) -> None:
    group = sandbox.group(-100201, "Nhóm")
    member = group.member(2001, "Lan")
    await member.send_text("một")
    sandbox.privacy_mode = False
    await member.send_text("hai")
    sandbox.privacy_mode = True
    await group.promote_bot(by_user_id=2001)
    await member.send_text("ba")
    updates = await take_updates(sandbox)
    assert kinds(updates) == ["message", "my_chat_member", "message"]
    assert texts(updates) == ["hai", "ba"]
    assert updates[1]["my_chat_member"]["new_chat_member"]["status"] == "administrator"
    # Private chats are never filtered.
    await sandbox.learner(1001).send_text("xin chào")
    assert texts(await take_updates(sandbox)) == ["xin chào"]


async def test_an_edit_reaches_the_bot_only_if_the_message_did(sandbox: FakeBotAPI) -> None:
    group = sandbox.group(-100202, "Nhóm")
    member = group.member(2001, "Lan")
    plain = await member.send_text("chào")
    command = await member.send_text("/cafe")
    await member.edit_text(plain, "chào buổi sáng")
    await member.edit_text(command, "/cafe sữa đá")
    updates = await take_updates(sandbox)
    assert kinds(updates) == ["message", "edited_message"]
    assert updates[1]["edited_message"]["text"] == "/cafe sữa đá"


async def test_nothing_reaches_a_bot_that_is_not_in_the_group(sandbox: FakeBotAPI) -> None:
    group = sandbox.group(-100203, "Nhóm", with_bot=False)
    await group.member(2001, "Lan").send_text("/cafe")
    assert await take_updates(sandbox) == []
    assert group.member_messages[0].delivered is False
