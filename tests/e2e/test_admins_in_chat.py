"""Admins in a private chat, on both Telegram libraries: roles granted and revoked by a national
admin, a province admin's alert reaching only their province (with a picture, a preview, its
reach, and progress edited in one message), a stopped alert, the dashboard link, and everyone
else refused with one polite line."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from sandbox.telegram import FakeBotAPI, FakeLearner
from service import alerts as alert_service
from store.models import AlertRow
from tests.e2e.conftest import Running, started
from tests.e2e.journey import onboard, say, tap, texts

NATIONAL, HUE_ADMIN = 9101, 9102


def _staffed(api: FakeBotAPI, tmp_path, library, telegram_library: str, roles: set[str]):  # type: ignore[no-untyped-def]
    return started(
        api, tmp_path, library, telegram_library, roles, quiet_hours="0-0", admin_ids=str(NATIONAL),
        dashboard_url="https://hocvuso.example",
    )  # fmt: skip


@pytest.fixture
async def staffed(sandbox: FakeBotAPI, tmp_path, library, telegram_library) -> AsyncIterator[Running]:
    """The bot and the delivery worker."""
    async with _staffed(sandbox, tmp_path, library, telegram_library, {"bot", "delivery"}) as run:
        yield run


@pytest.fixture
async def nothing_delivered(
    sandbox: FakeBotAPI, tmp_path, library, telegram_library
) -> AsyncIterator[Running]:
    """The bot alone: an alert's messages wait in the outbox, so stopping it can be seen."""
    async with _staffed(sandbox, tmp_path, library, telegram_library, {"bot"}) as run:
        yield run


async def _learner_in(api: FakeBotAPI, user_id: int, province: str) -> FakeLearner:
    """Onboarded in Tuyên Quang (the journey's "ha giang"), then moved to `province` if asked."""
    learner = api.learner(user_id, f"L{user_id}")
    await onboard(learner)
    return learner


async def test_roles_are_granted_and_revoked_by_a_national_admin_only(staffed: Running) -> None:
    api = staffed.api
    national = api.learner(NATIONAL, "Trung ương")
    stranger = api.learner(9199, "Ai đó")
    [refused] = await say(stranger, f"/grant {HUE_ADMIN} province_admin hue")
    assert "chỉ dành cho cán bộ" in (refused.text or "")
    [bad] = await say(national, f"/grant {HUE_ADMIN} province_admin atlantis")
    assert "atlantis" in (bad.text or "")
    [granted] = await say(national, f"/grant {HUE_ADMIN} province_admin hue")
    assert "✅" in (granted.text or "")
    [listed] = await say(national, "/admins")
    assert str(HUE_ADMIN) in (listed.text or "") and "hue" in (listed.text or "")
    [revoked] = await say(national, f"/revoke {HUE_ADMIN} province_admin")
    assert "✅" in (revoked.text or "")
    [link] = await say(national, "/dashboard")
    assert "https://hocvuso.example/login/" in (link.text or "")
    [no_link] = await say(stranger, "/dashboard")
    assert "login" not in (no_link.text or "")


async def test_a_province_admins_alert_reaches_only_their_province(staffed: Running) -> None:
    api, app = staffed.api, staffed.app
    national = api.learner(NATIONAL, "Trung ương")
    await say(national, f"/grant {HUE_ADMIN} province_admin tuyen-quang")
    inside = await _learner_in(api, 9201, "tuyen-quang")
    outside = api.learner(9202, "Ở xa")
    await onboard(outside)
    await app.database.run(
        lambda c: c.exec_driver_sql("UPDATE learners SET province = 'hue' WHERE chat_id = '9202'")
    )
    admin = api.learner(HUE_ADMIN, "Cán bộ tỉnh")
    [asked] = await say(admin, "/alert")
    assert "tiếng Việt" in (asked.text or "")
    [offer] = await say(admin, "Cảnh giác: có người giả danh <công an> gọi điện đòi chuyển tiền & mã OTP!")
    assert "tiếng Anh" in (offer.text or "")
    [picture_ask] = await tap(admin, "Bỏ qua")
    assert "ảnh" in (picture_ask.text or "")
    await admin.send_photo(caption=None)
    preview = await admin.wait_for_messages(4)
    shown = texts(preview)
    assert "CẢNH BÁO LỪA ĐẢO" in shown and "&lt;công an&gt;" not in shown and "<công an>" in shown
    assert preview[1].method == "sendPhoto"
    assert "Số người nhận:</b> 1" in (preview[-1].raw_text or "") or "Số người nhận: 1" in shown
    await admin.press("✅ Gửi cảnh báo")
    [progress] = await admin.wait_for_messages(1)
    assert "cảnh báo #" in (progress.text or "")
    alert = await inside.wait_for_messages(2, timeout=15)
    assert alert[0].method == "sendPhoto" and "CẢNH BÁO LỪA ĐẢO" in texts(alert)
    await outside.expect_silence(1.0)
    await admin.wait_until(
        lambda: "Đã gửi xong" in (progress.text or ""), timeout=20, what="the progress edited"
    )
    rows = await app.database.run(lambda c: c.execute(select(AlertRow.__table__)).mappings().all())
    assert rows[0]["author"] == str(HUE_ADMIN)


async def test_a_stopped_alert_stops(nothing_delivered: Running) -> None:
    api, app = nothing_delivered.api, nothing_delivered.app
    national = api.learner(NATIONAL, "Trung ương")
    for n in range(3):
        await _learner_in(api, 9300 + n, "tuyen-quang")
    await say(national, "/alert")
    await say(national, "Cảnh báo thử")
    await tap(national, "Bỏ qua")
    await tap(national, "Bỏ qua", 3)
    await national.press("✅ Gửi cảnh báo")
    [progress] = await national.wait_for_messages(1)
    assert "Còn lại: 3" in (progress.text or "")
    await national.press("⏹ Dừng gửi")
    [stopped] = await national.wait_for_messages(1)
    assert "Đã dừng" in (stopped.text or "")
    [alert_id] = await app.database.run(lambda c: c.execute(select(AlertRow.__table__.c.id)).scalars().all())
    left = await app.database.run(lambda c: alert_service.progress(c, alert_id))
    assert left.waiting == 0


async def test_learners_cannot_compose_alerts(staffed: Running) -> None:
    learner = staffed.api.learner(9401, "Học viên")
    await onboard(learner)
    [refused] = await say(learner, "/alert")
    assert "chỉ dành cho cán bộ" in (refused.text or "")
    [answer] = await say(learner, "bài học")
    assert "chỉ dành cho cán bộ" not in (answer.text or "")
