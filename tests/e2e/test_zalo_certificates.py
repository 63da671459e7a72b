"""Certificates on Zalo, where everything is typed: the name is typed or chosen by number, the
picture goes by link when media are served (MEDIA_BASE_URL pointing at hocvuso's own web server),
and as text otherwise; the tappable /verify_CODE still works typed."""

from __future__ import annotations

import contextlib
import io
from collections.abc import AsyncIterator

import aiohttp
from PIL import Image
from sqlalchemy import update

from content.library import Library
from sandbox.zalo import ZaloSandbox, ZaloUser
from store.learners import learners_table
from tests import options
from tests.e2e.conftest import free_port
from tests.e2e.test_zalo_journeys import onboard_by_numbers
from tests.e2e.zalo_support import ZaloRun, number_of, replies, running, say, zalo_settings


@contextlib.asynccontextmanager
async def running_with_web(
    sandbox: ZaloSandbox, tmp_path, library: Library, media: bool
) -> AsyncIterator[ZaloRun]:
    port = free_port()
    extra = {"dashboard_listen": f"127.0.0.1:{port}"}
    if media:
        extra["media_base_url"] = f"http://127.0.0.1:{port}/media"
    async with running(zalo_settings(sandbox, tmp_path, **extra), library, sandbox, {"bot", "web"}) as run:
        yield run


async def _pass_the_last_lesson_of_the_first_module(run: ZaloRun, user: ZaloUser, library: Library) -> str:
    await onboard_by_numbers(user)
    module = library.curriculum("vi").modules[0]
    taken = [lesson.id for lesson in module.lessons[:-1]]
    statement = (
        update(learners_table)
        .where(learners_table.c.chat_id == user.chat_id)
        .values(completed=taken, passed=taken)
    )
    await run.app.database.run(lambda connection: connection.execute(statement))
    text = await say(user, "bài học")
    text = await say(user, number_of(text, "Tôi đã đọc xong"))
    for question in module.lessons[-1].questions:
        text = await say(user, options.number(user.chat_id, question, question.correct_index))
    assert "ghi tên" in text.lower()
    return text


async def test_with_media_served_the_certificate_comes_as_a_picture_link(zalo, tmp_path, library) -> None:
    async with running_with_web(zalo, tmp_path, library, media=True) as run:
        user = zalo.user("Lan")
        asked = await _pass_the_last_lesson_of_the_first_module(run, user, library)
        await user.send_text(number_of(asked, "Ghi tên: Lan"))
        [photo] = await replies(user)
        assert photo.kind == "photo" and photo.photo_url and not photo.has_markup
        assert "/verify_" in (photo.caption or "")
        code = (photo.caption or "").split("/verify_", 1)[1].split()[0]
        async with aiohttp.ClientSession() as http, http.get(photo.photo_url) as response:
            assert response.status == 200
            assert Image.open(io.BytesIO(await response.read())).size == (1600, 1130)
        assert "Hợp lệ" in await say(user, f"/verify_{code}")


async def test_without_media_the_certificate_comes_as_text_with_its_code(zalo, tmp_path, library) -> None:
    async with running_with_web(zalo, tmp_path, library, media=False) as run:
        user = zalo.user("Hoa")
        await _pass_the_last_lesson_of_the_first_module(run, user, library)
        text = await say(user, "Phạm Thị Hoa")  # typed instead of the offered name
        assert "Phạm Thị Hoa" in text and "/verify_" in text
        code = text.split("/verify_", 1)[1].split()[0]
        other = zalo.user("Bình")
        await onboard_by_numbers(other)
        answer = await say(other, f"/verify {code}")
        assert "Hợp lệ" in answer and "P. T. H." in answer
