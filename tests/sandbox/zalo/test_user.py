"""The simulated user: event-driven waiting, reading in order, many users at once."""

from __future__ import annotations

import asyncio

import pytest

from bot.zalo.client import ZaloClient
from sandbox.zalo import ZaloSandbox
from tests.sandbox.zalo.conftest import eventually, polling_bot


async def test_say_returns_the_reply(sandbox: ZaloSandbox, client: ZaloClient) -> None:
    lan = sandbox.user("Lan")
    async with polling_bot(client):
        [reply] = await lan.say("bài học")
        assert reply.text == "echo: bài học"
        [reply] = await lan.say("dừng")
        assert reply.text == "echo: dừng"
    assert [m.text for m in lan.messages] == ["echo: bài học", "echo: dừng"]


async def test_a_reply_before_the_wait_is_not_missed(sandbox: ZaloSandbox, client: ZaloClient) -> None:
    lan = sandbox.user("Lan")
    await lan.send_text("1")
    await lan.send_text("2")
    async with polling_bot(client):
        await eventually(lambda: len(lan.messages) == 2)
        first, second = await lan.wait_for(2)
    assert (first.text, second.text) == ("echo: 1", "echo: 2")
    assert lan.unread == []


async def test_wait_for_times_out_with_the_transcript(sandbox: ZaloSandbox) -> None:
    lan = sandbox.user("Lan")
    await lan.send_text("có ai không?")
    with pytest.raises(TimeoutError) as caught:
        await lan.wait_for(1, timeout=0.1)
    assert "Lan: có ai không?" in str(caught.value)


async def test_wait_is_woken_by_the_send_not_by_polling(sandbox: ZaloSandbox, client: ZaloClient) -> None:
    lan = sandbox.user("Lan")
    await lan.send_text("hi")
    await client.get_updates(timeout=0)
    waiter = asyncio.create_task(lan.wait_for(1, timeout=None))
    await asyncio.sleep(0.05)
    assert not waiter.done()
    await client.send_message(lan.chat_id, "chào")
    [message] = await asyncio.wait_for(waiter, 0.5)
    assert message.text == "chào"


async def test_expect_silence_and_mark_read(sandbox: ZaloSandbox, client: ZaloClient) -> None:
    lan = sandbox.user("Lan")
    await lan.send_text("hi")
    await client.get_updates(timeout=0)
    await lan.expect_silence(0.05)
    await client.send_message(lan.chat_id, "unasked")
    with pytest.raises(AssertionError):
        await lan.expect_silence(0.05)
    lan.mark_read()
    await lan.expect_silence(0.05)


async def test_many_users_at_once(sandbox: ZaloSandbox, client: ZaloClient) -> None:
    users = [sandbox.user(f"Người {index}") for index in range(60)]
    assert len({user.id for user in users} | {user.chat_id for user in users}) == 120

    async def talk(index: int) -> list[str | None]:
        user = users[index]
        replies = []
        for turn in range(3):
            [reply] = await user.say(f"{index}-{turn}", timeout=10)
            replies.append(reply.text)
        return replies

    async with polling_bot(client, pollers=8):
        results = await asyncio.gather(*(talk(index) for index in range(len(users))))
    for index, replies in enumerate(results):
        assert replies == [f"echo: {index}-{turn}" for turn in range(3)]
    assert len(sandbox.stats.sent) == 180 and sandbox.stats.invalid_calls == []


def test_acting_from_another_loop_is_refused(sandbox: ZaloSandbox) -> None:
    lan = sandbox.user("Lan")
    with pytest.raises(RuntimeError):
        asyncio.run(lan.send_text("from a thread's loop"))
