"""A thin async client for the nine methods of the Zalo Bot API, on aiohttp.

Why not a library: the API is nine POSTs with JSON bodies, and the one
published library (python-zalo-bot) is an unfinished fork of
python-telegram-bot on httpx. This module is the whole wire protocol, so the
adapter's behaviour on every answer is visible here and testable against
``sandbox.zalo``. It imports nothing from the rest of the project.

Answers are read from the JSON body, never from the HTTP status alone (the
platform does not document which status its errors carry):

- ``{"ok": true, "result": ...}`` returns ``result``;
- ``{"ok": false, "error_code": N, ...}`` raises a :class:`ZaloAPIError`
  subclass chosen by ``N``: 429 :class:`ZaloRetryAfter`, 403
  :class:`ZaloForbidden`, other 4xx :class:`ZaloBadRequest`, 5xx
  :class:`ZaloServerError`, anything else the base class; the one exception is
  ``getUpdates``' documented 408 "nothing arrived", which returns ``None``;
- a body that is not a JSON object with ``ok`` raises :class:`ZaloServerError`
  (a proxy's error page, a half-written answer).

No answer at all (connection refused or reset, DNS, timeout) raises
:class:`ZaloNetworkError`; the call may or may not have taken effect. Both
families derive from :class:`ZaloError`. The token is part of every URL, so
error messages never contain the URL, and aiohttp's exception is not chained.
"""

from __future__ import annotations

import json
from typing import Any

import aiohttp

DEFAULT_API_URL = "https://bot-api.zaloplatforms.com"
DEFAULT_RETRY_AFTER = 10.0  # seconds; the platform documents no limits, so wait long when unsure
DEFAULT_REQUEST_TIMEOUT = 30.0
POLL_TIMEOUT_MARGIN = 10.0  # a long poll's HTTP timeout exceeds the poll by this much
POLL_IDLE_CODE = 408


class ZaloError(Exception):
    """Any failure of a call to the Zalo Bot API."""


class ZaloNetworkError(ZaloError):
    """No usable answer arrived (connection, DNS, timeout): the call may have taken effect."""

    def __init__(self, method: str, description: str) -> None:
        super().__init__(f"{method}: {description}")
        self.method = method
        self.description = description


class ZaloAPIError(ZaloError):
    """The platform answered ``ok: false`` (or something that was not an answer)."""

    def __init__(self, error_code: int, description: str, *, method: str = "") -> None:
        super().__init__(f"{method + ': ' if method else ''}[{error_code}] {description}")
        self.error_code = error_code
        self.description = description
        self.method = method


class ZaloRetryAfter(ZaloAPIError):
    """429: slow down. ``retry_after`` comes from ``parameters`` or is :data:`DEFAULT_RETRY_AFTER`."""

    def __init__(self, error_code: int, description: str, *, method: str = "", retry_after: float) -> None:
        super().__init__(error_code, description, method=method)
        self.retry_after = retry_after


class ZaloForbidden(ZaloAPIError):
    """403: the bot may not write to this chat (the user blocked it, for instance)."""


class ZaloBadRequest(ZaloAPIError):
    """400 and other 4xx: the call is wrong and will fail again as it is."""


class ZaloServerError(ZaloAPIError):
    """5xx or an unreadable answer: the platform failed; retrying later may work."""


def error_for(method: str, error_code: int, description: str, parameters: Any = None) -> ZaloAPIError:
    """The exception for an ``ok: false`` answer."""
    if error_code == 429:
        return ZaloRetryAfter(error_code, description, method=method, retry_after=_retry_after(parameters))
    if error_code == 403:
        return ZaloForbidden(error_code, description, method=method)
    if 400 <= error_code <= 499:
        return ZaloBadRequest(error_code, description, method=method)
    if 500 <= error_code <= 599:
        return ZaloServerError(error_code, description, method=method)
    return ZaloAPIError(error_code, description, method=method)


def _retry_after(parameters: Any) -> float:
    value = parameters.get("retry_after") if isinstance(parameters, dict) else None
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
        return float(value)
    return DEFAULT_RETRY_AFTER


class ZaloClient:
    """One bot's connection to the API.

    ``session``: share an aiohttp session (it is then not closed by
    :meth:`close`); otherwise one is created on first use.
    ``request_timeout``: seconds for a whole call; a long poll gets its own
    ``timeout`` plus :data:`POLL_TIMEOUT_MARGIN`.
    """

    def __init__(
        self,
        token: str,
        api_url: str = DEFAULT_API_URL,
        session: aiohttp.ClientSession | None = None,
        *,
        request_timeout: float = DEFAULT_REQUEST_TIMEOUT,
    ) -> None:
        bot_id, colon, secret = token.partition(":")
        if not bot_id or not colon or not secret:
            raise ValueError("a Zalo bot token looks like '<bot_id>:<secret>'")
        self._token = token
        self._bot_id = bot_id
        self._base = f"{api_url.rstrip('/')}/bot{token}/"
        self._session = session
        self._owns_session = session is None
        self._request_timeout = request_timeout

    @property
    def bot_id(self) -> str:
        """The part of the token before ``:``."""
        return self._bot_id

    async def close(self) -> None:
        """Close the session if this client created it."""
        session, self._session = self._session, None
        if session is not None and self._owns_session:
            await session.close()

    async def __aenter__(self) -> ZaloClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    # -- the nine methods -----------------------------------------------------------------
    async def get_me(self) -> dict[str, Any]:
        """``{"id", "account_name", "account_type", "can_join_groups"}``."""
        return _object(await self.call("getMe"))

    async def get_updates(self, timeout: int = 30) -> dict[str, Any] | None:
        """One update (``{"event_name", "message"}``), or ``None`` if nothing arrived in ``timeout`` s.

        There is no offset: an update is acknowledged by being returned. While a
        webhook is set this raises (``deleteWebhook`` first).
        """
        try:
            result = await self.call(
                "getUpdates", {"timeout": str(timeout)}, timeout=timeout + POLL_TIMEOUT_MARGIN
            )
        except ZaloAPIError as error:
            if error.error_code == POLL_IDLE_CODE:
                return None
            raise
        if result is None:
            return None
        if not isinstance(result, dict):  # a Telegram-style list would mean the API changed
            description = f"answered {type(result).__name__}, not one update"
            raise ZaloServerError(200, description, method="getUpdates")
        return result

    async def set_webhook(self, url: str, secret_token: str) -> dict[str, Any]:
        """Push updates to ``url`` with ``X-Bot-Api-Secret-Token: secret_token`` (8 to 256 chars)."""
        return _object(await self.call("setWebhook", {"url": url, "secret_token": secret_token}))

    async def delete_webhook(self) -> dict[str, Any]:
        return _object(await self.call("deleteWebhook"))

    async def get_webhook_info(self) -> dict[str, Any]:
        """``{"url", "updated_at"}`` (``updated_at`` in milliseconds)."""
        return _object(await self.call("getWebhookInfo"))

    async def send_message(self, chat_id: str, text: str) -> dict[str, Any]:
        """Plain text of 1 to 2,000 characters; no parse modes, no buttons."""
        return _object(await self.call("sendMessage", {"chat_id": chat_id, "text": text}))

    async def send_photo(self, chat_id: str, photo_url: str, caption: str | None = None) -> dict[str, Any]:
        """A photo the platform fetches from the public ``photo_url``; caption up to 2,000."""
        body: dict[str, Any] = {"chat_id": chat_id, "photo": photo_url}
        if caption is not None:
            body["caption"] = caption
        return _object(await self.call("sendPhoto", body))

    async def send_sticker(self, chat_id: str, sticker: str) -> dict[str, Any]:
        return _object(await self.call("sendSticker", {"chat_id": chat_id, "sticker": sticker}))

    async def send_chat_action(self, chat_id: str, action: str) -> None:
        """``"typing"`` or ``"upload_photo"``."""
        await self.call("sendChatAction", {"chat_id": chat_id, "action": action})

    # -- the wire -------------------------------------------------------------------------
    async def call(
        self, method: str, body: dict[str, Any] | None = None, *, timeout: float | None = None
    ) -> Any:
        """POST ``body`` as JSON to ``method``; the ``result`` or an exception (see the module doc)."""
        session = self._ensure_session()
        limit = aiohttp.ClientTimeout(total=timeout if timeout is not None else self._request_timeout)
        try:
            async with session.post(self._base + method, json=body or {}, timeout=limit) as response:
                status = response.status
                raw = await response.read()
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise ZaloNetworkError(method, self._redact(f"{type(exc).__name__}: {exc}")) from None
        return _result(method, status, raw)

    def _ensure_session(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession()
            self._owns_session = True
        return self._session

    def _redact(self, text: str) -> str:
        return text.replace(self._token, "<token>")


def _result(method: str, status: int, raw: bytes) -> Any:
    try:
        answer = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        snippet = raw[:120].decode("utf-8", "replace")
        description = f"non-JSON answer (HTTP {status}): {snippet!r}"
        raise ZaloServerError(status, description, method=method) from None
    if not isinstance(answer, dict) or not isinstance(answer.get("ok"), bool):
        raise ZaloServerError(status, f"answer without 'ok' (HTTP {status})", method=method)
    if answer["ok"]:
        return answer.get("result")
    code = answer.get("error_code")
    if not isinstance(code, int) or isinstance(code, bool):
        code = status
    text = answer.get("description")
    description = text if isinstance(text, str) else f"error {code}"
    raise error_for(method, code, description, answer.get("parameters"))


def _object(result: Any) -> dict[str, Any]:
    """A result as a dict; the documentation does not describe every result, so others become ``{}``."""
    return result if isinstance(result, dict) else {}
