"""Behaviour the platform leaves undocumented, as explicit settings.

Each default is the sandbox's best guess; a test that depends on one should
set it, so that when the real behaviour is learned only this file changes.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SandboxSettings:
    """Undocumented behaviour of the platform.

    - ``blocked_error_code`` / ``blocked_description``: the answer to a send to a
      user who blocked the bot.
    - ``errors_as_http_200``: answer errors with HTTP 200 (the JSON body still
      says ``ok: false``); by default the HTTP status mirrors ``error_code`` as
      on Telegram. A client must read the body, not the status.
    - ``webhook_attempts`` / ``webhook_retry_delay`` (doubling) /
      ``webhook_timeout``: how hard an update is pushed before it is dropped.
    - ``webhook_max_connections``: updates of different chats pushed at once
      (one chat's updates are always pushed one at a time, in order).
    - ``allow_http_loopback_webhook``: accept ``http://`` webhooks on
      127.0.0.1/localhost (tests); other webhooks must be ``https://``.
    - ``account_type``: what ``getMe`` reports.
    """

    blocked_error_code: int = 403
    blocked_description: str = "Forbidden: user blocked the bot"
    errors_as_http_200: bool = False
    webhook_attempts: int = 3
    webhook_retry_delay: float = 0.05
    webhook_timeout: float = 10.0
    webhook_max_connections: int = 40
    allow_http_loopback_webhook: bool = True
    account_type: str = "BASIC"
