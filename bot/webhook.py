"""Webhook mode: Telegram pushes updates to WEBHOOK_LISTEN; requests without the secret are refused
(aiogram's SimpleRequestHandler checks X-Telegram-Bot-Api-Secret-Token)."""

from __future__ import annotations

import asyncio

from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web

from bot.app import ALLOWED_UPDATES, App, log
from bot.settings import SettingsError
from bot.telegram.commands import register_commands

WEBHOOK_PATH = "/telegram"


async def start_webhook(app: App) -> web.AppRunner:
    settings = app.settings
    if not settings.webhook_url:
        raise SettingsError("setting WEBHOOK_URL: missing (needed for --webhook)")
    if not settings.webhook_secret:
        raise SettingsError("setting WEBHOOK_SECRET: missing (needed for --webhook)")
    web_app = web.Application()
    SimpleRequestHandler(app.dispatcher, app.bot, secret_token=settings.webhook_secret).register(
        web_app, path=WEBHOOK_PATH
    )
    setup_application(web_app, app.dispatcher, bot=app.bot)
    runner = web.AppRunner(web_app)
    await runner.setup()
    host, port = settings.listen_host_port
    await web.TCPSite(runner, host, port).start()
    await register_commands(app.bot, app.library)
    await app.bot.set_webhook(
        settings.webhook_url, secret_token=settings.webhook_secret, allowed_updates=ALLOWED_UPDATES
    )
    log.info("webhook serving on %s", settings.webhook_listen)
    return runner


async def run_webhook(app: App) -> None:
    runner = await start_webhook(app)
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()
