"""Fixtures for the Zalo sandbox tests: a started sandbox, a client on it, a webhook receiver."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest_asyncio
from aiohttp import web

from bot.zalo.client import ZaloClient
from sandbox.zalo import SECRET_HEADER, ZaloSandbox

TOKEN = "123abc:sandbox-test-secret"
SECRET = "s3cret-token"


@pytest_asyncio.fixture
async def sandbox() -> AsyncIterator[ZaloSandbox]:
    async with ZaloSandbox(token=TOKEN) as api:
        yield api


@pytest_asyncio.fixture
async def client(sandbox: ZaloSandbox) -> AsyncIterator[ZaloClient]:
    async with ZaloClient(TOKEN, api_url=sandbox.base_url) as zalo:
        yield zalo


@dataclass
class Receiver:
    """A webhook endpoint that fails the first ``failures`` requests with HTTP 500."""

    failures: int = 0
    delay: float = 0.0
    received: list[tuple[str | None, dict[str, Any]]] = field(default_factory=list)
    accepted: list[dict[str, Any]] = field(default_factory=list)
    url: str = ""
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    async def handle(self, request: web.Request) -> web.Response:
        update = json.loads(await request.read())
        self.received.append((request.headers.get(SECRET_HEADER), update))
        if self.failures > 0:
            self.failures -= 1
            return web.Response(status=500)
        if self.delay:
            await asyncio.sleep(self.delay)
        self.accepted.append(update)
        self.arrived.set()
        return web.json_response({})

    async def wait_accepted(self, n: int, timeout: float = 5.0) -> list[dict[str, Any]]:
        async with asyncio.timeout(timeout):
            while len(self.accepted) < n:
                self.arrived.clear()
                await self.arrived.wait()
        return self.accepted


@pytest_asyncio.fixture
async def receiver() -> AsyncIterator[Receiver]:
    target = Receiver()
    app = web.Application()
    app.router.add_post("/hook", target.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    target.url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
    try:
        yield target
    finally:
        await runner.cleanup()


async def eventually(predicate: Callable[[], bool], timeout: float = 2.0) -> None:
    """For counters the sandbox updates after the receiver has already seen a request."""
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.01)


Reply = Callable[[ZaloClient, dict[str, Any]], Awaitable[None]]


async def echo(client: ZaloClient, update: dict[str, Any]) -> None:
    message = update["message"]
    await client.send_message(message["chat"]["id"], f"echo: {message.get('text', update['event_name'])}")


@contextlib.asynccontextmanager
async def polling_bot(client: ZaloClient, reply: Reply = echo, pollers: int = 1) -> AsyncIterator[None]:
    """Run ``pollers`` long-poll loops that answer each update with ``reply``."""

    async def loop() -> None:
        while True:
            update = await client.get_updates(timeout=1)
            if update is not None:
                await reply(client, update)

    tasks = [asyncio.create_task(loop()) for _ in range(pollers)]
    try:
        yield
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
