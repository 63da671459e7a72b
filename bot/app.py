"""The composition root of `hocvuso run`: the core (bot.bootstrap) plus every configured channel:
Telegram on aiogram or python-telegram-bot (TELEGRAM_LIBRARY) for BOT_TOKEN(S), Zalo for
ZALO_BOT_TOKEN(S). With only a Zalo token, it serves Zalo alone.

A deployment runs any mix of three roles (`hocvuso run --role`):
- bot: answers learners (long polling, or webhooks);
- scheduler: ticks, putting due messages into the outbox (one leader at a time);
- delivery: drains the outbox through each bot's sender and send budget.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from aiohttp import web

from bot.bootstrap import Core, open_core
from bot.channel import Channel
from bot.settings import Settings, SettingsError
from bot.web.server import DEFAULT_LISTEN, serve_web, web_app
from content.library import Library
from scheduler.budget import Limits, SendBudget, open_budget
from scheduler.delivery import DeliveryWorker
from scheduler.leader import AlwaysLeader, Leadership, PostgresLeader, RedisLeader
from scheduler.runner import SchedulerService
from service.turns import Turns
from store.database import ServerDatabase

log = logging.getLogger("hocvuso")
ROLES = ("bot", "scheduler", "delivery")


@dataclass
class App:
    core: Core
    channels: list[Channel]
    budgets: list[SendBudget]

    @property
    def settings(self) -> Settings:
        return self.core.settings

    @property
    def database(self) -> Any:
        return self.core.database

    @property
    def library(self) -> Library:
        return self.core.library

    @property
    def quiet(self) -> Any:
        return self.core.quiet

    @property
    def turns(self) -> Turns:
        """The first bot's turns (the only one in most deployments and tests)."""
        return self.channels[0].turns[0]

    def channel(self, name: str) -> Channel:
        return next(channel for channel in self.channels if channel.name == name)

    async def close(self) -> None:
        for channel in self.channels:
            await channel.close()
        for budget in self.budgets:
            await budget.close()
        await self.core.close()


def _telegram(core: Core, budget: SendBudget) -> Channel:
    if core.settings.telegram_library == "ptb":
        from bot.ptb.channel import PtbChannel

        return PtbChannel(core, budget)
    from bot.telegram.channel import AiogramChannel

    return AiogramChannel(core, budget)


async def build_app(settings: Settings, library: Library | None = None) -> App:
    if not settings.tokens and not settings.zalo_tokens:
        raise SettingsError(
            "setting BOT_TOKEN or ZALO_BOT_TOKEN: missing (or use `hocvuso chat` to try the bot)"
        )
    core = await open_core(settings, library)
    channels: list[Channel] = []
    budgets: list[SendBudget] = []
    if settings.tokens:
        budget = open_budget(
            Limits(per_second=settings.rate, margin=settings.send_margin), settings.redis_url
        )
        budgets.append(budget)
        channels.append(_telegram(core, budget))
    if settings.zalo_tokens:
        from bot.zalo.channel import ZaloChannel

        zalo_limits = Limits(per_second=settings.zalo_send_rate, margin=settings.send_margin)
        budget = open_budget(zalo_limits, settings.redis_url)
        budgets.append(budget)
        channels.append(ZaloChannel(core, budget))
    return App(core, channels, budgets)


async def serve_bots(app: App, webhook: bool = False) -> None:
    """Receive updates on every channel until cancelled: long polling, or one web server per
    listen address for the channels that take webhooks."""
    tasks = [asyncio.create_task(c.poll()) for c in app.channels if not c.uses_webhook(webhook)]
    runners: list[web.AppRunner] = []
    try:
        by_address: dict[str, list[Channel]] = {}
        for channel in app.channels:
            if channel.uses_webhook(webhook):
                by_address.setdefault(channel.webhook_listen(), []).append(channel)
        for address, channels in by_address.items():
            web_app = web.Application()
            for channel in channels:
                channel.add_webhook_routes(web_app)
            runner = web.AppRunner(web_app)
            await runner.setup()
            host, _, port = address.rpartition(":")
            await web.TCPSite(runner, host, int(port)).start()
            runners.append(runner)
            for channel in channels:
                await channel.announce_webhook()
            log.info("webhooks serving", extra={"listen": address, "channels": [c.name for c in channels]})
        await asyncio.gather(*tasks) if tasks else await asyncio.Event().wait()
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        for runner in runners:
            await runner.cleanup()


def leadership(app: App) -> Leadership:
    if isinstance(app.database, ServerDatabase):
        return PostgresLeader(app.database.engine)
    if app.core.redis is not None:
        return RedisLeader(app.core.redis)
    return AlwaysLeader()


def delivery_batch(rate: float) -> int:
    """Rows one lane claims for a second's worth: with every lane, about a second of messages to
    private chats is in flight, which is also the most a kill -9 can send twice (batches of
    paced group posts may hold more: `scheduler.delivery.Pace`)."""
    return max(5, min(250, int(rate) // DeliveryWorker.lanes))


def delivery_workers(app: App) -> list[DeliveryWorker]:
    return [
        DeliveryWorker(
            app.database,
            sender,
            app.settings.zone,
            app.quiet,
            batch=delivery_batch(channel.outbox_rate),
            lease=timedelta(seconds=app.settings.delivery_lease),
            library=app.library,
            rate_hint=channel.outbox_rate / DeliveryWorker.lanes,
        )
        for channel in app.channels
        for sender in channel.senders()
    ]


async def run_roles(app: App, roles: set[str], webhook: bool = False) -> None:
    """Run the chosen roles until cancelled."""
    stop = asyncio.Event()
    tasks: list[asyncio.Task[Any]] = []
    scheduler: SchedulerService | None = None
    if "delivery" in roles:
        tasks += [asyncio.create_task(worker.run(stop)) for worker in delivery_workers(app)]
    web_task: asyncio.Task[None] | None = None
    if "web" in roles:
        listen = app.settings.dashboard_listen or DEFAULT_LISTEN
        settings = app.settings
        served = web_app(
            app.database, app.library, settings.admin_ids, settings.dashboard_url, settings.timezone
        )
        web_task = asyncio.create_task(serve_web(served, listen))
    if "scheduler" in roles:
        scheduler = SchedulerService(
            app.database,
            app.library,
            app.settings.timezone,
            app.quiet,
            leadership(app),
            app.settings.scheduler_interval,
            timedelta(days=app.settings.outbox_retention_days),
        )
        scheduler.start()
    try:
        if "bot" in roles:
            await serve_bots(app, webhook)
        else:
            await asyncio.Event().wait()
    finally:
        stop.set()
        if scheduler is not None:
            await scheduler.stop()
        if web_task is not None:
            web_task.cancel()  # the web server has no stop event: it ends when cancelled
            tasks.append(web_task)
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(task, 10)
