"""getChatMember and getChatAdministrators, anonymous administrators, chat_member updates."""

from __future__ import annotations

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import (
    ChatMemberAdministrator,
    ChatMemberBanned,
    ChatMemberLeft,
    ChatMemberMember,
    ChatMemberOwner,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
)

from sandbox.telegram import GROUP_ANONYMOUS_BOT, FakeBotAPI
from tests.sandbox.group_support import assert_shape, kinds, raw_call, take_updates

pytestmark = pytest.mark.asyncio
GROUP_ID = -100300


async def test_get_chat_member_statuses(sandbox: FakeBotAPI, bot: Bot) -> None:
    group = sandbox.group(GROUP_ID, "Cà phê sáng", creator=10)
    group.member(10, "Chủ nhóm")
    group.member(11, "Lan")
    group.member(12, "Minh")
    group.set_admin(12)
    await group.member(13, "Hoa").leave()
    group.ban(14)
    sandbox.learner(15, "Mai")  # known to the bot, never in the group

    assert isinstance(await bot.get_chat_member(GROUP_ID, 10), ChatMemberOwner)
    admin = await bot.get_chat_member(GROUP_ID, 12)
    assert isinstance(admin, ChatMemberAdministrator) and admin.is_anonymous is False
    assert isinstance(await bot.get_chat_member(GROUP_ID, 11), ChatMemberMember)
    assert isinstance(await bot.get_chat_member(GROUP_ID, 13), ChatMemberLeft)
    banned = await bot.get_chat_member(GROUP_ID, 14)
    assert isinstance(banned, ChatMemberBanned) and banned.until_date is not None
    assert isinstance(await bot.get_chat_member(GROUP_ID, 15), ChatMemberLeft)
    me = await bot.get_chat_member(GROUP_ID, sandbox.bot_user["id"])
    assert isinstance(me, ChatMemberMember) and me.user.id == sandbox.bot_user["id"]
    for user_id in (10, 11, 12, 13, 14, 15):
        status, body = await raw_call(sandbox, "getChatMember", chat_id=GROUP_ID, user_id=user_id)
        assert status == 200
        assert_shape(sandbox, "ChatMember", body["result"])

    with pytest.raises(TelegramBadRequest, match="Bad Request: chat not found"):
        await bot.get_chat_member(-100999, 10)
    with pytest.raises(TelegramBadRequest, match="user not found"):
        await bot.get_chat_member(GROUP_ID, 424242)  # nobody anywhere has this id


async def test_roles_change_and_administrators_are_listed(sandbox: FakeBotAPI, bot: Bot) -> None:
    group = sandbox.group(GROUP_ID, "Nhóm", creator=10)
    assert [m.user.id for m in await bot.get_chat_administrators(GROUP_ID)] == [10]
    group.set_admin(11, custom_title="Barista")
    admins = await bot.get_chat_administrators(GROUP_ID)
    assert [(m.status, m.user.id) for m in admins] == [("creator", 10), ("administrator", 11)]
    assert isinstance(admins[1], ChatMemberAdministrator) and admins[1].custom_title == "Barista"
    group.set_admin(11, "creator")  # ownership moves; the former owner stays an administrator
    assert (await bot.get_chat_member(GROUP_ID, 11)).status == "creator"
    assert (await bot.get_chat_member(GROUP_ID, 10)).status == "administrator"
    group.set_admin(10, "member")
    assert (await bot.get_chat_member(GROUP_ID, 10)).status == "member"
    await group.promote_bot()
    admins = await bot.get_chat_administrators(GROUP_ID)
    assert [m.user.id for m in admins] == [11, sandbox.bot_user["id"]]
    status, body = await raw_call(sandbox, "getChatAdministrators", chat_id=GROUP_ID)
    assert status == 200
    for member in body["result"]:
        assert_shape(sandbox, "ChatMember", member)
    assert await bot.get_chat_member_count(GROUP_ID) == 3  # 10, 11 and the bot
    with pytest.raises(TelegramBadRequest, match="no administrators in the private chat"):
        sandbox.learner(1001)
        await bot.get_chat_administrators(1001)


async def test_anonymous_admin_writes_as_the_group(sandbox: FakeBotAPI, bot: Bot) -> None:
    group = sandbox.group(GROUP_ID, "Cà phê sáng", creator=10)
    admin = group.anonymous_admin(77, "Lan", custom_title="Chủ quán")
    await admin.send_text("/settings")
    [update] = await take_updates(sandbox)
    message = update["message"]
    assert message["from"] == GROUP_ANONYMOUS_BOT
    assert message["sender_chat"]["id"] == GROUP_ID
    assert message["author_signature"] == "Chủ quán"
    # The real person is the administrator; GroupAnonymousBot is no participant of the group.
    assert (await bot.get_chat_member(GROUP_ID, GROUP_ANONYMOUS_BOT["id"])).status == "left"
    real = await bot.get_chat_member(GROUP_ID, 77)
    assert isinstance(real, ChatMemberAdministrator) and real.is_anonymous is True
    assert 77 in [m.user.id for m in await bot.get_chat_administrators(GROUP_ID)]
    # A button they press reports their own id, not the anonymous one.
    button = InlineKeyboardButton(text="7:00", callback_data="t:7")
    await bot.send_message(
        GROUP_ID, "Chọn giờ", reply_markup=InlineKeyboardMarkup(inline_keyboard=[[button]])
    )
    await admin.press("7:00")
    [press] = await take_updates(sandbox)
    assert press["callback_query"]["from"]["id"] == 77
    await admin.edit_text(message["message_id"], "/settings cafe")
    [edit] = await take_updates(sandbox)
    assert edit["edited_message"]["from"] == GROUP_ANONYMOUS_BOT
    assert edit["edited_message"]["sender_chat"]["id"] == GROUP_ID


async def test_people_join_and_leave(sandbox: FakeBotAPI, bot: Bot) -> None:
    group = sandbox.group(GROUP_ID, "Nhóm", creator=10)
    hoa = group.member(13, "Hoa")
    await hoa.leave()
    with pytest.raises(PermissionError, match="not in group"):
        await hoa.send_text("/cafe")
    await hoa.join()
    await hoa.send_text("/cafe")
    group.ban(13, by_user_id=10)
    assert hoa.status == "kicked"
    with pytest.raises(PermissionError):
        await hoa.send_text("/cafe")
    left, joined, command, banned = (update["message"] for update in await take_updates(sandbox))
    assert left["left_chat_member"]["id"] == 13 and joined["new_chat_members"][0]["id"] == 13
    assert command["text"] == "/cafe"
    assert banned["left_chat_member"]["id"] == 13 and banned["from"]["id"] == 10


async def test_chat_member_updates_need_an_admin_bot_and_asking(sandbox: FakeBotAPI, bot: Bot) -> None:
    group = sandbox.group(GROUP_ID, "Nhóm", creator=10)
    group.set_admin(11)  # the bot is no administrator: nothing is sent
    await group.promote_bot(by_user_id=10)
    group.set_admin(12)  # default allowed_updates exclude chat_member
    assert kinds(await take_updates(sandbox)) == ["my_chat_member"]
    await bot.get_updates(allowed_updates=["message", "chat_member", "my_chat_member"])
    group.set_admin(13)
    [update] = await take_updates(sandbox)
    change = update["chat_member"]
    assert change["old_chat_member"]["status"] == "member"
    assert change["new_chat_member"]["status"] == "administrator"
    assert change["from"]["id"] == 10
