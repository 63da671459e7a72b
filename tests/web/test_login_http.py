"""The dashboard's doors, checked request by request: who gets a link, what a link and a session
allow, the Secure flag under https, forged forms, and a revoke that closes the door at once."""

from __future__ import annotations

import aiohttp
import pytest
from sqlalchemy import select

from service import admins, audit
from service.dashboard_login import TooManyLinks, issue_link
from store.models import AlertRow
from tests.web.conftest import Served, serve
from tests.web.seed import ADMIN_IDS, HANOI_ADMIN, NOBODY, REVIEWER, SUPERADMIN


def _client() -> aiohttp.ClientSession:
    """A client that keeps cookies for 127.0.0.1 (aiohttp's default refuses IP addresses)."""
    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))


async def _session(http: aiohttp.ClientSession, link: str) -> str:
    async with http.post(link, allow_redirects=False) as response:
        assert response.status == 303 and response.headers["Location"].startswith("/dashboard")
        return response.cookies["hocvuso_session"].value


async def test_only_admins_and_reviewers_get_a_link(served: Served) -> None:
    assert await issue_link(served.database, NOBODY, ADMIN_IDS, served.base) is None
    for user in (SUPERADMIN, HANOI_ADMIN, REVIEWER):
        link = await issue_link(served.database, user, ADMIN_IDS, served.base + "/")
        assert (
            link is not None
            and link.startswith(f"{served.base}/login/")
            and len(link.rsplit("/", 1)[1]) >= 43
        )
    entries = await served.database.run(lambda c: audit.latest(c, 10))
    assert sorted(e.actor for e in entries if e.action == audit.DASHBOARD_LINK) == sorted(
        [str(SUPERADMIN), HANOI_ADMIN, REVIEWER]
    )


async def test_a_link_is_spent_by_the_button_not_by_looking(served: Served) -> None:
    link = await served.link(SUPERADMIN)
    async with _client() as http:
        for _ in range(2):
            async with http.get(link) as response:
                assert response.status == 200
                assert response.headers["Referrer-Policy"] == "same-origin"
                assert response.headers["Cache-Control"] == "no-store"
        await _session(http, link)
        async with http.post(link, allow_redirects=False) as response:
            assert response.status == 403
        async with http.get(link) as response:
            assert response.status == 403
    entries = await served.database.run(lambda c: audit.latest(c, 5, [str(SUPERADMIN)]))
    assert [e.action for e in entries].count(audit.DASHBOARD_LOGIN) == 1


async def test_the_cookie_is_secure_when_the_dashboard_is_served_over_https(served: Served) -> None:
    base, runner = await serve(served.database, served.library, base_url="https://dashboard.example.vn")
    try:
        link = await issue_link(served.database, SUPERADMIN, ADMIN_IDS, base)
        assert link is not None
        async with _client() as http, http.post(link, allow_redirects=False) as response:
            cookie = response.headers["Set-Cookie"]
        assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie
        assert "Max-Age=43200" in cookie and "Path=/dashboard" in cookie
    finally:
        await runner.cleanup()


async def test_pages_and_exports_need_a_session(served: Served) -> None:
    async with _client() as http:
        for path in ("/dashboard", "/dashboard/alerts", "/dashboard/export/learners.csv"):
            async with http.get(served.base + path, allow_redirects=False) as response:
                assert response.status == 303 and response.headers["Location"] == "/login"
        http.cookie_jar.update_cookies({"hocvuso_session": "made-up"})
        async with http.get(served.base + "/dashboard", allow_redirects=False) as response:
            assert response.status == 303


async def test_a_form_without_the_session_token_or_from_another_site_is_refused(served: Served) -> None:
    alert = served.seeded.alert_hanoi
    async with _client() as http:
        await _session(http, await served.link(SUPERADMIN))
        cancel = f"{served.base}/dashboard/alerts/{alert}/cancel"
        async with http.post(cancel, data={"csrf": "wrong"}, allow_redirects=False) as response:
            assert response.status == 403
        async with http.get(f"{served.base}/dashboard/alerts") as response:
            page = await response.text()
        token = page.split('name="csrf" value="', 1)[1].split('"', 1)[0]
        foreign = {"Origin": "https://elsewhere.example"}
        async with http.post(
            cancel, data={"csrf": token}, headers=foreign, allow_redirects=False
        ) as response:
            assert response.status == 403
    alerts = AlertRow.__table__
    state = await served.database.run(
        lambda c: c.execute(select(alerts.c.state).where(alerts.c.id == alert)).scalar_one()
    )
    assert state == "sending"


async def test_a_reviewer_cannot_stop_an_alert_even_with_a_valid_form(served: Served) -> None:
    alert = served.seeded.alert_hanoi
    async with _client() as http:
        await _session(http, await served.link(REVIEWER))
        async with http.get(f"{served.base}/dashboard/alerts") as response:
            page = await response.text()
        token = page.split('name="csrf" value="', 1)[1].split('"', 1)[0]
        cancel = f"{served.base}/dashboard/alerts/{alert}/cancel"
        async with http.post(cancel, data={"csrf": token}, allow_redirects=False) as response:
            assert response.status == 303 and f"refused={alert}" in response.headers["Location"]


async def test_a_revoke_closes_the_dashboard_at_once(served: Served) -> None:
    async with _client() as http:
        await _session(http, await served.link(HANOI_ADMIN))
        async with http.get(f"{served.base}/dashboard", allow_redirects=False) as response:
            assert response.status == 200
        revoked = await admins.revoke(
            served.database, SUPERADMIN, ADMIN_IDS, HANOI_ADMIN, admins.PROVINCE_ADMIN
        )
        assert revoked.ok
        async with http.get(f"{served.base}/dashboard", allow_redirects=False) as response:
            assert response.status == 303


async def test_signing_out_ends_the_session(served: Served) -> None:
    async with _client() as http:
        session = await _session(http, await served.link(SUPERADMIN))
        async with http.get(f"{served.base}/dashboard") as response:
            token = (await response.text()).split('name="csrf" value="', 1)[1].split('"', 1)[0]
        async with http.post(
            f"{served.base}/dashboard/logout", data={"csrf": token}, allow_redirects=False
        ) as response:
            assert response.status == 303 and response.headers["Location"].startswith("/login?out=1")
        http.cookie_jar.update_cookies({"hocvuso_session": session})  # an old copy of the cookie
        async with http.get(f"{served.base}/dashboard", allow_redirects=False) as response:
            assert response.status == 303


async def test_login_links_are_rate_limited(served: Served) -> None:
    """Three unused links at once at most; using one makes room for another."""
    links = [await issue_link(served.database, SUPERADMIN, ADMIN_IDS, served.base) for _ in range(3)]
    assert all(links)
    with pytest.raises(TooManyLinks):
        await issue_link(served.database, SUPERADMIN, ADMIN_IDS, served.base)
    assert await issue_link(served.database, REVIEWER, ADMIN_IDS, served.base)  # others are not held up
    async with _client() as http:
        await _session(http, str(links[0]))
    assert await issue_link(served.database, SUPERADMIN, ADMIN_IDS, served.base)
