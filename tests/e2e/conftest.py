"""The real bot, wired exactly as `hocvuso run` wires it, against the sandbox Bot API over
loopback HTTP, on each Telegram library (TELEGRAM_LIBRARY): every journey runs on aiogram and on
python-telegram-bot. Every test fails if the bot made a call the Bot API would refuse or left a
button press unanswered."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from bot.app import App, build_app, run_roles, serve_bots
from bot.settings import load_settings
from sandbox.telegram import FakeBotAPI, FloodLimits
from sandbox.zalo import ZaloSandbox

LIBRARIES = ["aiogram", "ptb"]
ZALO_TOKEN = "7070abc:ZALO-E2E-SECRET"

TOKEN = "4242:E2E-TEST-TOKEN"
SECRET = "e2e-secret-token"


@dataclass
class Running:
    api: FakeBotAPI
    app: App


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
async def sandbox() -> AsyncIterator[FakeBotAPI]:
    api = FakeBotAPI(TOKEN, flood=FloodLimits(enabled=False))
    if not api.spec_loaded and os.environ.get("CI"):
        pytest.fail("shared/telegram-bot-api/api.json not found; CI validates every call against it")
    await api.start()
    yield api
    await api.stop()


@pytest.fixture
async def zalo() -> AsyncIterator[ZaloSandbox]:
    """The Zalo sandbox, for the journeys on Zalo (tests/e2e/zalo_support.py)."""
    sandbox = ZaloSandbox(token=ZALO_TOKEN)
    await sandbox.start()
    yield sandbox
    await sandbox.stop()


@pytest.fixture(params=LIBRARIES)
def telegram_library(request) -> str:
    return str(request.param)


def _settings(api: FakeBotAPI, tmp_path, telegram_library: str = "aiogram", **extra: object):
    return load_settings(
        _env_file=None,
        bot_token=TOKEN,
        telegram_api_url=api.base_url,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'e2e.db'}",
        telegram_library=telegram_library,
        **extra,
    )


async def _stop(serving: asyncio.Task[None]) -> None:
    serving.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await asyncio.wait_for(serving, 10)


@contextlib.asynccontextmanager
async def started(
    api: FakeBotAPI, tmp_path, library, telegram_library: str, roles: set[str], **settings: object
) -> AsyncIterator[Running]:
    """`hocvuso run --role ...` with these roles and settings, stopped and checked afterwards."""
    app = await build_app(_settings(api, tmp_path, telegram_library, **settings), library)
    serving = asyncio.create_task(run_roles(app, roles))
    try:
        yield Running(api, app)
    finally:
        await _stop(serving)
        await app.close()
    _assert_clean(api)


def _assert_clean(api: FakeBotAPI) -> None:
    assert api.invalid_calls == [], f"the bot made invalid Bot API calls: {api.invalid_calls}"
    assert api.unanswered_callbacks() == [], "some button presses were never answered"


@pytest.fixture
async def polling(sandbox, tmp_path, library, telegram_library) -> AsyncIterator[Running]:
    app = await build_app(_settings(sandbox, tmp_path, telegram_library), library)
    serving = asyncio.create_task(serve_bots(app))
    yield Running(sandbox, app)
    await _stop(serving)
    await app.close()
    _assert_clean(sandbox)


@pytest.fixture
async def webhook(sandbox, tmp_path, library, telegram_library) -> AsyncIterator[Running]:
    port = free_port()
    settings = _settings(
        sandbox,
        tmp_path,
        telegram_library,
        webhook_url=f"http://127.0.0.1:{port}/telegram",
        webhook_listen=f"127.0.0.1:{port}",
        webhook_secret=SECRET,
    )
    app = await build_app(settings, library)
    serving = asyncio.create_task(serve_bots(app, webhook=True))
    for _ in range(200):  # until the bot has called setWebhook
        if sandbox.webhook_url:
            break
        await asyncio.sleep(0.02)
    yield Running(sandbox, app)
    await _stop(serving)
    await app.close()
    _assert_clean(sandbox)
