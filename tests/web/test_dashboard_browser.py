"""The dashboard in a real browser (Chromium through Playwright), on SQLite and PostgreSQL: the
one-time login link, the session cookie, a province admin's scope on pages and exports,
stopping an alert through the page, and every page on a phone without sideways scrolling."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from service import audit
from store.dashboard_auth import links
from store.models import AlertRow, OutboxRow
from tests.browser import chromium_page
from tests.web.conftest import Served
from tests.web.seed import HANOI_ADMIN, REVIEWER, SUPERADMIN

PAGES = ("", "/provinces", "/funnel", "/questions", "/alerts", "/cafes", "/audit")
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "locale": "vi-VN"}


async def sign_in(page, served: Served, user: str | int, lang: str = "") -> None:
    link = await served.link(user)
    await page.goto(link + (f"?lang={lang}" if lang else ""))
    await page.get_by_role("button").click()
    await page.wait_for_url(re.compile(r".*/dashboard(\?.*)?$"))


async def test_a_login_link_opens_the_dashboard_once(served: Served) -> None:
    link = await served.link(SUPERADMIN)
    async with chromium_page(locale="vi-VN") as page:
        await page.goto(link)  # looking at the link (as a preview robot would) does not spend it
        await page.goto(link)
        await page.get_by_role("button", name="Mở bảng điều khiển").click()
        await page.wait_for_url(re.compile(r".*/dashboard(\?.*)?$"))
        assert await page.locator("[data-figure=learners]").inner_text() == "8"
        assert "Số liệu cả nước" in await page.locator("[data-scope]").inner_text()
        assert await page.locator("svg.chart").count() >= 2  # drawn on the server, inline

        again = await page.goto(link)
        assert again is not None and again.status == 403
        assert "đã được dùng" in await page.locator("main").inner_text()


async def test_a_link_older_than_ten_minutes_is_refused(served: Served) -> None:
    link = await served.link(SUPERADMIN)
    past = datetime.now(UTC) - timedelta(seconds=1)
    await served.database.run(lambda c: c.execute(update(links).values(expires_at=past)))
    async with chromium_page(locale="en-US") as page:
        response = await page.goto(link)
        assert response is not None and response.status == 403
        assert "more than 10 minutes old" in await page.locator("main").inner_text()
        await page.goto(f"{served.base}/dashboard")
        assert page.url.startswith(f"{served.base}/login")  # no session: how to get one
        assert "/dashboard" in await page.locator("main").inner_text()


async def test_the_session_cookie_is_httponly_and_samesite_strict(served: Served) -> None:
    async with chromium_page() as page:
        await sign_in(page, served, SUPERADMIN)
        [cookie] = await page.context.cookies()
        assert cookie["name"] == "hocvuso_session"
        assert cookie["httpOnly"] is True and cookie["sameSite"] == "Strict"
        assert cookie["secure"] is False  # plain http here; https: see test_login_http
        assert cookie["path"] == "/dashboard"
        assert 11.9 * 3600 < cookie["expires"] - datetime.now(UTC).timestamp() <= 12 * 3600
        assert await page.evaluate("document.cookie") == ""  # scripts cannot read it


async def test_a_province_admin_sees_only_their_province(served: Served) -> None:
    async with chromium_page(locale="vi-VN") as page:
        await sign_in(page, served, HANOI_ADMIN)
        assert await page.locator("[data-figure=learners]").inner_text() == "4"
        assert "Hà Nội" in await page.locator("[data-scope]").inner_text()

        await page.goto(f"{served.base}/dashboard/provinces")
        table = await page.locator("table").first.inner_text()
        assert "Hà Nội" in table and "Huế" not in table and "Đà Nẵng" not in table

        await page.goto(f"{served.base}/dashboard/alerts")
        rows = page.locator("tr[data-alert]")
        assert await rows.count() == 1
        assert await rows.first.get_attribute("data-alert") == str(served.seeded.alert_hanoi)

        await page.goto(f"{served.base}/dashboard/cafes")
        main = await page.locator("main").inner_text()
        assert "Tổ dân phố 5" in main and "Hội phụ nữ Huế" not in main

        await page.goto(f"{served.base}/dashboard/funnel")
        assert "4" in await page.locator("table tbody tr").first.inner_text()


async def _download(page, name: str) -> list[dict[str, str]]:
    async with page.expect_download() as waiting:
        await page.locator(f"a[href='/dashboard/export/{name}.csv']").click()
    download = await waiting.value
    content = open(await download.path(), encoding="utf-8-sig").read()  # noqa: SIM115
    return list(csv.DictReader(io.StringIO(content)))


async def test_exports_hold_no_names_and_keep_to_the_scope(served: Served) -> None:
    async with chromium_page(accept_downloads=True) as page:
        await sign_in(page, served, HANOI_ADMIN)
        learners = await _download(page, "learners")
        assert len(learners) == 4 and {row["province"] for row in learners} == {"ha-noi"}
        assert all(re.fullmatch(r"[0-9a-f]{64}", row["learner"]) for row in learners)
        assert list(learners[0]) == [
            "learner", "channel", "province", "group", "language", "lessons_done", "accuracy", "last_active",
        ]  # fmt: skip
        an = next(row for row in learners if row["lessons_done"] == "8")
        assert an["accuracy"] == "0.8000" and an["channel"] == "telegram"
        assert not any(name in str(learners) for name in ("an", "binh", "chi", "dung") if len(name) > 2)

        alerts = await _download(page, "alerts")
        assert [row["id"] for row in alerts] == [str(served.seeded.alert_hanoi)]
        assert alerts[0]["author"] == str(SUPERADMIN) and alerts[0]["waiting"] == "4"

        questions = await _download(page, "questions")
        assert [(q["question"], q["answers"], q["correct"]) for q in questions] == [
            (served.seeded.question, "2", "1")
        ]
    entries = await served.database.run(lambda c: audit.latest(c, 20, [HANOI_ADMIN]))
    exported = [e.detail["export"] for e in entries if e.action == audit.EXPORT]
    assert sorted(exported) == ["alerts", "learners", "questions"]
    assert all(e.detail["scope"] == ["ha-noi"] for e in entries if e.action == audit.EXPORT)


async def test_an_alert_is_stopped_from_the_alerts_page(served: Served) -> None:
    alert_id = served.seeded.alert_hanoi
    async with chromium_page(locale="en-US") as page:
        await sign_in(page, served, SUPERADMIN)
        await page.goto(f"{served.base}/dashboard/alerts")
        row = page.locator(f"tr[data-alert='{alert_id}']")
        assert "111" in await row.inner_text()  # the author
        await row.get_by_text("Stop sending").first.click()  # opens the confirmation
        await row.get_by_role("button", name="Stop sending").click()
        await page.wait_for_url(re.compile(r".*stopped=4.*"))
        assert f"Alert {alert_id} stopped: 4 messages" in await page.locator(".notice").inner_text()
        row = page.locator(f"tr[data-alert='{alert_id}']")
        assert await row.locator("[data-state]").get_attribute("data-state") == "cancelled"
        assert await row.locator("button").count() == 0

    alerts = AlertRow.__table__
    outbox = OutboxRow.__table__
    state = await served.database.run(
        lambda c: c.execute(select(alerts.c.state).where(alerts.c.id == alert_id)).scalar_one()
    )
    rows = await served.database.run(
        lambda c: (
            c.execute(select(outbox.c.state).where(outbox.c.campaign == f"alert:{alert_id}")).scalars().all()
        )
    )
    assert state == "cancelled" and set(rows) == {"cancelled"}
    entries = await served.database.run(lambda c: audit.latest(c, 5, [str(SUPERADMIN)]))
    assert any(e.action == audit.ALERT_CANCELLED and e.detail["alert"] == alert_id for e in entries)


async def test_a_reviewer_sees_alerts_but_has_no_stop_button(served: Served) -> None:
    async with chromium_page() as page:
        await sign_in(page, served, REVIEWER)
        await page.goto(f"{served.base}/dashboard/alerts")
        assert await page.locator("tr[data-alert]").count() == 3
        assert await page.locator("details.confirm").count() == 0


async def test_every_page_fits_a_phone_screen(served: Served) -> None:
    async with chromium_page(**PHONE) as page:
        await sign_in(page, served, SUPERADMIN)
        for path in PAGES:
            response = await page.goto(f"{served.base}/dashboard{path}")
            assert response is not None and response.status == 200, path
            scroll_width = await page.evaluate("document.scrollingElement.scrollWidth")
            inner_width = await page.evaluate("window.innerWidth")
            assert scroll_width <= inner_width, (
                f"/dashboard{path} scrolls sideways: {scroll_width} > {inner_width}"
            )
        await page.goto(f"{served.base}/dashboard?lang=en")
        assert "Learners" in await page.locator("main").inner_text()
