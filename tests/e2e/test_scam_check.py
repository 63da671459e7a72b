""" "Is this a scam?" end to end, on both Telegram libraries and on Zalo: a forwarded message gets
a traffic light, /check takes a pasted one, a report goes through an admin's review back to the
reporter, a confirmed scam is recognised when someone else forwards a copy, and /practice
teaches with the drills."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from content.library import Library
from sandbox.telegram import FakeBotAPI
from store import scam_reports
from tests.e2e.conftest import Running, started
from tests.e2e.journey import onboard, say, tap, texts
from tests.e2e.test_zalo_journeys import onboard_by_numbers
from tests.e2e.zalo_support import number_of, running, zalo_settings
from tests.e2e.zalo_support import say as zalo_say

ADMIN = 9001
SCAM = (
    "Cong an TP thong bao: so CCCD cua ban lien quan duong day rua tien. Chuyen ngay toan bo tien vao "
    "tai khoan tam giu 0123456789 va doc ma OTP cho can bo, neu khong se bi bat trong hom nay. "
    "Lien he 0912 345 678. Gui anh Lan."
)
SCAM_COPY = SCAM.replace("0123456789", "9876543210").replace("0912 345 678", "0987 111 222")


@pytest.fixture
async def with_admin(sandbox: FakeBotAPI, tmp_path, library, telegram_library) -> AsyncIterator[Running]:
    roles = {"bot", "delivery"}
    async with started(
        sandbox, tmp_path, library, telegram_library, roles, quiet_hours="0-0", admin_ids=str(ADMIN)
    ) as run:
        yield run


async def test_a_forwarded_message_gets_a_traffic_light_first(with_admin: Running) -> None:
    learner = with_admin.api.learner(7101, "Lan")
    await onboard(learner)
    await learner.forward_text(SCAM)
    [verdict] = await learner.wait_for_messages(1)
    text = verdict.text or ""
    assert text.startswith("🔴")
    assert "OTP" in text and "Bây giờ bạn nên" in text
    assert verdict.button_labels == ["📣 Báo cho đội ngũ", "🔎 Tự kiểm tra thế nào?"]
    [how] = await tap(learner, "🔎 Tự kiểm tra thế nào?")
    assert "tinnhiemmang.vn" in (how.text or "")


async def test_check_takes_a_pasted_message_and_a_genuine_one_is_green(with_admin: Running) -> None:
    learner = with_admin.api.learner(7102, "Hoa")
    await onboard(learner)
    [asked] = await say(learner, "/check")
    assert "dán" in (asked.text or "")
    [verdict] = await say(learner, "Con ơi, tối nay mẹ về muộn, con nhớ cho gà ăn nhé.")
    assert (verdict.text or "").startswith("🟢") and "không cách kiểm tra nào" in (verdict.text or "")


async def test_someone_who_never_started_may_still_ask(with_admin: Running) -> None:
    stranger = with_admin.api.learner(7103, "Bà Tư")
    await stranger.forward_text(SCAM)
    [verdict] = await stranger.wait_for_messages(1)
    assert (verdict.text or "").startswith("🔴")
    assert await with_admin.app.turns.find("7103") is None  # nothing stored about them


async def test_a_report_is_reviewed_and_the_reporter_told_and_a_copy_recognised(
    with_admin: Running,
) -> None:
    api, app = with_admin.api, with_admin.app
    reporter = api.learner(7104, "Lan")
    await onboard(reporter)
    await reporter.forward_text(SCAM)
    await reporter.wait_for_messages(1)
    [consent] = await tap(reporter, "📣 Báo cho đội ngũ")
    assert "đồng ý" in (consent.text or "")
    [thanks] = await tap(reporter, "✅ Gửi báo cáo")
    assert "Cảm ơn" in (thanks.text or "")
    stored = await app.database.run(lambda c: c.execute(select(scam_reports.reports)).mappings().all())
    assert len(stored) == 1
    assert "0912 345 678" not in stored[0]["text"] and "[số điện thoại]" in stored[0]["text"]
    assert " Lan" not in stored[0]["text"]  # the reporter's own name is taken out

    nobody = api.learner(7105, "Tuấn")
    await onboard(nobody)
    [refused] = await say(nobody, "/reports")
    assert "chỉ dành cho cán bộ" in (refused.text or "")

    admin = api.learner(ADMIN, "Cán bộ")
    [review] = await say(admin, "/reports")
    assert "Báo cáo #" in (review.text or "") and "[số điện thoại]" in (review.text or "")
    [after] = await tap(admin, "🔴 Lừa đảo")
    assert "Không còn báo cáo" in (after.text or "")
    [told] = await reporter.wait_for_messages(1, timeout=10)
    assert "lừa đảo" in (told.text or "")

    other = api.learner(7106, "Minh")
    await onboard(other)
    await other.forward_text(SCAM_COPY)
    [verdict] = await other.wait_for_messages(1)
    assert (verdict.text or "").startswith("🔴") and "đã xác nhận" in (verdict.text or "")


async def test_forget_deletes_an_unconfirmed_report(with_admin: Running) -> None:
    reporter = with_admin.api.learner(7107, "Lan")
    await onboard(reporter)
    await reporter.forward_text(SCAM)
    await reporter.wait_for_messages(1)
    await tap(reporter, "📣 Báo cho đội ngũ")
    await tap(reporter, "✅ Gửi báo cáo")
    await say(reporter, "/forget")
    await tap(reporter, "Có, xóa hết")
    left = await with_admin.app.database.run(lambda c: c.execute(select(scam_reports.reports)).all())
    assert left == []


async def test_practice_shows_a_drill_and_explains_the_answer(with_admin: Running, library: Library) -> None:
    learner = with_admin.api.learner(7108, "Lan")
    await onboard(learner)
    [drill_message] = await say(learner, "/practice")
    drill = library.curriculum("vi").drills[0]
    assert drill.sender in (drill_message.text or "")
    wrong = "✅ Trông như thật" if drill.verdict == "scam" else "🚩 Lừa đảo"
    [answer] = await tap(learner, wrong)
    assert "Chưa đúng" in (answer.text or "") and drill.signs[0][:20] in (answer.text or "")
    [progress] = await say(learner, "/progress")
    assert "Bài tập nhận ra lừa đảo: 1 bài, đúng 0%" in texts([progress])
    reviews = await with_admin.app.database.run(
        lambda c: c.exec_driver_sql("SELECT question_id FROM reviews").scalars().all()
    )
    assert drill.id in reviews  # a drill got wrong comes back later


async def test_on_zalo_the_check_and_the_report_are_typed(zalo, tmp_path, library) -> None:
    async with running(zalo_settings(zalo, tmp_path), library, zalo) as run:
        user = zalo.user("Lan")
        await onboard_by_numbers(user)
        asked = await zalo_say(user, "kiểm tra")  # words work as the command
        assert "dán" in asked
        verdict = await zalo_say(user, SCAM)
        assert verdict.startswith("🔴") and "<b>" not in verdict
        consent = await zalo_say(user, number_of(verdict, "Báo cho đội ngũ"))
        thanks = await zalo_say(user, number_of(consent, "Gửi báo cáo"))
        assert "Cảm ơn" in thanks
        stored = await run.app.database.run(lambda c: c.execute(select(scam_reports.reports)).all())
        assert len(stored) == 1


async def test_a_report_turns_into_an_alert_draft(with_admin: Running) -> None:
    api = with_admin.api
    reporter = api.learner(7110, "Lan")
    await onboard(reporter)
    await reporter.forward_text(SCAM)
    await reporter.wait_for_messages(1)
    await tap(reporter, "📣 Báo cho đội ngũ")
    await tap(reporter, "✅ Gửi báo cáo")
    admin = api.learner(ADMIN, "Cán bộ")
    await say(admin, "/reports")
    drafted = await tap(admin, "📢 Thành cảnh báo", 3)
    assert "rua tien" in (drafted[1].text or "") and "Đừng bấm đường link" in (drafted[1].text or "")
    preview = await tap(admin, "Bỏ qua")  # no English
    assert "ảnh" in (preview[0].text or "")
    shown = await tap(admin, "Bỏ qua", 3)  # no picture: the preview, as learners will see it
    assert "CẢNH BÁO LỪA ĐẢO" in texts(shown) and "Số người nhận" in texts(shown)
