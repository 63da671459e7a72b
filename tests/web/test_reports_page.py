"""The scam reports page and its export, on SQLite and PostgreSQL: the counts by decision and by
the checker's light, reports per day, the latest reports in the reader's words, a province
admin's and a provincial reviewer's scope, the CSV and its audit entry, paging, the page on a
phone without sideways scrolling, and no report's text (nor a phone number in it) and no
learner's name on any page or in any export.

Reports are filed for the learners of tests/web/seed.py:

| reporter | province | light | decision | filed |
|---|---|---|---|---|
| an | Hà Nội | red | scam (by 111) | today (its text holds a place, a phone number and a name) |
| binh | Hà Nội | yellow | pending (its text holds a <script>) | today |
| dung (Zalo) | Hà Nội | yellow | pending (its text starts like a formula) | 40 days ago |
| em | Huế | red | safe (by 444) | 3 days ago |
| giang | Huế | red | scam (by 111), then giang asked to be forgotten | today |
| hoa | Đà Nẵng | green | unsure (by 111) | 10 days ago |
| khai | none | red | pending (a long link) | today |
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import aiohttp
from sqlalchemy import Connection

from bot.web.dashboard.render import EXPORTS, NAV
from bot.web.dashboard.reports_page import signal_words
from content.library import Library
from service import audit
from store import report_figures, scam_reports
from store.database import Database
from store.report_figures import PAGE
from tests.browser import chromium_page
from tests.web.conftest import Served
from tests.web.seed import HANOI_ADMIN, HUE_REVIEWER, NAMES, SUPERADMIN, TELEGRAM, ZALO, ZONE, seed
from tests.web.test_dashboard_browser import PHONE, sign_in

SCRIPT = "Công an báo: <script>alert(1)</script> bấm https://bit.ly/x ngay"
FORMULA = '=HYPERLINK("http://evil.example","Nhận quà")'
LONG_LINK = "Nhận quà tại https://" + "qua-tang-tri-an-khach-hang-" * 6 + "vn.example.top/nhan-qua"
PLACE = "Công an phường Hàng Bạc"
PHONE_NUMBER = "0912 345 678"
OTP = f"Chị Lê Thu Trang ơi, {PLACE} gọi từ số {PHONE_NUMBER}.\nĐọc mã OTP cho tôi ngay."
# Pieces of every report's text (none is a word the dashboard itself uses): not one may show.
TEXT_PIECES = (
    PLACE, PHONE_NUMBER, PHONE_NUMBER.replace(" ", ""), "Lê Thu Trang", "Đọc mã OTP cho tôi", "alert(1)",
    "bit.ly", "HYPERLINK", "evil.example", "qua-tang-tri-an", "mai họp lớp", "thông báo số dư",
    "100 triệu",
)  # fmt: skip


def _shows_no_text_and_no_name(body: str, where: str) -> None:
    shown = [piece for piece in (*TEXT_PIECES, *NAMES) if piece.casefold() in body.casefold()]
    assert not shown, f"{where} shows {shown}"


@dataclass(frozen=True)
class Filed:
    ids: dict[str, int]  # reporter's chat id → report id
    filed_at: datetime  # "today" in the deployment's zone
    decided_at: datetime  # in UTC, as the review desk stamps it

    def shown(self, value: datetime) -> str:
        return value.astimezone(ZONE).strftime("%Y-%m-%d %H:%M")


def _file(connection: Connection, now: datetime, decided: datetime) -> dict[str, int]:
    days_ago = lambda n: now - timedelta(days=n)  # noqa: E731
    found = {}
    for bot, chat, text, light, signals, at in (
        (ZALO, "dung", FORMULA, "yellow", ("too_good",), days_ago(40)),
        (TELEGRAM, "hoa", "Chào bạn, mai họp lớp nhé.", "green", (), days_ago(10)),
        (TELEGRAM, "em", "Ngân hàng thông báo số dư.", "red", ("lookalike_domain",), days_ago(3)),
        (TELEGRAM, "an", OTP, "red", ("asks_otp", "impersonation"), now),
        (TELEGRAM, "binh", SCRIPT, "yellow", ("shortener", "asks_click"), now),
        (TELEGRAM, "giang", "Bạn trúng thưởng 100 triệu.", "red", ("too_good",), now),
        (TELEGRAM, "khai", LONG_LINK, "red", ("unusual_tld",), now),
    ):
        found[chat] = scam_reports.file(connection, bot, chat, text, light, signals, at)
    for chat, status, by in (
        ("an", scam_reports.SCAM, str(SUPERADMIN)),
        ("em", scam_reports.SAFE, HUE_REVIEWER),
        ("giang", scam_reports.SCAM, str(SUPERADMIN)),
        ("hoa", scam_reports.UNSURE, str(SUPERADMIN)),
    ):
        assert scam_reports.decide(connection, found[chat], status, by, decided)
    scam_reports.forget_reporter(connection, TELEGRAM, "giang")  # a confirmed report stays, unnamed
    return found


async def file_reports(database: Database) -> Filed:
    now, decided = datetime.now(ZONE), datetime.now(UTC)
    ids = await database.run(lambda c: _file(c, now, decided))
    return Filed(ids, now, decided)


async def _figures(page) -> dict[str, str]:
    tiles = page.locator("[data-figure]")
    return {
        str(await tiles.nth(n).get_attribute("data-figure")): await tiles.nth(n).inner_text()
        for n in range(await tiles.count())
    }


async def _shown_ids(page) -> list[int]:
    rows = page.locator("tr[data-report]")
    return [int(str(await rows.nth(n).get_attribute("data-report"))) for n in range(await rows.count())]


async def test_the_figures_and_their_scope(database: Database, library: Library) -> None:
    await seed(database, library)
    filed = await file_reports(database)
    today = filed.filed_at.date()

    country = await database.run(lambda c: report_figures.counts(c, None, today, ZONE))
    assert country.by_status == {"pending": 3, "scam": 2, "safe": 1, "unsure": 1} and country.total == 7
    assert country.by_light == {
        "red": {"pending": 1, "scam": 2, "safe": 1, "unsure": 0},
        "yellow": {"pending": 2, "scam": 0, "safe": 0, "unsure": 0},
        "green": {"pending": 0, "scam": 0, "safe": 0, "unsure": 1},
    }
    per_day = dict(country.per_day)
    assert len(country.per_day) == 30 and country.per_day[-1][0] == today
    assert per_day[today] == 4 and per_day[today - timedelta(days=3)] == 1
    assert per_day[today - timedelta(days=10)] == 1 and sum(per_day.values()) == 6  # dung's is 40 days old

    hanoi = await database.run(lambda c: report_figures.counts(c, ["ha-noi"], today, ZONE))
    assert hanoi.by_status == {"pending": 2, "scam": 1, "safe": 0, "unsure": 0}
    assert sum(n for _, n in hanoi.per_day) == 2
    hue = await database.run(lambda c: report_figures.latest(c, ["hue"], ZONE))
    assert [line.id for line in hue] == [filed.ids["em"]]  # not giang's: forgotten, so national only
    nowhere = await database.run(lambda c: report_figures.counts(c, [], today, ZONE))
    assert nowhere.total == 0

    lines = await database.run(lambda c: report_figures.latest(c, None, ZONE))
    assert [line.id for line in lines] == sorted(filed.ids.values(), reverse=True)
    an = next(line for line in lines if line.id == filed.ids["an"])
    assert (an.status, an.decided_by) == ("scam", "111")
    assert not hasattr(an, "text")  # the dashboard does not even read a report's text
    assert an.signals == ("asks_otp", "impersonation")
    assert an.created_at == filed.filed_at
    assert an.decided_at is not None and abs(an.decided_at - filed.decided_at) < timedelta(seconds=1)
    older = await database.run(lambda c: report_figures.latest(c, None, ZONE, before=filed.ids["em"]))
    assert [line.id for line in older] == [filed.ids["hoa"], filed.ids["dung"]]


async def test_a_superadmin_sees_every_report_in_plain_words(served: Served) -> None:
    filed = await file_reports(served.database)
    dialogs: list[str] = []
    async with chromium_page(locale="vi-VN") as page:
        page.on("dialog", lambda dialog: dialogs.append(dialog.message))
        await sign_in(page, served, SUPERADMIN)
        await page.locator("nav.sections").get_by_role("link", name="Báo cáo lừa đảo").click()
        await page.wait_for_url(re.compile(r".*/dashboard/reports\?lang=vi$"))
        assert await page.locator("nav.sections [aria-current=page]").inner_text() == "Báo cáo lừa đảo"
        assert await _figures(page) == {
            "reports": "7", "pending": "3", "scam": "2", "safe": "1", "unsure": "1",
        }  # fmt: skip
        lights = await page.locator("[data-table=lights] tbody").inner_text()
        assert re.search(r"Đỏ: rất có thể lừa đảo\s+4\s+1\s+2\s+1\s+0", lights), lights
        assert re.search(r"Xanh: không thấy dấu hiệu\s+1\s+0\s+0\s+0\s+1", lights), lights
        assert await page.locator("svg.chart").count() == 1

        assert await _shown_ids(page) == sorted(filed.ids.values(), reverse=True)
        an = page.locator(f"tr[data-report='{filed.ids['an']}']")
        assert await an.locator("[data-status]").get_attribute("data-status") == "scam"
        assert await an.locator("[data-status]").inner_text() == "Lừa đảo"
        assert await an.locator("[data-light]").inner_text() == "Đỏ"
        signals = await an.locator("[data-signals]").inner_text()
        assert signals == f"{signal_words('asks_otp', 'vi')}; {signal_words('impersonation', 'vi')}"
        assert "đòi mã OTP" in signals
        row = await an.inner_text()
        assert f"111, lúc {filed.shown(filed.decided_at)}" in row
        assert filed.shown(filed.filed_at) in row
        headers = await page.locator("table.reports thead th").all_inner_texts()
        assert headers == ["Số", "Báo lúc", "Màu kiểm tra", "Kết quả", "Dấu hiệu", "Người xem xét"]
        hoa = page.locator(f"tr[data-report='{filed.ids['hoa']}']")
        assert await hoa.locator("[data-signals]").inner_text() == "không thấy dấu hiệu"

        binh = page.locator(f"tr[data-report='{filed.ids['binh']}']")
        assert await binh.locator("[data-status]").inner_text() == "Chờ xem xét"
        assert await binh.locator("[data-light]").inner_text() == "Vàng"
        assert await page.locator("main script").count() == 0
        assert dialogs == []  # nothing ran
        _shows_no_text_and_no_name(await page.content(), "the page's HTML")
        _shows_no_text_and_no_name(await page.locator("body").inner_text(), "the page")

        await page.goto(f"{served.base}/dashboard/reports?lang=en")
        an = page.locator(f"tr[data-report='{filed.ids['an']}']")
        assert await an.locator("[data-signals]").inner_text() == (
            "asks for the OTP code; claims to be an authority or a bank"
        )
        assert await an.locator("[data-status]").inner_text() == "Scam"
        assert await an.locator("[data-light]").inner_text() == "Red"
        assert f"111, {filed.shown(filed.decided_at)}" in await an.inner_text()
        assert await page.locator("[data-older], [data-newest]").count() == 0  # one page only
        _shows_no_text_and_no_name(await page.content(), "the English page")


async def test_a_province_admin_and_a_provincial_reviewer_see_their_provinces_only(served: Served) -> None:
    filed = await file_reports(served.database)
    async with chromium_page(locale="vi-VN") as page:
        await sign_in(page, served, HANOI_ADMIN)
        await page.goto(f"{served.base}/dashboard/reports")
        assert await _figures(page) == {
            "reports": "3", "pending": "2", "scam": "1", "safe": "0", "unsure": "0",
        }  # fmt: skip
        assert await _shown_ids(page) == sorted(
            (filed.ids[chat] for chat in ("an", "binh", "dung")), reverse=True
        )
        main = await page.locator("main").inner_text()
        assert "tỉnh, thành của bạn" in main
        _shows_no_text_and_no_name(await page.content(), "a province admin's page")

    async with chromium_page(locale="en-US") as page:
        await sign_in(page, served, HUE_REVIEWER)
        await page.goto(f"{served.base}/dashboard/reports")
        assert await _shown_ids(page) == [filed.ids["em"]]
        em = page.locator("tr[data-report]")
        assert await em.locator("[data-status]").inner_text() == "Genuine"
        assert f"{HUE_REVIEWER}, {filed.shown(filed.decided_at)}" in await em.inner_text()


async def _download(page) -> list[dict[str, str]]:
    """The rows of the reports CSV, after checking that no line of the file holds a report's text."""
    async with page.expect_download() as waiting:
        await page.locator("a[href='/dashboard/export/reports.csv']").click()
    download = await waiting.value
    assert re.fullmatch(r"hocvuso-reports-\d{4}-\d{2}-\d{2}\.csv", download.suggested_filename)
    content = open(await download.path(), encoding="utf-8-sig").read()  # noqa: SIM115
    _shows_no_text_and_no_name(content, "the reports CSV")
    return list(csv.DictReader(io.StringIO(content)))


async def test_the_reports_export_keeps_to_the_scope_and_is_audited(served: Served) -> None:
    filed = await file_reports(served.database)
    async with chromium_page(accept_downloads=True) as page:
        await sign_in(page, served, SUPERADMIN)
        await page.goto(f"{served.base}/dashboard/reports")
        rows = await _download(page)
        assert list(rows[0]) == ["id", "created_at", "light", "status", "signals", "decided_at", "decided_by"]
        assert [int(row["id"]) for row in rows] == sorted(filed.ids.values(), reverse=True)
        by_id = {int(row["id"]): row for row in rows}
        an = by_id[filed.ids["an"]]
        assert (an["light"], an["status"], an["signals"], an["decided_by"]) == (
            "red", "scam", "asks_otp impersonation", "111",
        )  # fmt: skip
        assert datetime.fromisoformat(an["created_at"]).date() == filed.filed_at.date()
        decided = datetime.fromisoformat(an["decided_at"])
        assert decided.utcoffset() == timedelta(hours=7)
        assert abs(decided - filed.decided_at) < timedelta(seconds=1)
        binh, dung = by_id[filed.ids["binh"]], by_id[filed.ids["dung"]]
        assert (binh["light"], binh["status"], binh["signals"]) == (
            "yellow",
            "pending",
            "shortener asks_click",
        )
        assert (binh["decided_at"], binh["decided_by"]) == ("", "")
        assert (dung["light"], dung["signals"]) == ("yellow", "too_good")
        words = {word for row in rows for value in row.values() for word in re.findall(r"\w+", value)}
        assert not words & {"binh", "dung", "giang", "hoa", "khai"}  # no reporter's chat id anywhere

    async with chromium_page(accept_downloads=True) as page:
        await sign_in(page, served, HANOI_ADMIN)
        rows = await _download(page)  # from the footer of the overview
        assert sorted(int(row["id"]) for row in rows) == sorted(filed.ids[c] for c in ("an", "binh", "dung"))

    entries = await served.database.run(lambda c: audit.latest(c, 50))
    exports = [e for e in entries if e.action == audit.EXPORT and e.detail["export"] == "reports"]
    exported = [(e.actor, e.detail["scope"]) for e in exports]
    assert sorted(exported, key=str) == sorted([(str(SUPERADMIN), None), (HANOI_ADMIN, ["ha-noi"])], key=str)


async def test_older_reports_are_a_page_further(served: Served) -> None:
    now = datetime.now(ZONE)

    def many(connection: Connection) -> list[int]:
        return [
            scam_reports.file(connection, TELEGRAM, "an", f"Tin số {n}", "yellow", ("urgency",), now)
            for n in range(PAGE + 5)
        ]

    ids = await served.database.run(many)
    async with chromium_page(locale="en-US") as page:
        await sign_in(page, served, SUPERADMIN)
        await page.goto(f"{served.base}/dashboard/reports")
        assert await _figures(page) == {
            "reports": "105", "pending": "105", "scam": "0", "safe": "0", "unsure": "0",
        }  # fmt: skip
        assert await _shown_ids(page) == ids[::-1][:PAGE]
        await page.locator("[data-older]").click()
        await page.wait_for_url(re.compile(rf".*before={ids[5]}.*"))
        assert await _shown_ids(page) == ids[:5][::-1]
        assert await page.locator("h2#latest").inner_text() == "Older reports"
        assert await page.locator("[data-older]").count() == 0
        await page.locator("[data-newest]").click()
        assert await _shown_ids(page) == ids[::-1][:PAGE]
        response = await page.goto(f"{served.base}/dashboard/reports?before=<script>")
        assert response is not None and response.status == 200  # a bad value means the first page
        assert await _shown_ids(page) == ids[::-1][:PAGE]


async def test_the_reports_page_fits_a_phone_screen(served: Served) -> None:
    await file_reports(served.database)
    async with chromium_page(**PHONE) as page:
        await sign_in(page, served, SUPERADMIN)
        for language in ("vi", "en"):
            response = await page.goto(f"{served.base}/dashboard/reports?lang={language}")
            assert response is not None and response.status == 200
            assert await page.locator("tr[data-report]").count() == 7
            scroll_width = await page.evaluate("document.scrollingElement.scrollWidth")
            inner_width = await page.evaluate("window.innerWidth")
            assert scroll_width <= inner_width, f"{language}: {scroll_width} > {inner_width}"


async def test_no_page_and_no_export_shows_a_report_text_or_a_name(served: Served) -> None:
    """Every page of the dashboard (in both languages) and every export, as a superadmin sees
    them: the reports are there by their numbers, their texts and the learners' names are not."""
    filed = await file_reports(served.database)
    paths = [path for _, path in NAV] + [f"/dashboard/export/{name}.csv" for name in EXPORTS]
    link = await served.link(SUPERADMIN)
    # a cookie jar that keeps cookies for 127.0.0.1 (aiohttp's default refuses IP addresses)
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        async with http.post(link) as response:
            assert response.status == 200  # signed in, on the overview
        for path, language in ((path, language) for path in paths for language in ("vi", "en")):
            async with http.get(f"{served.base}{path}", params={"lang": language}) as response:
                assert response.status == 200 and response.url.path == path, path
                body = (await response.text()).removeprefix("\ufeff")
            _shows_no_text_and_no_name(body, f"{path}?lang={language}")
            if path == "/dashboard/reports":
                assert all(f'data-report="{number}"' in body for number in filed.ids.values())
            if path == "/dashboard/export/reports.csv":
                rows = csv.DictReader(io.StringIO(body))
                assert sorted(int(row["id"]) for row in rows) == sorted(filed.ids.values())
