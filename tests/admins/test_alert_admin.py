"""Alerts record their author, and stopping one is for those who may send it, in their own
provinces, once; every step is in the audit log."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from content.library import Library
from flows.state import LearnerState, Step
from service import admins, alert_admin, alerts, audit
from store import learners
from store.address import BotRef
from store.database import Database
from store.models import AlertRow

ADMIN_IDS = (111,)


async def _two_alerts(database: Database, library: Library) -> tuple[int, int]:
    def work(connection) -> tuple[int, int]:
        states = [LearnerState(str(n), step=Step.READY, onboarded=True, province=p) for n, p in
                  enumerate(["ha-noi", "ha-noi", "hue"])]  # fmt: skip
        learners.insert_many(connection, BotRef("telegram", "1"), states)
        draft = alerts.Draft({"vi": "Cảnh báo", "en": "Warning"})
        ids = []
        for audience in (alerts.Audience(provinces=("ha-noi",)), alerts.Audience()):
            alert_id, total = alerts.create(connection, draft, audience, library, datetime.now(UTC))
            alert_admin.created(connection, alert_id, "111", audience.describe(), total)
            ids.append(alert_id)
        return ids[0], ids[1]

    return await database.run(work)


async def test_an_alert_records_its_author(database: Database, library: Library) -> None:
    hanoi, _ = await _two_alerts(database, library)
    table = AlertRow.__table__
    author = await database.run(
        lambda c: c.execute(select(table.c.author).where(table.c.id == hanoi)).scalar_one()
    )
    assert author == "111"
    created = [
        e for e in await database.run(lambda c: audit.latest(c, 10)) if e.action == audit.ALERT_CREATED
    ]
    assert {e.detail["alert"] for e in created} == {1, 2} and created[-1].detail["total"] == 2


async def test_who_may_stop_which_alert(database: Database, library: Library) -> None:
    hanoi, everyone = await _two_alerts(database, library)
    known = list(library.province_ids)
    await admins.grant(database, "cli", ADMIN_IDS, "222", admins.PROVINCE_ADMIN, ["ha-noi"], known)
    await admins.grant(database, "cli", ADMIN_IDS, "333", admins.REVIEWER, [], known)

    assert await alert_admin.cancel_alert(database, "333", ADMIN_IDS, hanoi) == (alert_admin.NOT_ALLOWED, 0)
    assert await alert_admin.cancel_alert(database, "222", ADMIN_IDS, everyone) == (
        alert_admin.NOT_ALLOWED,
        0,
    )
    assert await alert_admin.cancel_alert(database, "222", ADMIN_IDS, 99) == (alert_admin.NOT_FOUND, 0)
    assert await alert_admin.cancel_alert(database, "222", ADMIN_IDS, hanoi) == (alert_admin.OK, 2)
    assert await alert_admin.cancel_alert(database, "222", ADMIN_IDS, hanoi) == (alert_admin.ALREADY_OVER, 0)
    assert await alert_admin.cancel_alert(database, audit.CLI, ADMIN_IDS, everyone) == (alert_admin.OK, 3)

    stopped = [
        e for e in await database.run(lambda c: audit.latest(c, 20)) if e.action == audit.ALERT_CANCELLED
    ]
    assert [(e.actor, e.detail) for e in stopped] == [
        ("cli", {"alert": everyone, "stopped": 3}), ("222", {"alert": hanoi, "stopped": 2}),
    ]  # fmt: skip
