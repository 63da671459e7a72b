"""The bot joining, leaving and being kicked from groups; a basic group becoming a supergroup."""

from __future__ import annotations

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramForbiddenError, TelegramMigrateToChat

from sandbox.telegram import FakeBotAPI
from tests.sandbox.group_support import kinds, raw_call, take_updates

pytestmark = pytest.mark.asyncio


async def test_kicked_and_removed_bots_get_different_403s(sandbox: FakeBotAPI, bot: Bot) -> None:
    group = sandbox.group(-100500, "Cà phê sáng", creator=10)
    await bot.send_message(group.chat_id, "Chào!")
    await group.kick_bot(by_user_id=10)
    assert group.bot_status == "kicked"
    with pytest.raises(TelegramForbiddenError, match="Forbidden: bot was kicked from the supergroup chat"):
        await bot.send_message(group.chat_id, "còn đây không?")
    await group.add_bot(by_user_id=10)
    await bot.send_message(group.chat_id, "Tôi quay lại rồi")
    await group.remove_bot(by_user_id=10)
    with pytest.raises(TelegramForbiddenError, match="Forbidden: bot is not a member of the supergroup chat"):
        await bot.send_poll(group.chat_id, "?", ["a", "b"])
    updates = await take_updates(sandbox)
    assert kinds(updates) == ["my_chat_member", "my_chat_member", "message", "my_chat_member"]
    kicked, added, joined, removed = updates
    assert kicked["my_chat_member"]["new_chat_member"] == {
        "status": "kicked",
        "user": sandbox.bot_user,
        "until_date": 0,
    }
    assert kicked["my_chat_member"]["from"]["id"] == 10
    assert added["my_chat_member"]["old_chat_member"]["status"] == "kicked"
    assert added["my_chat_member"]["new_chat_member"]["status"] == "member"
    assert joined["message"]["new_chat_members"] == [sandbox.bot_user]
    assert removed["my_chat_member"]["new_chat_member"]["status"] == "left"
    assert [m.text for m in group.messages] == ["Chào!", "Tôi quay lại rồi"]


async def test_basic_group_texts_and_a_bot_added_later(sandbox: FakeBotAPI, bot: Bot) -> None:
    group = sandbox.group(-500, "Lớp", kind="group", with_bot=False)
    with pytest.raises(TelegramForbiddenError, match="bot is not a member of the group chat"):
        await bot.send_message(group.chat_id, "?")
    await group.add_bot(by_user_id=10)
    with pytest.raises(ValueError, match="already in group"):
        await group.add_bot()
    await bot.send_message(group.chat_id, "Xin chào cả lớp")
    assert await bot.leave_chat(group.chat_id)
    with pytest.raises(TelegramForbiddenError, match="bot is not a member of the group chat"):
        await bot.send_message(group.chat_id, "?")
    updates = await take_updates(sandbox)
    assert kinds(updates) == ["my_chat_member", "message", "my_chat_member"]
    left = updates[-1]["my_chat_member"]
    assert left["from"]["id"] == sandbox.bot_user["id"] and left["new_chat_member"]["status"] == "left"


async def test_migration_to_a_supergroup(sandbox: FakeBotAPI, bot: Bot) -> None:
    group = sandbox.group(-600, "Lớp", kind="group", creator=10)
    group.set_admin(11)
    await bot.send_message(-600, "Trước khi nâng cấp")
    supergroup = group.migrate_to_supergroup(-100600)
    assert sandbox.group(-100600) is supergroup and supergroup.kind == "supergroup"
    assert group.migrated_to == -100600

    updates = await take_updates(sandbox)
    old_side, new_side = (update["message"] for update in updates)
    assert old_side["chat"]["id"] == -600 and old_side["migrate_to_chat_id"] == -100600
    assert new_side["chat"]["id"] == -100600 and new_side["migrate_from_chat_id"] == -600
    assert new_side["chat"]["type"] == "supergroup"

    with pytest.raises(TelegramMigrateToChat) as caught:
        await bot.send_message(-600, "Sau khi nâng cấp")
    assert caught.value.migrate_to_chat_id == -100600
    status, body = await raw_call(sandbox, "sendMessage", chat_id=-600, text="x")
    assert (status, body) == (
        400,
        {
            "ok": False,
            "error_code": 400,
            "description": "Bad Request: group chat was upgraded to a supergroup chat",
            "parameters": {"migrate_to_chat_id": -100600},
        },
    )
    await bot.send_message(-100600, "Sau khi nâng cấp")
    assert [m.text for m in supergroup.messages] == ["Sau khi nâng cấp"]
    assert [m.text for m in group.messages] == ["Trước khi nâng cấp"]
    # People and roles moved over; the old group is closed to everyone.
    assert (await bot.get_chat_member(-100600, 10)).status == "creator"
    assert (await bot.get_chat_member(-100600, 11)).status == "administrator"
    await supergroup.member(11).send_text("/cafe")
    with pytest.raises(RuntimeError, match="became supergroup"):
        await group.member(11).send_text("/cafe")
    with pytest.raises(ValueError, match="basic group"):
        supergroup.migrate_to_supergroup(-100601)
