"""Webhook mode: delivery with the secret header, retries in order, 409 for polling."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import pytest_asyncio
from aiogram import Bot, Dispatcher
from aiogram.exceptions import TelegramConflictError
from aiogram.methods import SendMessage
from aiogram.types import Message
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

from sandbox.telegram import FakeBotAPI
from tests.sandbox.conftest import LEARNER_ID

pytestmark = pytest.mark.asyncio


@dataclass
class Receiver:
    """A tiny webhook endpoint that fails the first ``failures`` requests."""

    failures: int = 0
    received: list[tuple[str | None, dict[str, Any]]] = field(default_factory=list)
    accepted: list[dict[str, Any]] = field(default_factory=list)
    url: str = ""

    async def handle(self, request: web.Request) -> web.Response:
        update = json.loads(await request.read())
        self.received.append((request.headers.get("X-Telegram-Bot-Api-Secret-Token"), update))
        if self.failures > 0:
            self.failures -= 1
            return web.Response(status=500)
        self.accepted.append(update)
        return web.json_response({})


async def serve(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    return runner, f"http://127.0.0.1:{port}/hook"


@pytest_asyncio.fixture
async def receiver() -> AsyncIterator[Receiver]:
    target = Receiver(failures=1)
    app = web.Application()
    app.router.add_post("/hook", target.handle)
    runner, target.url = await serve(app)
    try:
        yield target
    finally:
        await runner.cleanup()


async def eventually(predicate: Any, timeout: float = 5.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        assert loop.time() < deadline, "condition not reached in time"
        await asyncio.sleep(0.01)


async def test_webhook_delivers_with_secret_and_retries_in_order(
    sandbox: FakeBotAPI, bot: Bot, receiver: Receiver
) -> None:
    learner = sandbox.learner(LEARNER_ID)
    await learner.send_text("queued before the webhook")
    assert await bot.set_webhook(receiver.url, secret_token="s3cret-Token_1", drop_pending_updates=True)
    assert sandbox.webhook_url == receiver.url
    await learner.send_text("first")
    await learner.send_text("second")
    await eventually(lambda: len(receiver.accepted) == 2)
    texts = [update["message"]["text"] for update in receiver.accepted]
    assert texts == ["first", "second"]
    assert len(receiver.received) == 3  # "first" failed once and was retried before "second"
    assert receiver.received[0][1] == receiver.received[1][1]
    assert {secret for secret, _ in receiver.received} == {"s3cret-Token_1"}
    info = await bot.get_webhook_info()
    assert info.url == receiver.url and info.pending_update_count == 0
    assert info.last_error_message is not None and "500" in info.last_error_message
    with pytest.raises(TelegramConflictError, match="webhook is active"):
        await bot.get_updates()
    assert await bot.delete_webhook()
    await learner.send_text("polling again")
    updates = await bot.get_updates()
    assert [u.message.text for u in updates if u.message] == ["polling again"]
    assert sandbox.stats.webhook_failures == 1


async def test_webhook_reply_method_is_executed(sandbox: FakeBotAPI, bot: Bot) -> None:
    """aiogram may answer a webhook with a method call; the sandbox executes it."""
    dispatcher = Dispatcher()

    @dispatcher.message()
    async def echo(message: Message) -> SendMessage:
        return message.answer(f"Bạn viết: {message.text}")

    app = web.Application()
    SimpleRequestHandler(dispatcher, bot, handle_in_background=False, secret_token="abc").register(
        app, path="/hook"
    )
    runner, url = await serve(app)
    try:
        learner = sandbox.learner(LEARNER_ID)
        await bot.set_webhook(url, secret_token="abc")
        await learner.send_text("xin chào")
        [reply] = await learner.wait_for_messages(1)
        assert reply.text == "Bạn viết: xin chào"
        assert sandbox.invalid_calls == []
    finally:
        await bot.delete_webhook()
        await runner.cleanup()


async def test_set_webhook_validates(sandbox: FakeBotAPI, bot: Bot) -> None:
    from aiogram.exceptions import TelegramBadRequest

    with pytest.raises(TelegramBadRequest, match="HTTPS URL"):
        await bot.set_webhook("ftp://example.org/hook")
    with pytest.raises(TelegramBadRequest, match="secret token"):
        await bot.set_webhook("https://example.org/hook", secret_token="spaces not allowed")
    assert sandbox.webhook_url is None
