"""Learner turns against a real database (SQLite and PostgreSQL): progress survives, a redelivered
update is handled once, /mydata returns everything stored, /forget leaves nothing behind."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from flows.events import Blocked, Command, Press
from flows.state import Step
from service.turns import Turns
from store import outbox
from store.address import BotRef
from store.chat_locks import LocalChatLocks
from store.models import LearnerRow, LessonResultRow, OutboxRow, QuizAnswerRow
from tests.conftest import ZONE

NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
BOT = BotRef("telegram", "99")


def _turns(database, library) -> Turns:
    return Turns(database, library, ZONE, LocalChatLocks(), BOT)


async def _onboard_and_finish_lesson(turns: Turns, library, chat_id: str = "5") -> None:
    update = iter(range(1000, 2000))
    for event in (
        Command("start"),
        Press("lang:vi"),
        Press("group:citizen"),
        Press("prov:hue"),
        Press("hour:7"),
    ):
        await turns.take(chat_id, event, str(next(update)))
    await turns.take(chat_id, Command("lesson"), str(next(update)))
    lesson = library.curriculum("vi").lessons[library.lesson_order[0]]
    await turns.take(chat_id, Press(f"read:{lesson.id}"), str(next(update)))
    for question in lesson.questions:
        await turns.take(chat_id, Press(f"ans:{question.id}:{question.correct_index}"), str(next(update)))


async def _count(database, model) -> int:
    return await database.run(lambda c: c.execute(select(func.count()).select_from(model)).scalar_one())


async def test_progress_is_stored_and_read_back(database, library):
    turns = _turns(database, library)
    await _onboard_and_finish_lesson(turns, library)
    state = await turns.find("5")
    assert state is not None
    assert state.onboarded and state.province == "hue" and state.lesson_hour == 7
    assert state.completed == {library.lesson_order[0]}
    assert (state.answered, state.correct, state.streak) == (2, 2, 1)
    assert await _count(database, QuizAnswerRow) == 2
    assert await _count(database, LessonResultRow) == 1


async def test_a_redelivered_update_is_handled_once(database, library):
    turns = _turns(database, library)
    await _onboard_and_finish_lesson(turns, library)
    first = await turns.take("5", Press("lesson"), "5000")
    again = await turns.take("5", Press("lesson"), "5000")
    assert first is not None and again is None
    state = await turns.find("5")
    assert state is not None and state.step == Step.READING


async def test_concurrent_presses_of_one_answer_count_once(database, library):
    turns = _turns(database, library)
    await _onboard_and_finish_lesson(turns, library)
    await turns.take("5", Press("lesson"), "6000")
    lesson = library.curriculum("vi").lessons[library.lesson_order[1]]
    await turns.take("5", Press(f"read:{lesson.id}"), "6001")
    token = f"ans:{lesson.questions[0].id}:0"

    async def press(update_id: int) -> None:
        await turns.take("5", Press(token), str(update_id))  # the turn takes the chat's lock itself

    await asyncio.gather(*(press(7000 + i) for i in range(5)))
    assert await _count(database, QuizAnswerRow) == 3


async def test_mydata_exports_everything_as_json(database, library):
    turns = _turns(database, library)
    await _onboard_and_finish_lesson(turns, library)
    turn = await turns.take("5", Command("mydata"), "9000")
    assert turn is not None and turn.personal_data is not None
    document = json.loads(turn.personal_data)
    assert document["learner"]["province"] == "hue"
    assert document["learner"]["chat_id"] == "5"
    assert [r["lesson_id"] for r in document["lesson_results"]] == [library.lesson_order[0]]
    assert len(document["quiz_answers"]) == 2


async def test_forget_deletes_every_row(database, library):
    turns = _turns(database, library)
    await _onboard_and_finish_lesson(turns, library, chat_id="5")
    await _onboard_and_finish_lesson(turns, library, chat_id="6")
    await turns.take("5", Command("forget"), "9100")
    await turns.take("5", Press("forget:yes"), "9101")
    assert await turns.find("5") is None
    assert await turns.find("6") is not None
    assert await _count(database, QuizAnswerRow) == 2
    assert await _count(database, LessonResultRow) == 1
    await turns.take("5", Command("help"), "9102")
    assert await _count(database, LearnerRow) == 1


async def test_blocked_learner_is_marked_inactive(database, library):
    turns = _turns(database, library)
    await _onboard_and_finish_lesson(turns, library)
    await turns.take("5", Blocked(), "9200")
    state = await turns.find("5")
    assert state is not None and not state.active


async def test_forget_also_empties_the_outbox_and_mydata_lists_it(database, library):
    turns = _turns(database, library)
    await _onboard_and_finish_lesson(turns, library)
    queued = outbox.Outgoing(BOT, "5", "alert:1", outbox.URGENT, [{"type": "message", "text": "!"}], NOW)
    other = outbox.Outgoing(BOT, "6", "alert:1", outbox.URGENT, [{"type": "message", "text": "!"}], NOW)
    await database.run(lambda c: outbox.enqueue(c, [queued, other], NOW))
    turn = await turns.take("5", Command("mydata"), "9100")
    assert turn is not None and turn.personal_data is not None
    assert [m["campaign"] for m in json.loads(turn.personal_data)["messages"]] == ["alert:1"]
    await turns.take("5", Command("forget"), "9101")
    await turns.take("5", Press("forget:yes"), "9102")
    assert await _count(database, OutboxRow) == 1  # only the other learner's row is left


async def test_finished_outbox_rows_are_purged_after_the_retention(database):
    rows = [
        outbox.Outgoing(
            BOT, str(chat), f"alert:{chat}", outbox.URGENT, [{"type": "message", "text": "!"}], NOW
        )
        for chat in (1, 2, 3)
    ]
    await database.run(lambda c: outbox.enqueue(c, rows, NOW))
    claimed = await database.run(lambda c: outbox.claim(c, BOT, "w", 2, NOW))
    await database.run(lambda c: outbox.finish(c, "w", [(r.id, outbox.SENT, None) for r in claimed], NOW))
    assert await database.run(lambda c: outbox.purge(c, NOW)) == 0  # not older than the cut-off
    assert await database.run(lambda c: outbox.purge(c, NOW + timedelta(days=31))) == 2
    assert await _count(database, OutboxRow) == 1  # the pending one stays


async def test_a_worker_cannot_record_rows_it_no_longer_owns(database):
    row = outbox.Outgoing(BOT, "1", "alert:x", outbox.URGENT, [{"type": "message", "text": "!"}], NOW)
    await database.run(lambda c: outbox.enqueue(c, [row], NOW))
    [mine] = await database.run(lambda c: outbox.claim(c, BOT, "slow", 5, NOW))
    later = NOW + timedelta(seconds=10)
    assert await database.run(lambda c: outbox.release_stale(c, later, timedelta(seconds=5))) == 1
    [theirs] = await database.run(lambda c: outbox.claim(c, BOT, "fast", 5, later))
    await database.run(lambda c: outbox.retry_later(c, "slow", mine.id, later, 1, "late"))
    await database.run(lambda c: outbox.finish(c, "slow", [(mine.id, outbox.FAILED, "late")], later))
    assert await database.run(lambda c: outbox.campaign_counts(c, "alert:x")) == {"sending": 1}
    await database.run(lambda c: outbox.finish(c, "fast", [(theirs.id, outbox.SENT, None)], later))
    assert await database.run(lambda c: outbox.campaign_counts(c, "alert:x")) == {"sent": 1}


async def test_a_renewed_lease_is_not_released(database):
    row = outbox.Outgoing(BOT, "1", "alert:y", outbox.URGENT, [{"type": "message", "text": "!"}], NOW)
    await database.run(lambda c: outbox.enqueue(c, [row], NOW))
    [claimed] = await database.run(lambda c: outbox.claim(c, BOT, "w", 5, NOW))
    renewed_at = NOW + timedelta(seconds=8)
    assert await database.run(lambda c: outbox.renew(c, "w", [claimed.id], renewed_at)) == 1
    assert await database.run(lambda c: outbox.renew(c, "other", [claimed.id], renewed_at)) == 0
    check = NOW + timedelta(seconds=12)
    assert await database.run(lambda c: outbox.release_stale(c, check, timedelta(seconds=5))) == 0
