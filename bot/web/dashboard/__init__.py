"""The admins' web dashboard: sign-in by a one-time link from the bot, report pages with charts
drawn on the server, alert cancelling, the scam reports learners filed, and CSV exports, every
figure limited to the viewer's provinces. How it works and why: docs/dashboard.md."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from zoneinfo import ZoneInfo

from aiohttp import web

from bot.web.dashboard.access import Dashboard, login_routes
from bot.web.dashboard.alerts_page import alert_routes
from bot.web.dashboard.exports import export_routes
from bot.web.dashboard.figures import figure_routes
from bot.web.dashboard.reports_page import report_routes
from content.library import Library
from store.database import Database

STYLESHEET = Path(__file__).resolve().parent.parent / "static" / "dashboard.css"
DEFAULT_ZONE = "Asia/Ho_Chi_Minh"


def dashboard_routes(
    database: Database,
    library: Library,
    admin_ids: Iterable[int] = (),
    base_url: str | None = None,
    timezone: str = DEFAULT_ZONE,
) -> list[web.RouteDef]:
    dashboard = Dashboard(database, library, tuple(admin_ids), base_url, ZoneInfo(timezone))

    async def stylesheet(request: web.Request) -> web.StreamResponse:
        return web.FileResponse(STYLESHEET, headers={"Cache-Control": "public, max-age=3600"})

    return [
        web.get("/dashboard/static/dashboard.css", stylesheet),
        *login_routes(dashboard),
        *figure_routes(dashboard),
        *alert_routes(dashboard),
        *report_routes(dashboard),
        *export_routes(dashboard),
    ]
