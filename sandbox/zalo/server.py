"""The fake Zalo Bot API server: an aiohttp app on loopback that a real bot talks to.

Requests go through the platform's pipeline: the token in the URL (401), the
method name (404), POST only (405), injected faults (5xx, before anything
happens), the JSON body (400), then the method's own checks. Answers have the
documented shape; the HTTP status mirrors ``error_code`` unless
``SandboxSettings.errors_as_http_200`` says otherwise. Every refusal is
recorded in the bot's ``stats`` so a test can assert the bot made no invalid call.

Everything runs on the event loop that started the sandbox; handlers never
await between reading and changing shared state, so any number of simulated
users and concurrent requests are safe.
"""

from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING, Any

from aiohttp import web

from sandbox.zalo.errors import (
    METHOD_NOT_ALLOWED,
    NOT_A_JSON_OBJECT,
    NOT_FOUND,
    REQUEST_TIMEOUT,
    UNAUTHORIZED,
    ApiError,
)
from sandbox.zalo.faults import Faults
from sandbox.zalo.ids import IdMaker
from sandbox.zalo.limits import RateLimits
from sandbox.zalo.methods import MethodTable
from sandbox.zalo.records import RefusedCall, SandboxStats
from sandbox.zalo.settings import SandboxSettings
from sandbox.zalo.state import BotState

if TYPE_CHECKING:
    from sandbox.zalo.user import ZaloUser

DEFAULT_TOKEN = "123abc:sandbox-secret"
MAX_BODY_BYTES = 1024 * 1024


class ZaloSandbox:
    """A Zalo Bot API server on 127.0.0.1 (a free port unless ``port`` is given).

    ``token`` is the first registered bot; :meth:`register_token` adds more.
    ``limits`` (off by default), ``faults`` and ``settings`` cover what the
    platform does not document. ``seed`` makes ids repeatable.
    """

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        account_name: str = "hocvuso_sandbox_bot",
        host: str = "127.0.0.1",
        port: int = 0,
        limits: RateLimits | None = None,
        faults: Faults | None = None,
        settings: SandboxSettings | None = None,
        seed: int | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.faults = faults or Faults()
        self.ids = IdMaker(seed)
        self._settings = settings or SandboxSettings()
        self._limits = limits or RateLimits()
        self._bots: dict[str, BotState] = {}
        self._default_token = token
        self._methods = MethodTable(self.ids)
        self._runner: web.AppRunner | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._base_url = ""
        self.register_token(token, account_name=account_name)

    # -- bots -------------------------------------------------------------------------
    def register_token(self, token: str, *, account_name: str = "hocvuso_sandbox_bot") -> BotState:
        """Add a bot; its token is accepted from now on. Re-registering returns the same bot."""
        existing = self._bots.get(token)
        if existing is not None:
            return existing
        bot = BotState(token, account_name, self._settings, self._limits)
        self._bots[token] = bot
        return bot

    def bot(self, token: str | None = None) -> BotState:
        """A registered bot's state (the first one by default)."""
        return self._bots[token or self._default_token]

    @property
    def token(self) -> str:
        return self._default_token

    @property
    def stats(self) -> SandboxStats:
        """The first bot's counters and records."""
        return self.bot().stats

    @property
    def limits(self) -> RateLimits:
        return self._limits

    @limits.setter
    def limits(self, limits: RateLimits) -> None:
        """New rate limits for every bot (buckets start full)."""
        self._limits = limits
        for bot in self._bots.values():
            bot.set_limits(limits)

    @property
    def settings(self) -> SandboxSettings:
        return self._settings

    @settings.setter
    def settings(self, settings: SandboxSettings) -> None:
        self._settings = settings
        for bot in self._bots.values():
            bot.set_settings(settings)

    def user(self, display_name: str = "Learner", *, token: str | None = None) -> ZaloUser:
        """A new simulated user (random hex ids) who can write to the bot with ``token``."""
        from sandbox.zalo.user import ZaloUser

        return ZaloUser(self, self.bot(token), display_name)

    # -- lifecycle ----------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>``: the client's ``api_url``."""
        if not self._base_url:
            raise RuntimeError("the sandbox is not started")
        return self._base_url

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        if self._loop is None:
            raise RuntimeError("the sandbox is not started")
        return self._loop

    @property
    def running(self) -> bool:
        return self._runner is not None

    def build_app(self) -> web.Application:
        app = web.Application(client_max_size=MAX_BODY_BYTES)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        return app

    async def start(self) -> None:
        if self._runner is not None:
            return
        for bot in self._bots.values():
            bot.delivery.reopen()
        # A long poll whose client hung up is cancelled before it can take an update.
        runner = web.AppRunner(
            self.build_app(), access_log=None, shutdown_timeout=1.0, handler_cancellation=True
        )
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port)
        await site.start()
        self._runner = runner
        self._loop = asyncio.get_running_loop()
        port = runner.addresses[0][1] if runner.addresses else self.port
        self._base_url = f"http://{self.host}:{port}"

    async def stop(self) -> None:
        """Answer waiting polls, stop webhook pushes and close the server."""
        for bot in self._bots.values():
            await bot.delivery.close()
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    async def __aenter__(self) -> ZaloSandbox:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # -- request pipeline -------------------------------------------------------------
    async def _handle(self, request: web.Request) -> web.Response:
        bot = self._bots.get(request.match_info["token"])
        if bot is None:
            return self._error(ApiError.of(UNAUTHORIZED))
        name = request.match_info["method"]
        handler = self._methods.handlers.get(name)
        if handler is None:
            return self._refuse(bot, name, ApiError.of(NOT_FOUND))
        bot.stats.calls[name] += 1
        if request.method != "POST":
            return self._refuse(bot, name, ApiError.of(METHOD_NOT_ALLOWED))
        if self.faults.strike(name):
            bot.stats.injected_faults += 1
            return self._refuse(bot, name, ApiError(self.faults.error_code, self.faults.description))
        try:
            body = _json_object(await _read(request))
            result = await handler(bot, body)
        except ApiError as error:
            return self._refuse(bot, name, error)
        text = json.dumps({"ok": True, "result": result}, ensure_ascii=False)
        return web.Response(text=text, content_type="application/json")

    def _refuse(self, bot: BotState, method: str, error: ApiError) -> web.Response:
        if (error.error_code, error.description) != REQUEST_TIMEOUT:
            bot.stats.refused.append(RefusedCall(method, error.error_code, error.description))
        if error.error_code == 429:
            bot.stats.too_many_requests += 1
        return self._error(error)

    def _error(self, error: ApiError) -> web.Response:
        code = error.error_code
        status = code if 400 <= code <= 599 and not self._settings.errors_as_http_200 else 200
        text = json.dumps(error.payload(), ensure_ascii=False)
        return web.Response(status=status, text=text, content_type="application/json")


async def _read(request: web.Request) -> bytes:
    try:
        return await request.read()
    except web.HTTPRequestEntityTooLarge:
        raise ApiError(413, "Request Entity Too Large") from None


def _json_object(raw: bytes) -> dict[str, Any]:
    """The call's fields; an empty body is an empty object, anything else must be one."""
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise ApiError.of(NOT_A_JSON_OBJECT) from None
    if not isinstance(body, dict):
        raise ApiError.of(NOT_A_JSON_OBJECT)
    return body
