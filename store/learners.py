"""Learners in the database: one row read and one row written per turn.

Plain functions of a `Connection`, run by `store.database.Database` in one transaction (on
PostgreSQL's async engine or SQLite's own thread). Written with SQLAlchemy Core rather than the
ORM: a turn is a handful of fixed statements, and the ORM's identity map and unit of work tripled
the cost of each update without buying anything here.
A redelivered update is recognised by its key (Telegram's update_id, Zalo's message_id), kept in
the learner's row and written in the same transaction as the state it produced. What an effect
means (a wrong answer comes back for review) is the application layer's business
(`service.records`); this module only reads and writes rows.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, Table, and_, bindparam, delete, insert, select, update
from sqlalchemy.engine import RowMapping

from flows.audience import REACHABLE, WANTS_MESSAGES
from flows.state import LearnerState, Step
from store import outbox
from store.address import BotRef
from store.database import insert_or_update
from store.models import CertificateRow, LearnerRow, LessonResultRow, QuizAnswerRow, ReviewRow

RECENT_UPDATES_KEPT = 32  # enough to recognise a redelivered update, small enough to read per turn

learners_table: Table = LearnerRow.__table__  # type: ignore[assignment]
results_table: Table = LessonResultRow.__table__  # type: ignore[assignment]
answers_table: Table = QuizAnswerRow.__table__  # type: ignore[assignment]
reviews_table: Table = ReviewRow.__table__  # type: ignore[assignment]
certificates_table: Table = CertificateRow.__table__  # type: ignore[assignment]

# State fields stored under the same name as a column.
_SAME_NAME = (
    "language", "language_hint", "province", "lesson_hour", "onboarded", "editing", "paused",
    "active", "province_page", "lesson_id", "question_index", "quiz_correct", "answered",
    "correct", "streak", "last_study_day", "freeze_used_on", "last_opened_on", "tip_cursor",
    "tip_cycle_started", "certificate_name", "cafe_code", "drills_done", "drills_right",
)  # fmt: skip


_WRITTEN = (
    *_SAME_NAME, "step", "group_id", "resume_step", "completed", "recent_updates", "updated_at",
    "reminders_sent", "offered", "passed", "certificates",
)  # fmt: skip
# Built once: statements with bound parameters skip SQLAlchemy's per-call construction and keep
# the compiled form cached, which is most of a turn's cost otherwise.
_FIND = select(learners_table).where(
    learners_table.c.channel == bindparam("find_channel"),
    learners_table.c.bot_id == bindparam("find_bot"),
    learners_table.c.chat_id == bindparam("find_chat"),
)
_UPDATE = (
    update(learners_table)
    .where(learners_table.c.id == bindparam("learner_id"))
    .values({name: bindparam(name) for name in _WRITTEN})
)
_INSERT = insert(learners_table).returning(learners_table.c.id)
_NOTE_UPDATE = (
    update(learners_table)
    .where(learners_table.c.id == bindparam("learner_id"))
    .values(recent_updates=bindparam("recent_updates"), reminders_sent=0)
)


_FIND_FOR_UPDATE = _FIND.with_for_update()


def of_bot(bot: BotRef, table: Table = learners_table) -> Any:
    return and_(table.c.channel == bot.channel, table.c.bot_id == bot.bot_id)


def find(connection: Connection, bot: BotRef, chat_id: str, for_update: bool = False) -> RowMapping | None:
    """`for_update`: hold the row until the transaction ends (PostgreSQL), so a turn and the
    delivery of a daily lesson to the same learner take turns instead of overwriting each other.
    SQLite runs one transaction at a time anyway."""
    statement = _FIND_FOR_UPDATE if for_update and connection.dialect.name == "postgresql" else _FIND
    values = {"find_channel": bot.channel, "find_bot": bot.bot_id, "find_chat": chat_id}
    return connection.execute(statement, values).mappings().first()


def _as_sql(rule: dict[str, bool], table: Table) -> Any:
    return and_(*(table.c[field].is_(wanted) for field, wanted in rule.items()))


def reachable(table: Table = learners_table) -> Any:
    """`flows.audience.REACHABLE` as SQL."""
    return _as_sql(REACHABLE, table)


def wants_messages(table: Table = learners_table) -> Any:
    """`flows.audience.WANTS_MESSAGES` as SQL, for ticks that select learners by the hundred
    thousand."""
    return _as_sql(WANTS_MESSAGES, table)


def existing_chats(connection: Connection, bot: BotRef, chat_ids: set[str]) -> set[str]:
    """Which of these chats still have a learner (the rest asked to be forgotten)."""
    if not chat_ids:
        return set()
    query = select(learners_table.c.chat_id).where(of_bot(bot), learners_table.c.chat_id.in_(chat_ids))
    return set(connection.execute(query).scalars())


def to_state(row: RowMapping) -> LearnerState:
    return LearnerState(
        chat_id=row["chat_id"],
        step=Step(row["step"]),
        group=row["group_id"],
        resume_step=Step(row["resume_step"]),
        completed=frozenset(row["completed"] or ()),
        offered=tuple((str(token), str(key)) for token, key in row["offered"] or ()),
        passed=frozenset(row["passed"] or ()),
        certificates=tuple((str(module), str(code)) for module, code in row["certificates"] or ()),
        **{name: row[name] for name in _SAME_NAME},
    )


def is_duplicate(row: RowMapping | None, update_key: str | None) -> bool:
    return row is not None and update_key is not None and update_key in (row["recent_updates"] or ())


def _columns(state: LearnerState, recent: list[str], now: datetime) -> dict[str, Any]:
    values: dict[str, Any] = {name: getattr(state, name) for name in _SAME_NAME}
    values.update(
        step=state.step.value,
        group_id=state.group,
        resume_step=state.resume_step.value,
        completed=sorted(state.completed),
        recent_updates=recent,
        updated_at=now,
        reminders_sent=0,  # the learner wrote: reminders start over, and a quiet bot wakes up
        offered=[list(pair) for pair in state.offered],
        passed=sorted(state.passed),
        certificates=[list(pair) for pair in state.certificates],
    )
    return values


def save(
    connection: Connection,
    row: RowMapping | None,
    bot: BotRef,
    state: LearnerState,
    update_key: str | None,
    changed: bool = True,
) -> int:
    """Write the learner's new state (a first turn inserts the row); returns the row's id.
    `changed` False: only remember the update as handled."""
    now = datetime.now(UTC)
    recent = list(row["recent_updates"] or ()) if row is not None else []
    if update_key is not None:
        recent = [*recent[-(RECENT_UPDATES_KEPT - 1) :], update_key]
    if row is None:
        values = _columns(state, recent, now)
        new = {"channel": bot.channel, "bot_id": bot.bot_id, "chat_id": state.chat_id, "created_at": now}
        return int(connection.execute(_INSERT, {**new, **values}).scalar_one())
    if not changed and state == to_state(row):
        # Nothing changed (help, progress, a stray sticker): nothing to write, unless reminders
        # must start over because the learner wrote. A redelivery of such an update is caught by
        # the update memory in front of every channel (store.recent_updates); only one in flight
        # when the process died can be answered again, and answering it changes nothing. Not
        # writing spares a commit, which is most of a read-only turn's cost on SQLite.
        if row["reminders_sent"]:
            connection.execute(_NOTE_UPDATE, {"learner_id": row["id"], "recent_updates": recent})
    else:
        connection.execute(_UPDATE, {"learner_id": row["id"], **_columns(state, recent, now)})
    return int(row["id"])


def record_answer(
    connection: Connection, learner_id: int, lesson_id: str, question_id: str, option: int, correct: bool,
    at: datetime,
) -> None:  # fmt: skip
    connection.execute(
        insert(answers_table).values(
            learner_id=learner_id,
            lesson_id=lesson_id,
            question_id=question_id,
            option=option,
            correct=correct,
            answered_at=at,
        )
    )


def record_result(
    connection: Connection, learner_id: int, lesson_id: str, correct: int, total: int, at: datetime
) -> None:
    """A lesson taken again keeps one result: the latest."""
    values = {"correct": correct, "total": total, "finished_at": at}
    statement = insert_or_update(connection, results_table).values(
        learner_id=learner_id, lesson_id=lesson_id, **values
    )
    connection.execute(
        statement.on_conflict_do_update(index_elements=["learner_id", "lesson_id"], set_=values)
    )


def review_box(connection: Connection, learner_id: int, question_id: str) -> int | None:
    """The Leitner box of a question under review, or None when it is not under review."""
    where = (reviews_table.c.learner_id == learner_id, reviews_table.c.question_id == question_id)
    box = connection.execute(select(reviews_table.c.box).where(*where)).scalar_one_or_none()
    return int(box) if box is not None else None


def put_review(
    connection: Connection, learner_id: int, question_id: str, box: int | None, due: date | None
) -> None:
    """Schedule a review in `box` for `due`; box None: the question is learnt, no more reviews."""
    where = (reviews_table.c.learner_id == learner_id, reviews_table.c.question_id == question_id)
    if box is None or due is None:
        connection.execute(delete(reviews_table).where(*where))
        return
    statement = insert_or_update(connection, reviews_table).values(
        learner_id=learner_id, question_id=question_id, box=box, due_on=due
    )
    connection.execute(
        statement.on_conflict_do_update(
            index_elements=["learner_id", "question_id"], set_={"box": box, "due_on": due}
        )
    )


def save_scheduled(connection: Connection, row: RowMapping, state: LearnerState, now: datetime) -> None:
    """The state a daily message moved the learner to (a lesson opened, the tip cursor advanced),
    written by the same statement as a turn's but without the turn's own bookkeeping: no update
    id, and reminders do not start over, since the learner did not write."""
    recent = list(row["recent_updates"] or ())
    values = {**_columns(state, recent, now), "reminders_sent": row["reminders_sent"]}
    connection.execute(_UPDATE, {"learner_id": row["id"], **values})


def remember_offered(connection: Connection, learner_id: int, offered: tuple[tuple[str, str], ...]) -> None:
    """The choices a daily message offers (flows.typed_choices), written when it goes out."""
    connection.execute(
        update(learners_table)
        .where(learners_table.c.id == learner_id)
        .values(offered=[list(pair) for pair in offered])
    )


def note_reminder(connection: Connection, learner_id: int, today: date) -> None:
    connection.execute(
        update(learners_table)
        .where(learners_table.c.id == learner_id)
        .values(reminders_sent=learners_table.c.reminders_sent + 1, last_reminder_on=today)
    )


def due_reviews(connection: Connection, learner_id: int, today: date) -> list[str]:
    """Question ids due for review today, the earliest due first."""
    query = (
        select(reviews_table.c.question_id)
        .where(reviews_table.c.learner_id == learner_id, reviews_table.c.due_on <= today)
        .order_by(reviews_table.c.due_on, reviews_table.c.question_id)
    )
    return list(connection.execute(query).scalars())


def drop_reviews(connection: Connection, learner_id: int, question_ids: list[str]) -> None:
    """Reviews of questions the curriculum no longer has: they could never be asked."""
    if question_ids:
        connection.execute(
            delete(reviews_table).where(
                reviews_table.c.learner_id == learner_id, reviews_table.c.question_id.in_(question_ids)
            )
        )


def forget(connection: Connection, learner_id: int) -> None:
    for table in (answers_table, results_table, reviews_table, certificates_table):
        connection.execute(delete(table).where(table.c.learner_id == learner_id))
    connection.execute(delete(learners_table).where(learners_table.c.id == learner_id))


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, date | datetime) else value


def export(connection: Connection, row: RowMapping | None) -> dict[str, Any]:
    """Everything stored about one learner, as plain JSON-ready data (Decree 13/2023: access)."""
    if row is None:
        return {
            "learner": None, "lesson_results": [], "quiz_answers": [], "reviews": [], "certificates": [],
            "messages": [],
        }  # fmt: skip
    learner = {key: _plain(value) for key, value in row.items()}
    learner["group"] = learner.pop("group_id", None)

    def rows_of(table: Any) -> list[dict[str, Any]]:
        query = select(table).where(table.c.learner_id == row["id"]).order_by(*table.primary_key.columns)
        found = (connection.execute(query)).mappings()
        return [{k: _plain(v) for k, v in r.items() if k not in ("id", "learner_id")} for r in found]

    return {
        "learner": learner,
        "lesson_results": rows_of(results_table),
        "quiz_answers": rows_of(answers_table),
        "reviews": rows_of(reviews_table),
        "certificates": rows_of(certificates_table),
        "messages": [
            {k: _plain(v) for k, v in message.items()}
            for message in outbox.of_chat(connection, BotRef(row["channel"], row["bot_id"]), row["chat_id"])
        ],
    }


def insert_many(connection: Connection, bot: BotRef, states: list[LearnerState]) -> None:
    """Bulk import (seeding a deployment from another system, tests, benchmarks)."""
    now = datetime.now(UTC)
    rows = [
        {"channel": bot.channel, "bot_id": bot.bot_id, "chat_id": s.chat_id, "created_at": now,
         **_columns(s, [], now)}
        for s in states
    ]  # fmt: skip
    if rows:
        connection.execute(insert(learners_table), rows)
