"""The dashboard served on a free loopback port over the seeded database (SQLite and
PostgreSQL), with one person of each role."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from aiohttp import web

from bot.web.server import web_app
from content.library import Library
from service import admins, audit
from service.dashboard_login import issue_link
from store.database import Database
from tests.database_fixtures import database, database_url  # noqa: F401
from tests.web.seed import ADMIN_IDS, HANOI_ADMIN, HUE_REVIEWER, REVIEWER, Seeded, seed


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Served:
    base: str
    database: Database
    library: Library
    seeded: Seeded

    async def link(self, user: str | int) -> str:
        link = await issue_link(self.database, user, ADMIN_IDS, self.base)
        assert link is not None, f"{user} got no link"
        return link


async def grant_roles(db: Database, library: Library) -> None:
    known = library.province_ids
    for user, role, provinces in (
        (HANOI_ADMIN, admins.PROVINCE_ADMIN, ["ha-noi"]),
        (REVIEWER, admins.REVIEWER, []),
        (HUE_REVIEWER, admins.REVIEWER, ["hue"]),
    ):
        granted = await admins.grant(db, audit.CLI, ADMIN_IDS, user, role, provinces, known)
        assert granted.ok, granted


async def serve(db: Database, library: Library, base_url: str | None = None) -> tuple[str, web.AppRunner]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    runner = web.AppRunner(web_app(db, library, ADMIN_IDS, base_url or base))
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return base, runner


@pytest.fixture
async def served(database: Database, library: Library) -> AsyncIterator[Served]:  # noqa: F811
    seeded = await seed(database, library)
    await grant_roles(database, library)
    base, runner = await serve(database, library)
    yield Served(base, database, library, seeded)
    await runner.cleanup()
