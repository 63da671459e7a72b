"""What `hocvuso run` needs from a channel (Telegram on aiogram or python-telegram-bot, Zalo):
its bots' turns, a sender per bot for the outbox, and a way to receive updates."""

from __future__ import annotations

from typing import Protocol

from aiohttp import web

from scheduler.sender import Sender
from service.turns import Turns


class Channel(Protocol):
    name: str

    @property
    def turns(self) -> list[Turns]:
        """One per bot of this channel, first bot first."""
        ...

    def senders(self) -> list[Sender]:
        """The outbox's way out, one per bot."""
        ...

    @property
    def outbox_rate(self) -> float:
        """Messages a second one bot of this channel may send in bulk (sizes delivery batches)."""
        ...

    def uses_webhook(self, webhook_flag: bool) -> bool:
        """Whether updates come by webhook in this run (`hocvuso run --webhook`, or settings)."""
        ...

    async def poll(self) -> None:
        """Receive updates by long polling until cancelled."""
        ...

    def webhook_listen(self) -> str:
        """host:port this channel's webhook is served on."""
        ...

    def add_webhook_routes(self, web_app: web.Application) -> None: ...

    async def announce_webhook(self) -> None:
        """Tell the platform where to push updates, once the server listens."""
        ...

    async def close(self) -> None: ...
