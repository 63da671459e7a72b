"""Webhook mode: Telegram pushes updates to WEBHOOK_LISTEN; requests without the secret are refused
(aiogram's SimpleRequestHandler checks X-Telegram-Bot-Api-Secret-Token).

With one bot the handler serves the path of WEBHOOK_URL; with several, each bot gets
`<path>/<bot id>` and is registered at WEBHOOK_URL/<bot id>.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web

from bot.app import ALLOWED_UPDATES, App, log
from bot.settings import SettingsError
from bot.telegram.commands import register_commands


async def start_webhook(app: App) -> web.AppRunner:
    settings = app.settings
    if not settings.webhook_url:
        raise SettingsError("setting WEBHOOK_URL: missing (needed for --webhook)")
    if not settings.webhook_secret:
        raise SettingsError("setting WEBHOOK_SECRET: missing (needed for --webhook)")
    base_url = settings.webhook_url.rstrip("/")
    base_path = urlsplit(base_url).path or ""
    several = len(app.bots) > 1
    web_app = web.Application()
    for handle in app.bots:
        path = f"{base_path}/{handle.bot_id}" if several else base_path or "/"
        handler = SimpleRequestHandler(app.dispatcher, handle.bot, secret_token=settings.webhook_secret)
        handler.register(web_app, path=path)
    setup_application(web_app, app.dispatcher, bot=app.bot)
    runner = web.AppRunner(web_app)
    await runner.setup()
    host, port = settings.listen_host_port
    await web.TCPSite(runner, host, port).start()
    for handle in app.bots:
        await register_commands(handle.bot, app.library)
        url = f"{base_url}/{handle.bot_id}" if several else settings.webhook_url
        await handle.bot.set_webhook(
            url, secret_token=settings.webhook_secret, allowed_updates=ALLOWED_UPDATES
        )
    log.info("webhook serving", extra={"listen": settings.webhook_listen, "bots": len(app.bots)})
    return runner
