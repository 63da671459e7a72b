"""Long polling: one update object per answer, no offsets, 408 when idle, refused under a webhook."""

from __future__ import annotations

import asyncio
import re
import time

import pytest

from bot.zalo.client import ZaloBadRequest, ZaloClient
from sandbox.zalo import WEBHOOK_ACTIVE, ZaloSandbox
from tests.sandbox.zalo.conftest import SECRET, Receiver

HEX = re.compile(r"[0-9a-f]+\Z")


def is_milliseconds(value: object) -> bool:
    now_ms = time.time() * 1000
    return isinstance(value, int) and not isinstance(value, bool) and abs(value - now_ms) < 60_000


async def test_one_update_object_per_answer_in_order(sandbox: ZaloSandbox, client: ZaloClient) -> None:
    lan = sandbox.user("Lan")
    await lan.send_text("bài học")
    await lan.send_text("trợ giúp")

    first = await client.get_updates(timeout=1)
    second = await client.get_updates(timeout=1)

    assert isinstance(first, dict) and isinstance(second, dict)
    assert first["event_name"] == "message.text.received"
    assert first["message"]["text"] == "bài học"
    assert second["message"]["text"] == "trợ giúp"
    assert "update_id" not in first and "update_id" not in first["message"]
    assert await client.get_updates(timeout=0) is None  # both were acknowledged by being returned


async def test_idle_poll_answers_408_after_the_timeout(sandbox: ZaloSandbox, client: ZaloClient) -> None:
    started = time.monotonic()
    with pytest.raises(ZaloBadRequest) as caught:
        await client.call("getUpdates", {"timeout": "0.3"})
    assert 0.25 <= time.monotonic() - started < 2.0
    assert (caught.value.error_code, caught.value.description) == (408, "Request timeout")
    assert await client.get_updates(timeout=0) is None
    assert sandbox.stats.poll_timeouts == 2
    assert sandbox.stats.refused == []  # an idle poll is not a refusal


async def test_waiting_poll_returns_as_soon_as_a_message_arrives(
    sandbox: ZaloSandbox, client: ZaloClient
) -> None:
    lan = sandbox.user("Lan")
    poll = asyncio.create_task(client.get_updates(timeout=5))
    await asyncio.sleep(0.05)
    assert not poll.done()
    started = time.monotonic()
    await lan.send_text("xin chào")
    update = await poll
    assert time.monotonic() - started < 1.0
    assert update is not None and update["message"]["text"] == "xin chào"


async def test_timeout_may_be_a_number_but_not_nonsense(sandbox: ZaloSandbox, client: ZaloClient) -> None:
    with pytest.raises(ZaloBadRequest) as idle:
        await client.call("getUpdates", {"timeout": 0})
    assert idle.value.error_code == 408
    for bad in ("soon", -1, True):
        with pytest.raises(ZaloBadRequest) as caught:
            await client.call("getUpdates", {"timeout": bad})
        assert caught.value.error_code == 400


async def test_ids_are_hex_strings_and_dates_milliseconds(sandbox: ZaloSandbox, client: ZaloClient) -> None:
    lan = sandbox.user("Lan")
    sent_id = await lan.send_text("1")
    update = await client.get_updates(timeout=1)
    assert update is not None
    message = update["message"]
    assert message["message_id"] == sent_id
    for value in (message["message_id"], message["chat"]["id"], message["from"]["id"]):
        assert isinstance(value, str) and HEX.match(value)
    assert message["chat"] == {"id": lan.chat_id, "chat_type": "PRIVATE"}
    assert message["from"] == {"id": lan.id, "display_name": "Lan", "is_bot": False}
    assert message["chat"]["id"] != message["from"]["id"]
    assert is_milliseconds(message["date"])

    result = await client.send_message(lan.chat_id, "ok")
    assert isinstance(result["message_id"], str) and HEX.match(result["message_id"])
    assert is_milliseconds(result["date"])
    [received] = await lan.wait_for(1)
    assert received.date == result["date"] and received.message_id == result["message_id"]


async def test_image_sticker_and_unsupported_updates(sandbox: ZaloSandbox, client: ZaloClient) -> None:
    lan = sandbox.user("Lan")
    await lan.send_image("https://example.com/a.jpg", caption="ảnh")
    await lan.send_sticker("abc123")
    await lan.send_unsupported()
    image, sticker, other = [await client.get_updates(timeout=1) for _ in range(3)]
    assert image is not None and sticker is not None and other is not None
    assert image["event_name"] == "message.image.received"
    assert image["message"]["photo_url"] == "https://example.com/a.jpg"
    assert image["message"]["caption"] == "ảnh"
    assert "text" not in image["message"]
    assert sticker["event_name"] == "message.sticker.received"
    assert sticker["message"]["sticker"] == "abc123"
    assert other["event_name"] == "message.unsupported.received"
    assert set(other["message"]) == {"message_id", "date", "chat", "from"}


async def test_get_updates_is_refused_while_a_webhook_is_set(
    sandbox: ZaloSandbox, client: ZaloClient, receiver: Receiver
) -> None:
    await client.set_webhook(receiver.url, SECRET)
    with pytest.raises(ZaloBadRequest) as caught:
        await client.get_updates(timeout=1)
    assert (caught.value.error_code, caught.value.description) == WEBHOOK_ACTIVE

    await client.delete_webhook()
    assert await client.get_updates(timeout=0) is None


async def test_a_waiting_poll_is_refused_when_a_webhook_is_set(
    sandbox: ZaloSandbox, client: ZaloClient, receiver: Receiver
) -> None:
    poll = asyncio.create_task(client.get_updates(timeout=5))
    await asyncio.sleep(0.05)
    await client.set_webhook(receiver.url, SECRET)
    with pytest.raises(ZaloBadRequest) as caught:
        await poll
    assert caught.value.error_code == WEBHOOK_ACTIVE[0]


async def test_an_abandoned_poll_does_not_swallow_an_update(sandbox: ZaloSandbox, client: ZaloClient) -> None:
    lan = sandbox.user("Lan")
    poll = asyncio.create_task(client.get_updates(timeout=5))
    await asyncio.sleep(0.05)
    poll.cancel()
    with pytest.raises(asyncio.CancelledError):
        await poll
    await asyncio.sleep(0.05)  # the server notices the hang-up
    await lan.send_text("vẫn ở đây")
    update = await client.get_updates(timeout=1)
    assert update is not None and update["message"]["text"] == "vẫn ở đây"
