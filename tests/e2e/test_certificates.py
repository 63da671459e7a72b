"""Certificates end to end, on both Telegram libraries: a learner passes the last lesson of a
module, chooses the name to print, gets the picture as a photo with a tappable /verify_CODE;
anyone can check the code in chat and on the web page (in a real browser), a made-up code is
refused, and after /forget the code is no longer valid."""

from __future__ import annotations

import contextlib
import io
from collections.abc import AsyncIterator

import aiohttp
import pytest
from PIL import Image
from sqlalchemy import update

from content.library import Library
from sandbox.telegram import FakeBotAPI, FakeLearner
from store.learners import learners_table
from tests.browser import chromium_page
from tests.e2e.conftest import Running, free_port, started
from tests.e2e.journey import onboard, say, take_lesson, tap, texts


@pytest.fixture
async def with_web(sandbox: FakeBotAPI, tmp_path, library, telegram_library) -> AsyncIterator[Running]:
    """`hocvuso run` with DASHBOARD_LISTEN set: the bots and the web server in one process."""
    port = free_port()
    web = {"dashboard_listen": f"127.0.0.1:{port}", "dashboard_url": f"http://127.0.0.1:{port}"}
    async with started(sandbox, tmp_path, library, telegram_library, {"bot", "web"}, **web) as run:
        yield run


async def _all_but_the_last_lesson_passed(running: Running, learner: FakeLearner, library: Library) -> None:
    """The first module's lessons but its last, passed on earlier days."""
    taken = [lesson.id for lesson in library.curriculum("vi").modules[0].lessons[:-1]]
    statement = (
        update(learners_table)
        .where(learners_table.c.chat_id == str(learner.chat_id))
        .values(completed=taken, passed=taken)
    )
    await running.app.database.run(lambda connection: connection.execute(statement))


async def _earn_certificate(running: Running, learner: FakeLearner, library: Library) -> str:
    await onboard(learner)
    await _all_but_the_last_lesson_passed(running, learner, library)
    await say(learner, "/lesson")
    await take_lesson(learner, library)
    asked = await learner.wait_for_messages(1)
    assert "ghi tên" in texts(asked).lower()
    [photo] = await tap(learner, f"Ghi tên: {learner.user['first_name']}")
    assert photo.method == "sendPhoto"
    picture = Image.open(io.BytesIO(photo.file_bytes or b""))
    assert picture.format == "PNG" and picture.size == (1600, 1130)
    caption = photo.text or ""
    assert library.curriculum("vi").modules[0].title in caption
    code = caption.split("/verify_", 1)[1].split()[0]
    assert len(code) == 16
    return code


async def test_a_certificate_is_issued_checked_and_forgotten(with_web: Running, library: Library) -> None:
    api = with_web.api
    learner = api.learner(3101, "Lan")
    code = await _earn_certificate(with_web, learner, library)

    await say(learner, "/progress")
    assert f"/verify_{code}" in texts(learner.messages[-1:])

    stranger = api.learner(3102, "Tuấn", language_code="en")
    valid = await say(stranger, f"/verify_{code}")
    assert "Valid" in texts(valid) and "L." in texts(valid)
    refused = await say(stranger, "/verify 7K3M9Q2XH4B8R1TC")
    assert "Not valid" in texts(refused)

    await say(learner, "/forget")
    await tap(learner, "Có, xóa hết")
    after = await say(stranger, f"/verify {code}")
    assert "Not valid" in texts(after)


async def test_the_verify_page_shows_the_same_answer_in_a_browser(
    with_web: Running, library: Library
) -> None:
    learner = with_web.api.learner(3201, "Hoa")
    code = await _earn_certificate(with_web, learner, library)
    base = with_web.app.settings.dashboard_url
    async with chromium_page(locale="vi-VN") as page:  # the browser asks for Vietnamese
        await page.goto(f"{base}/verify/{code}")
        verdict = page.locator(".verdict")
        assert await verdict.get_attribute("data-valid") == "yes"
        assert "Hợp lệ" in await verdict.inner_text()
        assert "H." in await verdict.inner_text()
        await page.get_by_role("link", name="English").click()
        assert "Valid" in await page.locator(".verdict").inner_text()

        await page.goto(f"{base}/verify/7K3M9Q2XH4B8R1TC?lang=en")
        assert await page.locator(".verdict").get_attribute("data-valid") == "no"
        assert "Not valid" in await page.locator(".verdict").inner_text()
        await page.goto(f"{base}/verify/%3Cscript%3Ealert(1)%3C%2Fscript%3E")
        assert "<script>" in await page.locator(".verdict").inner_text()  # shown as text, not run


async def test_the_certificate_picture_is_served_under_media_until_forgotten(
    with_web: Running, library: Library
) -> None:
    learner = with_web.api.learner(3301, "Minh")
    code = await _earn_certificate(with_web, learner, library)
    base = with_web.app.settings.dashboard_url
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{base}/media/certificates/{code}.png") as response:
            assert response.status == 200 and response.content_type == "image/png"
            assert Image.open(io.BytesIO(await response.read())).size == (1600, 1130)
        async with http.get(f"{base}/media/certificates/7K3M9Q2XH4B8R1TC.png") as response:
            assert response.status == 404
        await say(learner, "/forget")
        await tap(learner, "Có, xóa hết")
        async with http.get(f"{base}/media/certificates/{code}.png") as response:
            assert response.status == 404
        with contextlib.suppress(aiohttp.ClientError):
            async with http.get(f"{base}/media/../pyproject.toml") as response:
                assert response.status in (403, 404)
