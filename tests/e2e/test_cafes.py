"""Morning cafés end to end, on both Telegram libraries: the real bot (its bot, delivery and
scheduler code) against the sandbox's groups, with privacy mode on as Telegram has it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.app import build_app, run_roles
from content.library import Library
from flows.cafe.model import Cafe
from sandbox.telegram import FakeBotAPI, FakeGroup, GroupMember, SentMessage
from scheduler.ticks import run_tick
from store import cafes
from store.address import TELEGRAM, BotRef
from tests.e2e.conftest import TOKEN, Running, _settings, _stop, started
from tests.e2e.journey import onboard, say

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
BOT = BotRef(TELEGRAM, TOKEN.split(":")[0])
CREATOR, MEMBER = 501, 502


@pytest.fixture
async def cafe_bot(sandbox: FakeBotAPI, tmp_path, library, telegram_library) -> AsyncIterator[Running]:
    """The bot and the delivery worker, as `hocvuso run` runs them; quiet hours off so the
    test does not depend on the hour it runs at."""
    async with started(
        sandbox, tmp_path, library, telegram_library, {"bot", "delivery"}, quiet_hours="0-0"
    ) as run:
        yield run


def _yesterday_at(hour: int, minute: int = 5) -> datetime:
    """A moment already past: what the scheduler queues for it is due at once."""
    day = datetime.now(ZONE).date() - timedelta(days=1)
    return datetime.combine(day, datetime.min.time(), ZONE).replace(hour=hour, minute=minute)


def _last_sunday_evening() -> datetime:
    today = datetime.now(ZONE).date()
    sunday = today - timedelta(days=(today.weekday() + 1) % 7 or 7)
    return datetime.combine(sunday, datetime.min.time(), ZONE).replace(hour=19, minute=2)


def _group(api: FakeBotAPI, chat_id: int = -100500, **options: object) -> FakeGroup:
    group = api.group(chat_id, "Tổ dân phố 5", creator=CREATOR, **options)  # type: ignore[arg-type]
    group.member(CREATOR, "Hằng")
    group.member(MEMBER, "Tùng")
    return group


async def _new(group: FakeGroup, count: int = 1, timeout: float = 10.0) -> list[SentMessage]:
    return await group.wait_for_messages(count, timeout)


async def _post(group: FakeGroup, by: GroupMember) -> tuple[SentMessage, SentMessage, SentMessage]:
    """/cafe_now, and the three messages of the post."""
    await by.send_text("/cafe_now")
    tip, poll, join = await _new(group, 3)
    return tip, poll, join


async def test_only_admins_set_the_cafe_up(cafe_bot: Running) -> None:
    group = _group(cafe_bot.api)
    await group.member(MEMBER).send_text("/cafe")
    [refusal] = await _new(group)
    assert "quản trị viên" in (refusal.text or "") and not refusal.inline_buttons
    await group.member(CREATOR).send_text("/cafe@" + cafe_bot.api.bot_user["username"])
    [menu] = await _new(group)
    assert "Cài đặt cà phê sáng" in (menu.text or "")
    await group.member(CREATOR).press("9")
    await group.wait_until(lambda: "9 giờ" in (group.messages[-1].text or ""), what="the menu edited")
    await group.member(MEMBER).press("18")  # not an admin: nothing changes
    await asyncio.sleep(0.5)
    stored = await cafe_bot.app.database.run(lambda c: cafes.find(c, BOT, str(group.chat_id)))
    assert stored is not None and stored.cafe.settings.hour == 9


async def test_an_anonymous_admin_counts(cafe_bot: Running) -> None:
    group = _group(cafe_bot.api)
    await group.anonymous_admin(CREATOR).send_text("/cafe")
    [menu] = await _new(group)
    assert "Cài đặt cà phê sáng" in (menu.text or "")


async def test_ordinary_messages_and_other_bots_commands_get_no_answer(cafe_bot: Running) -> None:
    api = cafe_bot.api
    api.privacy_mode = False  # even when the bot could read everything
    group = _group(api)
    await group.member(MEMBER).send_text("chào cả nhà")
    await group.member(MEMBER).send_text("/cafe@some_other_bot")
    await group.expect_silence(1.0)


async def test_cafe_now_posts_a_tip_a_quiz_poll_and_the_link(cafe_bot: Running, library: Library) -> None:
    group = _group(cafe_bot.api)
    tip, poll, join = await _post(group, group.member(CREATOR))
    assert "Cà phê sáng" in (tip.text or "")
    assert poll.method == "sendPoll" and poll.poll is not None
    assert poll.poll["type"] == "quiz" and poll.poll["is_anonymous"] is False
    stored = await cafe_bot.app.database.run(lambda c: cafes.find(c, BOT, str(group.chat_id)))
    assert stored is not None
    [[(label, data)]] = join.inline_buttons
    assert label == "📚 Học cùng tôi mỗi ngày" and data is None
    username = cafe_bot.api.bot_user["username"]
    assert join.urls == [f"https://t.me/{username}?start=cafe_{stored.cafe.code}"]
    await group.member(CREATOR).send_text("/cafe_now")  # the same day again: no second post
    [again] = await _new(group)
    assert "đã gửi" in (again.text or "")


async def test_votes_then_top_in_the_right_order(cafe_bot: Running) -> None:
    group = _group(cafe_bot.api)
    _, poll, _ = await _post(group, group.member(CREATOR))
    right = poll.poll["correct_option_ids"][0]  # type: ignore[index]
    wrong = (right + 1) % len(poll.poll["options"])  # type: ignore[index]
    await group.member(MEMBER).answer_poll([right], poll.message_id)
    await group.member(CREATOR).answer_poll([wrong], poll.message_id)
    await group.member(503, "Lan").answer_poll([right], poll.message_id)
    await asyncio.sleep(0.5)
    await group.member(MEMBER).send_text("/top")
    [board] = await _new(group)
    text = board.text or ""
    assert "Tùng" in text and "Lan" in text and "Hằng" in text
    assert text.index("Hằng") > text.index("Tùng") and text.index("Hằng") > text.index("Lan")


async def test_a_burst_of_top_never_floods_the_group(cafe_bot: Running) -> None:
    group = _group(cafe_bot.api)
    await _post(group, group.member(CREATOR))
    before = len(group.messages)
    for _ in range(12):
        await group.member(MEMBER).send_text("/top")

    def boards() -> list[SentMessage]:
        return [m for m in group.messages[before:] if "chưa ai" in (m.text or "")]

    await group.wait_until(lambda: bool(boards()), timeout=15, what="a leaderboard")
    await asyncio.sleep(3.0)  # later /top may edit it, never add another
    assert len(boards()) == 1
    assert group.max_messages_in_any_minute() <= 20


async def test_a_group_that_becomes_a_supergroup_keeps_its_cafe_and_scores(cafe_bot: Running) -> None:
    old = _group(cafe_bot.api, -500, kind="group")
    _, poll, _ = await _post(old, old.member(CREATOR))
    await old.member(MEMBER).answer_poll([poll.poll["correct_option_ids"][0]], poll.message_id)  # type: ignore[index]
    new = old.migrate_to_supergroup(-100777)
    await asyncio.sleep(1.0)
    moved = await cafe_bot.app.database.run(lambda c: cafes.find(c, BOT, "-100777"))
    assert moved is not None
    await new.member(MEMBER).send_text("/top")
    [board] = await _new(new)
    assert "Tùng" in (board.text or "")


async def test_a_post_bound_for_a_group_that_moved_follows_it(
    sandbox: FakeBotAPI, tmp_path, library: Library, telegram_library: str
) -> None:
    """Sending to the old id answers 400 with migrate_to_chat_id: the row goes to the new id and
    is sent there. Only the delivery worker runs, so the bot never reads the service message."""
    settings = _settings(sandbox, tmp_path, telegram_library, quiet_hours="0-0")
    app = await build_app(settings, library)
    old = _group(sandbox, -501, kind="group")

    def set_up(connection) -> None:  # type: ignore[no-untyped-def]
        cafe = Cafe("-501", "move2345", sandbox.bot_user["username"])
        cafes.create(connection, BOT, cafe, "Tổ dân phố 5", datetime.now(ZONE))

    await app.database.run(set_up)
    await run_tick(app.database, library, "Asia/Ho_Chi_Minh", app.quiet, _yesterday_at(7))
    new = old.migrate_to_supergroup(-100778)
    serving = asyncio.create_task(run_roles(app, {"delivery"}))
    try:
        await new.wait_for_messages(3, 20)
        assert any(m.method == "sendPoll" for m in new.messages)
        moved = await app.database.run(lambda c: cafes.find(c, BOT, "-100778"))
        assert moved is not None
    finally:
        await _stop(serving)
        await app.close()


async def test_kicked_pauses_and_added_back_resumes(cafe_bot: Running, library: Library) -> None:
    group = _group(cafe_bot.api)
    await group.member(CREATOR).send_text("/cafe")
    await _new(group)
    await group.kick_bot(CREATOR)
    await asyncio.sleep(0.5)
    stored = await cafe_bot.app.database.run(lambda c: cafes.find(c, BOT, str(group.chat_id)))
    assert stored is not None and not stored.cafe.present
    at = _yesterday_at(stored.cafe.settings.hour)
    report = await run_tick(cafe_bot.app.database, library, "Asia/Ho_Chi_Minh", cafe_bot.app.quiet, at)
    assert report.cafe_posts == 0
    await group.add_bot(CREATOR)
    [hello] = await _new(group)
    assert "/cafe" in (hello.text or "")
    report = await run_tick(cafe_bot.app.database, library, "Asia/Ho_Chi_Minh", cafe_bot.app.quiet, at)
    assert report.cafe_posts == 1
    await _new(group, 3, 15)


async def test_a_forum_cafe_posts_in_the_topic_where_it_was_set_up(cafe_bot: Running) -> None:
    group = _group(cafe_bot.api, -100600, forum=True)
    group.topic(7, "Cà phê sáng")
    admin = group.member(CREATOR).in_topic(7)
    await admin.send_text("/cafe")
    await _new(group)
    await admin.send_text("/cafe_now")
    await _new(group, 3)
    in_topic = group.messages_in(7)
    assert any(m.method == "sendPoll" for m in in_topic) and len(in_topic) >= 4


async def test_the_scheduled_post_comes_at_its_hour_and_sunday_crowns_the_week(
    cafe_bot: Running, library: Library
) -> None:
    group = _group(cafe_bot.api)
    await group.member(CREATOR).send_text("/cafe")
    await _new(group)
    database, quiet, zone = cafe_bot.app.database, cafe_bot.app.quiet, "Asia/Ho_Chi_Minh"
    assert (await run_tick(database, library, zone, quiet, _yesterday_at(6))).cafe_posts == 0  # before 7:00
    assert (await run_tick(database, library, zone, quiet, _yesterday_at(7))).cafe_posts == 1
    assert (
        await run_tick(database, library, zone, quiet, _yesterday_at(7, 40))
    ).cafe_posts == 0  # once a day
    _, poll, _ = await _new(group, 3, 15)
    await group.member(MEMBER).answer_poll([poll.poll["correct_option_ids"][0]], poll.message_id)  # type: ignore[index]
    await asyncio.sleep(0.5)
    report = await run_tick(database, library, zone, quiet, _last_sunday_evening())
    assert report.cafe_weeks == 1
    [winners] = await _new(group, 1, 15)
    assert "Tùng" in (winners.text or "") and "🥇" in (winners.text or "")


async def test_the_week_starts_fresh_on_monday(cafe_bot: Running) -> None:
    group = _group(cafe_bot.api)
    await _post(group, group.member(CREATOR))
    stored = await cafe_bot.app.database.run(lambda c: cafes.find(c, BOT, str(group.chat_id)))
    assert stored is not None
    last_week = datetime.now(ZONE).date() - timedelta(days=7)

    def answered_last_week(connection) -> None:  # type: ignore[no-untyped-def]
        cafes.record_answer(connection, stored.id, "old-poll", "q", "909", "Cũ", True, last_week, 1)

    await cafe_bot.app.database.run(answered_last_week)
    await group.member(MEMBER).send_text("/top")
    [board] = await _new(group)
    assert "Cũ" not in (board.text or "")


async def test_a_learner_who_joins_through_the_cafe_link_is_counted_for_the_host(cafe_bot: Running) -> None:
    api = cafe_bot.api
    group = _group(api)
    await _post(group, group.member(CREATOR))
    stored = await cafe_bot.app.database.run(lambda c: cafes.find(c, BOT, str(group.chat_id)))
    assert stored is not None
    newcomer = await api.open_start_link(601, "Bình", f"cafe_{stored.cafe.code}")
    await newcomer.wait_for_messages(2)
    host = api.learner(CREATOR, "Hằng")
    [report, more] = await say(host, "/host", 2)
    assert "Tổ dân phố 5" in (report.text or "") and "riêng qua đường link của nhóm: 1" in (report.text or "")
    assert any("startgroup=cafe" in url for url in more.urls)
    await host.press("Tạm dừng")
    await host.wait_for_messages(2)
    paused = await cafe_bot.app.database.run(lambda c: cafes.find(c, BOT, str(group.chat_id)))
    assert paused is not None and not paused.cafe.settings.enabled


async def test_forget_removes_a_members_name_and_answers(cafe_bot: Running) -> None:
    api = cafe_bot.api
    group = _group(api)
    _, poll, _ = await _post(group, group.member(CREATOR))
    await group.member(MEMBER).answer_poll([0], poll.message_id)
    await asyncio.sleep(0.5)
    member = api.learner(MEMBER, "Tùng")
    await onboard(member)
    await say(member, "/forget")
    await member.press("Có, xóa hết")
    await member.wait_for_messages(1)
    stored = await cafe_bot.app.database.run(lambda c: cafes.find(c, BOT, str(group.chat_id)))
    assert stored is not None
    left = await cafe_bot.app.database.run(lambda c: cafes.member(c, stored.id, str(MEMBER)))
    assert left is None
