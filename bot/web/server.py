"""The web application and its serving: one aiohttp app, so the certificate check, the media and
the dashboard share a port, a process and the bot's database."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable

from aiohttp import web

from bot.web.dashboard import DEFAULT_ZONE, dashboard_routes
from bot.web.media import media_routes
from bot.web.verify import verify_routes
from content.library import Library
from store.database import Database

log = logging.getLogger("hocvuso.web")
DEFAULT_LISTEN = "127.0.0.1:8090"


def web_app(
    database: Database,
    library: Library,
    admin_ids: Iterable[int] = (),
    dashboard_url: str | None = None,
    timezone: str = DEFAULT_ZONE,
) -> web.Application:
    app = web.Application(client_max_size=64 * 1024)
    app.add_routes([*verify_routes(database, library), *media_routes(database, library)])
    app.add_routes(dashboard_routes(database, library, admin_ids, dashboard_url, timezone))
    return app


async def serve_web(app: web.Application, listen: str) -> None:
    """Serve until cancelled."""
    host, _, port = listen.rpartition(":")
    runner = web.AppRunner(app, access_log=None)  # paths carry certificate codes: no access log
    await runner.setup()
    site = web.TCPSite(runner, host, int(port))
    await site.start()
    log.info("web server listening", extra={"listen": listen})
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()
