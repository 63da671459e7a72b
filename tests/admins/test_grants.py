"""Granting and taking away roles, on SQLite and PostgreSQL: who may, what is refused and why
(as stable codes), and the audit entry each change leaves."""

from __future__ import annotations

import pytest

from content.library import Library
from service import admins, audit
from service.admins import PROVINCE_ADMIN, REVIEWER, SUPERADMIN
from service.dashboard_login import issue_link, open_session, viewer
from store.database import Database

ADMIN_IDS = (111,)


@pytest.fixture
def known(library: Library) -> list[str]:
    return list(library.province_ids)


async def test_a_superadmin_grants_and_the_grant_is_audited(database: Database, known: list[str]) -> None:
    result = await admins.grant(database, 111, ADMIN_IDS, "222", PROVINCE_ADMIN, ["Ha-Noi ", "hue"], known)
    assert result.ok and result.provinces == ("ha-noi", "hue") and result.previous is None
    roles = await admins.roles_of(database, 222, ADMIN_IDS)
    assert roles.provinces == {"ha-noi", "hue"} and admins.can_send_alerts(roles)

    again = await admins.grant(database, 111, ADMIN_IDS, "222", PROVINCE_ADMIN, ["da-nang"], known)
    assert again.ok and again.previous == ("ha-noi", "hue")  # a new grant states the whole list
    assert (await admins.roles_of(database, "222", ADMIN_IDS)).provinces == {"da-nang"}

    [latest, first] = await database.run(lambda c: audit.latest(c, 10))
    assert (first.actor, first.action, first.detail) == (
        "111", audit.GRANT, {"user": "222", "role": PROVINCE_ADMIN, "provinces": ["ha-noi", "hue"]},
    )  # fmt: skip
    assert latest.detail["provinces"] == ["da-nang"] and latest.at >= first.at


@pytest.mark.parametrize(
    ("actor", "target", "role", "provinces", "code"),
    [
        ("222", "999", REVIEWER, [], admins.NOT_ALLOWED),  # a province admin does not manage roles
        ("999", "999", SUPERADMIN, [], admins.NOT_ALLOWED),  # nor does a stranger, even for themself
        ("111", "999", "king", [], admins.UNKNOWN_ROLE),
        ("111", "@lan", REVIEWER, [], admins.BAD_USER_ID),
        ("111", "999", PROVINCE_ADMIN, ["atlantis", "hue"], admins.UNKNOWN_PROVINCE),
        ("111", "999", PROVINCE_ADMIN, [], admins.PROVINCES_REQUIRED),
        ("111", "999", SUPERADMIN, ["hue"], admins.PROVINCES_NOT_ALLOWED),
    ],
)
async def test_a_grant_is_refused_with_a_reason_and_changes_nothing(
    database: Database, known: list[str], actor, target, role, provinces, code
) -> None:
    await admins.grant(database, "cli", ADMIN_IDS, "222", PROVINCE_ADMIN, ["hue"], known)
    result = await admins.grant(database, actor, ADMIN_IDS, target, role, provinces, known)
    assert result.code == code and not result.ok
    if code == admins.UNKNOWN_PROVINCE:
        assert result.unknown == ("atlantis",)
    assert not (await admins.roles_of(database, target, ADMIN_IDS)).any
    entries = await database.run(lambda c: audit.latest(c, 10))
    assert [e.actor for e in entries] == ["cli"]  # only the setting-up grant


async def test_a_granted_superadmin_may_grant_in_turn(database: Database, known: list[str]) -> None:
    assert (await admins.grant(database, "cli", ADMIN_IDS, "555", SUPERADMIN, [], known)).ok
    assert (await admins.grant(database, "555", ADMIN_IDS, "333", REVIEWER, ["hue"], known)).ok
    assert admins.scope(await admins.roles_of(database, "333", ADMIN_IDS)) == ["hue"]


async def test_revoking(database: Database, known: list[str]) -> None:
    await admins.grant(database, 111, ADMIN_IDS, "222", PROVINCE_ADMIN, ["hue"], known)
    await admins.grant(database, 111, ADMIN_IDS, "222", REVIEWER, [], known)
    assert (await admins.revoke(database, "222", ADMIN_IDS, "222", REVIEWER)).code == admins.NOT_ALLOWED
    assert (await admins.revoke(database, 111, ADMIN_IDS, "222", "king")).code == admins.UNKNOWN_ROLE
    assert (await admins.revoke(database, 111, ADMIN_IDS, "333", REVIEWER)).code == admins.NOT_GRANTED
    assert (await admins.revoke(database, 111, ADMIN_IDS, "111", SUPERADMIN)).code == admins.FROM_SETTINGS

    result = await admins.revoke(database, 111, ADMIN_IDS, "222", REVIEWER)
    assert result.ok and result.still.provinces == {"hue"} and not result.still.reviewer
    entries = await database.run(lambda c: audit.latest(c, 1))
    assert (entries[0].action, entries[0].detail) == (audit.REVOKE, {"user": "222", "role": REVIEWER})


async def test_losing_the_last_role_signs_out_of_the_dashboard(database: Database, known: list[str]) -> None:
    await admins.grant(database, 111, ADMIN_IDS, "444", REVIEWER, [], known)
    link = await issue_link(database, "444", ADMIN_IDS, "http://dash")
    assert link is not None
    session = await open_session(database, link.rsplit("/", 1)[1], ADMIN_IDS)
    assert session is not None and await viewer(database, session, ADMIN_IDS) is not None
    assert (await admins.revoke(database, 111, ADMIN_IDS, "444", REVIEWER)).ok
    assert await viewer(database, session, ADMIN_IDS) is None
    assert await issue_link(database, "444", ADMIN_IDS, "http://dash") is None


async def test_the_list_of_admins_is_for_superadmins(database: Database, known: list[str]) -> None:
    await admins.grant(database, 111, ADMIN_IDS, "20", REVIEWER, [], known)
    await admins.grant(database, 111, ADMIN_IDS, "3", PROVINCE_ADMIN, ["hue"], known)
    assert (await admins.list_admins(database, "3", ADMIN_IDS)).code == admins.NOT_ALLOWED
    listed = await admins.list_admins(database, 111, ADMIN_IDS)
    assert listed.ok and [a.user_id for a in listed.admins] == ["111", "3", "20"]
    assert listed.admins[0].roles.from_settings and listed.admins[0].grants == ()
    assert listed.admins[1].grants[0].granted_by == "111"
