"""Everything the sandbox knows about one bot (one token).

A token is ``<bot_id>:<secret>``; each registered token is a separate bot
with its own chats, pending updates, webhook, rate limits and counters.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sandbox.zalo.chats import ChatBook
from sandbox.zalo.delivery import Delivery
from sandbox.zalo.limits import RateGate, RateLimits
from sandbox.zalo.records import ReceivedMessage, SandboxStats
from sandbox.zalo.settings import SandboxSettings


def bot_id_of(token: str) -> str:
    """The part of the token before the colon."""
    bot_id, colon, secret = token.partition(":")
    if not bot_id or not colon or not secret:
        raise ValueError("a Zalo bot token looks like '<bot_id>:<secret>'")
    return bot_id


@dataclass(eq=False)
class BotState:
    """One bot: profile, chats, update delivery, limits and counters."""

    token: str
    account_name: str
    settings: SandboxSettings
    limits: RateLimits = field(default_factory=RateLimits)
    stats: SandboxStats = field(default_factory=SandboxStats)
    chats: ChatBook = field(default_factory=ChatBook)
    delivery: Delivery = field(init=False)
    gate: RateGate = field(init=False)

    def __post_init__(self) -> None:
        self.bot_id = bot_id_of(self.token)
        self.delivery = Delivery(self.stats, self.settings)
        self.gate = RateGate(self.limits)

    def set_limits(self, limits: RateLimits) -> None:
        """Replace the rate limits (buckets start full)."""
        self.limits = limits
        self.gate.reset(limits)

    def set_settings(self, settings: SandboxSettings) -> None:
        self.settings = settings
        self.delivery.settings = settings

    def profile(self) -> dict[str, Any]:
        """What getMe answers."""
        return {
            "id": self.bot_id,
            "account_name": self.account_name,
            "account_type": self.settings.account_type,
            "can_join_groups": False,
        }

    def sent_messages(self, chat_id: str | None = None) -> list[ReceivedMessage]:
        """Everything the bot sent (to one chat, or to all in order)."""
        if chat_id is None:
            return list(self.stats.sent)
        chat = self.chats.get(chat_id)
        return list(chat.messages) if chat is not None else []
