"""The real bot on Zalo, wired exactly as `hocvuso run` wires it with only ZALO_BOT_TOKEN set,
against the Zalo sandbox over loopback HTTP; and a person who only types."""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass

from bot.app import App, build_app, run_roles, serve_bots
from bot.settings import Settings, load_settings
from content.library import Library
from sandbox.zalo import ReceivedMessage, ZaloSandbox, ZaloUser
from tests.e2e.conftest import ZALO_TOKEN

WEBHOOK_SECRET = "zalo-e2e-webhook-secret"
QUIET = 1.4  # a little over the one-a-second pace the bot keeps in one chat


@dataclass
class ZaloRun:
    sandbox: ZaloSandbox
    app: App


def zalo_settings(sandbox: ZaloSandbox, tmp_path, **extra: object) -> Settings:
    values: dict[str, object] = {
        "zalo_bot_token": ZALO_TOKEN,
        "zalo_api_url": sandbox.base_url,
        "database_url": f"sqlite+aiosqlite:///{tmp_path / 'zalo.db'}",
        "zalo_send_rate": 200,
        **extra,
    }
    return load_settings(_env_file=None, **values)


@contextlib.asynccontextmanager
async def running(
    settings: Settings, library: Library, sandbox: ZaloSandbox, roles: set[str] | None = None
) -> AsyncIterator[ZaloRun]:
    """The bots alone, or the given roles as `hocvuso run --role` runs them (the web server too)."""
    app = await build_app(settings, library)
    serving = asyncio.create_task(run_roles(app, roles) if roles else serve_bots(app))
    try:
        yield ZaloRun(sandbox, app)
    finally:
        serving.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await serving
        await app.close()
    assert sandbox.stats.invalid_calls == [], f"calls Zalo would refuse: {sandbox.stats.invalid_calls}"


async def replies(user: ZaloUser, first_wait: float = 8.0) -> list[ReceivedMessage]:
    """Everything the bot answers to one message: wait for the first, then until it is quiet."""
    got = await user.wait_for(1, first_wait)
    while True:
        try:
            got += await user.wait_for(1, QUIET)
        except TimeoutError:
            return got


async def say(user: ZaloUser, text: str) -> str:
    await user.send_text(text)
    answer = await replies(user)
    assert not any(m.has_markup for m in answer), [m.body for m in answer]
    return "\n".join(m.body for m in answer)


def number_of(text: str, label: str) -> str:
    """The number printed before the newest numbered line that contains `label`."""
    found = re.findall(rf"^(\d+)\. .*{re.escape(label)}.*$", text, flags=re.MULTILINE)
    assert found, f"no numbered choice {label!r} in:\n{text}"
    return found[-1]
