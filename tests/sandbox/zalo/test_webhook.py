"""Webhook mode: pushes with the secret header, retries, per-chat order, and setWebhook's checks."""

from __future__ import annotations

import time
from dataclasses import replace

import pytest

from bot.zalo.client import ZaloBadRequest, ZaloClient
from sandbox.zalo import SECRET_HEADER, ZaloSandbox
from tests.sandbox.zalo.conftest import SECRET, Receiver, eventually


async def test_updates_are_pushed_with_the_secret_header(
    sandbox: ZaloSandbox, client: ZaloClient, receiver: Receiver
) -> None:
    result = await client.set_webhook(receiver.url, SECRET)
    assert result["url"] == receiver.url
    lan = sandbox.user("Lan")
    await lan.send_text("bài học")

    [update] = await receiver.wait_accepted(1)
    assert receiver.received[0][0] == SECRET
    assert SECRET_HEADER == "X-Bot-Api-Secret-Token"
    assert update["event_name"] == "message.text.received"
    assert update["message"]["text"] == "bài học"
    assert update["message"]["chat"]["id"] == lan.chat_id
    await eventually(lambda: sandbox.stats.webhook_deliveries == 1)


async def test_failed_pushes_are_retried_then_delivered(
    sandbox: ZaloSandbox, client: ZaloClient, receiver: Receiver
) -> None:
    receiver.failures = 2
    await client.set_webhook(receiver.url, SECRET)
    await sandbox.user("Lan").send_text("một")
    [update] = await receiver.wait_accepted(1)
    assert update["message"]["text"] == "một"
    assert len(receiver.received) == 3
    assert sandbox.stats.webhook_failed_attempts == 2 and sandbox.stats.webhook_dropped == 0


async def test_a_push_failing_every_attempt_is_dropped_and_the_next_goes_on(
    sandbox: ZaloSandbox, client: ZaloClient, receiver: Receiver
) -> None:
    sandbox.settings = replace(sandbox.settings, webhook_attempts=2)
    receiver.failures = 2
    await client.set_webhook(receiver.url, SECRET)
    lan = sandbox.user("Lan")
    await lan.send_text("lost")
    await lan.send_text("kept")
    [update] = await receiver.wait_accepted(1)
    assert update["message"]["text"] == "kept"
    await eventually(lambda: sandbox.stats.webhook_dropped == 1)


async def test_one_chat_is_pushed_in_order_despite_retries(
    sandbox: ZaloSandbox, client: ZaloClient, receiver: Receiver
) -> None:
    receiver.failures = 1
    await client.set_webhook(receiver.url, SECRET)
    lan, minh = sandbox.user("Lan"), sandbox.user("Minh")
    for index in range(5):
        await lan.send_text(f"lan {index}")
        await minh.send_text(f"minh {index}")
    accepted = await receiver.wait_accepted(10)
    for name in ("lan", "minh"):
        texts = [u["message"]["text"] for u in accepted if u["message"]["text"].startswith(name)]
        assert texts == [f"{name} {index}" for index in range(5)]


async def test_webhook_info_and_delete(sandbox: ZaloSandbox, client: ZaloClient, receiver: Receiver) -> None:
    before = time.time() * 1000
    await client.set_webhook(receiver.url, SECRET)
    info = await client.get_webhook_info()
    assert info["url"] == receiver.url
    assert isinstance(info["updated_at"], int) and info["updated_at"] >= before - 1

    deleted = await client.delete_webhook()
    assert deleted["url"] == ""
    assert (await client.get_webhook_info())["url"] == ""


async def test_updates_left_after_delete_webhook_are_polled(
    sandbox: ZaloSandbox, client: ZaloClient, receiver: Receiver
) -> None:
    receiver.delay = 0.3
    await client.set_webhook(receiver.url, SECRET)
    lan = sandbox.user("Lan")
    await lan.send_text("a")
    await lan.send_text("b")
    await client.delete_webhook()  # "a" is mid-push (not accepted yet), "b" waits behind it
    texts = []
    while (update := await client.get_updates(timeout=0)) is not None:
        texts.append(update["message"]["text"])
    assert texts == ["a", "b"]
    assert receiver.accepted == []


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ({"secret_token": SECRET}, "url is required"),
        ({"url": "https://bot.example/hook"}, "secret_token is required"),
        ({"url": "https://bot.example/hook", "secret_token": "short"}, "8 to 256"),
        ({"url": "https://bot.example/hook", "secret_token": "x" * 257}, "8 to 256"),
        ({"url": "http://bot.example/hook", "secret_token": SECRET}, "https"),
        ({"url": "/hook", "secret_token": SECRET}, "https"),
    ],
)
async def test_set_webhook_checks(
    sandbox: ZaloSandbox, client: ZaloClient, body: dict[str, str], reason: str
) -> None:
    with pytest.raises(ZaloBadRequest) as caught:
        await client.call("setWebhook", body)
    assert caught.value.error_code == 400 and reason in caught.value.description
    assert (await client.get_webhook_info())["url"] == ""


async def test_secret_of_8_and_256_characters_is_accepted(sandbox: ZaloSandbox, client: ZaloClient) -> None:
    for secret in ("x" * 8, "y" * 256):
        assert (await client.set_webhook("https://bot.example/hook", secret))["url"]
    await client.delete_webhook()
