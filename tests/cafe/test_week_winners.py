"""Sunday evening's congratulations, read from the database as the scheduler's tick reads them:
each café that had answers this week gets its own top three, in order, once; a paused café, a
café whose answers are all from last week and a café nobody answered in get nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from content.library import Library
from flows.cafe.model import WEEKLY_HOUR, Cafe
from scheduler.cafe_ticks import week_winners
from scheduler.quiet_hours import QuietHours
from store import cafes, outbox
from store.address import TELEGRAM, BotRef
from store.payload import from_payload

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
BOT = BotRef(TELEGRAM, "4242")
SUNDAY = date(2026, 11, 29)
MONDAY = SUNDAY - timedelta(days=6)
EVENING = datetime.combine(SUNDAY, time(WEEKLY_HOUR, 5), tzinfo=ZONE)

# café chat -> (name, right answers, wrong answers this week)
THIS_WEEK = {
    "-1001": [("Lan", 3, 0), ("Tùng", 5, 1), ("Hoa", 1, 0), ("Minh", 4, 0)],
    "-1002": [("Bình", 2, 0)],
    "-1003": [("Cúc", 6, 0)],  # paused by its host
}


def _seed(connection) -> None:  # type: ignore[no-untyped-def]
    for n, chat in enumerate(("-1001", "-1002", "-1003", "-1004", "-1005")):
        cafes.create(connection, BOT, Cafe(chat, f"code{n}", "hocvuso_bot"), f"Nhóm {n}", EVENING)
    ids = {chat: cafes.find(connection, BOT, chat).id for chat in ("-1001", "-1002", "-1003", "-1005")}
    cafes.set_enabled(connection, ids["-1003"], False)
    for chat, people in THIS_WEEK.items():
        for person, (name, right, wrong) in enumerate(people):
            for k in range(right + wrong):
                day = MONDAY + timedelta(days=k % 7)
                cafes.record_answer(
                    connection, ids[chat], f"{chat}-{k}", "q1", f"{chat}{person}", name, k < right, day, 1
                )
    # -1005's only answer was last Sunday: a new week has started for it
    cafes.record_answer(
        connection, ids["-1005"], "old", "q1", "77", "Cũ", True, MONDAY - timedelta(days=1), 1
    )


def _sent(connection) -> dict[str, str]:  # type: ignore[no-untyped-def]
    rows = connection.execute(select(outbox.outbox.c.chat_id, outbox.outbox.c.payload)).all()
    return {chat: from_payload(payload)[0].text for chat, payload in rows}  # type: ignore[union-attr]


async def test_each_cafe_with_answers_this_week_gets_its_own_top_three(database, library: Library) -> None:
    await database.run(_seed)
    queued = await database.run(lambda c: week_winners(c, library, EVENING, QuietHours(21, 6)))
    assert queued == 2
    sent = await database.run(_sent)
    assert set(sent) == {"-1001", "-1002"}
    first = sent["-1001"]
    assert first.index("Tùng") < first.index("Minh") < first.index("Lan")  # 5, 4, 3 right
    assert "Hoa" not in first  # fourth
    assert "🥇 Tùng: 5" in first
    assert "Bình" in sent["-1002"] and "Tùng" not in sent["-1002"]


async def test_the_congratulations_are_queued_once(database, library: Library) -> None:
    await database.run(_seed)
    assert await database.run(lambda c: week_winners(c, library, EVENING, QuietHours(21, 6))) == 2
    later = EVENING + timedelta(minutes=30)
    assert await database.run(lambda c: week_winners(c, library, later, QuietHours(21, 6))) == 0


async def test_nothing_on_other_evenings(database, library: Library) -> None:
    await database.run(_seed)
    saturday = EVENING - timedelta(days=1)
    assert (
        await database.run(lambda c: week_winners(c, library, saturday.astimezone(UTC), QuietHours(21, 6)))
        == 0
    )
