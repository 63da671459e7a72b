"""Deep links: t.me/<bot>?start=<payload> and t.me/<bot>?startgroup=<payload>."""

from __future__ import annotations

import pytest
from aiogram import Bot

from sandbox.telegram import FakeBotAPI
from tests.sandbox.group_support import kinds, take_updates

pytestmark = pytest.mark.asyncio
BOT_NAME = "hocvuso_sandbox_bot"


async def test_start_link_sends_start_with_the_payload(sandbox: FakeBotAPI) -> None:
    learner = await sandbox.open_start_link(1001, "Lan", "cafe_42", language_code="vi")
    await learner.start()  # tapping Start without a link
    first, second = (update["message"] for update in await take_updates(sandbox))
    assert first["chat"]["id"] == 1001 and first["text"] == "/start cafe_42"
    assert first["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert second["text"] == "/start"
    with pytest.raises(ValueError, match="payload"):
        await learner.start("có dấu")
    with pytest.raises(ValueError, match="payload"):
        await learner.start("x" * 65)


async def test_start_link_unblocks_a_learner_who_blocked_the_bot(sandbox: FakeBotAPI, bot: Bot) -> None:
    learner = sandbox.learner(1001, "Lan")
    await learner.block()
    await sandbox.open_start_link(1001, payload="back")
    updates = await take_updates(sandbox)
    assert kinds(updates) == ["my_chat_member", "my_chat_member", "message"]
    assert updates[1]["my_chat_member"]["new_chat_member"]["status"] == "member"
    await bot.send_message(1001, "Chào mừng trở lại")


async def test_startgroup_link_adds_the_bot_and_sends_the_command(sandbox: FakeBotAPI, bot: Bot) -> None:
    group = sandbox.group(-100900, "Cà phê sáng", creator=10, with_bot=False)
    person = await sandbox.add_to_group_via_link(10, group, "cafe-setup", first_name="Lan")
    assert person.user_id == 10 and group.bot_status == "member"
    updates = await take_updates(sandbox)
    assert kinds(updates) == ["my_chat_member", "message", "message"]
    change = updates[0]["my_chat_member"]
    assert change["from"]["id"] == 10
    assert (change["old_chat_member"]["status"], change["new_chat_member"]["status"]) == ("left", "member")
    assert updates[1]["message"]["new_chat_members"] == [sandbox.bot_user]
    command = updates[2]["message"]
    assert command["text"] == f"/start@{BOT_NAME} cafe-setup"
    assert command["entities"] == [{"type": "bot_command", "offset": 0, "length": len(f"/start@{BOT_NAME}")}]
    assert command["from"]["id"] == 10 and command["chat"]["id"] == -100900
    await bot.send_message(-100900, "Xin chào cả nhóm")
    # Already a member: only the command comes, as the client sends it anyway.
    await sandbox.add_to_group_via_link(10, -100900, "again")
    assert kinds(await take_updates(sandbox)) == ["message"]
    # A group id the sandbox has not seen yet is made without the bot, then joined.
    await sandbox.add_to_group_via_link(11, -100901, "new")
    assert kinds(await take_updates(sandbox)) == ["my_chat_member", "message", "message"]
