"""The real aiogram bot, wired exactly as `hocvuso run` wires it, against the sandbox Bot API over
loopback HTTP. Every test fails if the bot made a call the Bot API would refuse or left a button
press unanswered."""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from bot.app import App, build_app, run_polling
from bot.settings import load_settings
from bot.webhook import start_webhook
from sandbox.telegram import FakeBotAPI, FloodLimits

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


def _settings(api: FakeBotAPI, tmp_path, **extra: object):
    return load_settings(
        _env_file=None,
        bot_token=TOKEN,
        telegram_api_url=api.base_url,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'e2e.db'}",
        **extra,
    )


def _assert_clean(api: FakeBotAPI) -> None:
    assert api.invalid_calls == [], f"the bot made invalid Bot API calls: {api.invalid_calls}"
    assert api.unanswered_callbacks() == [], "some button presses were never answered"


@pytest.fixture
async def polling(sandbox, tmp_path, library) -> AsyncIterator[Running]:
    app = await build_app(_settings(sandbox, tmp_path), library)
    task = asyncio.create_task(run_polling(app))
    yield Running(sandbox, app)
    await app.dispatcher.stop_polling()
    await asyncio.wait_for(task, 10)
    await app.close()
    _assert_clean(sandbox)


@pytest.fixture
async def webhook(sandbox, tmp_path, library) -> AsyncIterator[Running]:
    port = free_port()
    settings = _settings(
        sandbox,
        tmp_path,
        webhook_url=f"http://127.0.0.1:{port}/telegram",
        webhook_listen=f"127.0.0.1:{port}",
        webhook_secret=SECRET,
    )
    app = await build_app(settings, library)
    runner = await start_webhook(app)
    yield Running(sandbox, app)
    await runner.cleanup()
    await app.close()
    _assert_clean(sandbox)
