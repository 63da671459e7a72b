"""A fake Zalo Bot API server on loopback, and simulated users, for tests and the terminal demo.

The real bot (through :class:`bot.zalo.client.ZaloClient`) talks to
:class:`ZaloSandbox` over HTTP exactly as it would talk to
``bot-api.zaloplatforms.com``; the sandbox follows the published facts
(``shared/zalo-bot-api.md``) and refuses what the platform would refuse, so it
doubles as a test oracle. Where the platform is silent (error codes, rate
limits, webhook retries, image and sticker fields) the behaviour is a setting
or a named constant::

    async with ZaloSandbox(token="123abc:secret") as sandbox:
        client = ZaloClient("123abc:secret", api_url=sandbox.base_url)
        lan = sandbox.user(display_name="Lan")
        await lan.send_text("bài học")
        update = await client.get_updates(timeout=5)
        await client.send_message(update["message"]["chat"]["id"], "Chào Lan!")
        [reply] = await lan.wait_for(1)
        assert sandbox.stats.invalid_calls == []

``server.py`` describes the request pipeline and ``user.py`` the reading rule.
"""

from sandbox.zalo.errors import REQUEST_TIMEOUT, WEBHOOK_ACTIVE, ApiError
from sandbox.zalo.events import EVENT_NAMES
from sandbox.zalo.faults import Faults
from sandbox.zalo.limits import RateLimits
from sandbox.zalo.records import ReceivedMessage, RefusedCall, SandboxStats
from sandbox.zalo.server import DEFAULT_TOKEN, ZaloSandbox
from sandbox.zalo.settings import SandboxSettings
from sandbox.zalo.state import BotState
from sandbox.zalo.user import ZaloUser
from sandbox.zalo.webhook import SECRET_HEADER

__all__ = [
    "DEFAULT_TOKEN",
    "EVENT_NAMES",
    "REQUEST_TIMEOUT",
    "SECRET_HEADER",
    "WEBHOOK_ACTIVE",
    "ApiError",
    "BotState",
    "Faults",
    "RateLimits",
    "ReceivedMessage",
    "RefusedCall",
    "SandboxSettings",
    "SandboxStats",
    "ZaloSandbox",
    "ZaloUser",
]
