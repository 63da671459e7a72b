"""The role rules as data: what each kind of person may do and see. No database."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from service.admins import (
    PROVINCE_ADMIN,
    REVIEWER,
    SUPERADMIN,
    Roles,
    can_manage,
    can_send_alerts,
    can_view,
    roles_from,
    scope,
    send_scope,
)  # fmt: skip
from store.admins import Grant

ADMIN_IDS = (111,)
AT = datetime(2026, 11, 30, tzinfo=UTC)


def grant(user: str, role: str, *provinces: str) -> Grant:
    return Grant(user, role, provinces, "cli", AT)


GRANTS = [
    grant("222", PROVINCE_ADMIN, "ha-noi", "hue"),
    grant("333", REVIEWER),
    grant("444", REVIEWER, "hue"),
    grant("555", SUPERADMIN),
    grant("666", REVIEWER),
    grant("666", PROVINCE_ADMIN, "da-nang"),
]


@pytest.mark.parametrize(
    ("who", "description", "manage", "send", "view", "sees", "sends_to"),
    [
        ("111", "a superadmin by ADMIN_IDS", True, True, True, None, None),
        (111, "the same, given as a number", True, True, True, None, None),
        ("555", "a superadmin by grant", True, True, True, None, None),
        ("222", "a province admin of two provinces", False, True, True, ["ha-noi", "hue"], ["ha-noi", "hue"]),
        ("333", "a reviewer of the whole country", False, False, True, None, []),
        ("444", "a reviewer of one province", False, False, True, ["hue"], []),
        ("666", "a national reviewer who sends in one province", False, True, True, None, ["da-nang"]),
        ("777", "anyone else", False, False, False, [], []),
    ],
)
def test_what_each_person_may_do(who, description, manage, send, view, sees, sends_to) -> None:
    roles = roles_from(who, ADMIN_IDS, GRANTS)
    assert (can_manage(roles), can_send_alerts(roles), can_view(roles)) == (manage, send, view), description
    assert scope(roles) == sees, description
    assert send_scope(roles) == sends_to, description


def test_roles_remember_where_a_superadmin_comes_from() -> None:
    assert roles_from("111", ADMIN_IDS, []).from_settings
    assert not roles_from("555", ADMIN_IDS, GRANTS).from_settings
    assert roles_from("777", ADMIN_IDS, GRANTS) == Roles()
