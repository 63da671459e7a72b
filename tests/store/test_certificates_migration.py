"""Migration 0005 on SQLite and PostgreSQL: lessons already finished at 60% or better count as
passed, so a learner part-way through a module keeps their way to its certificate; the
lesson-hour index the scheduler relies on survives; and downgrading undoes it."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import inspect, text

from store.database import ServerDatabase, alembic_config, upgrade
from tests.database_fixtures import database_at


@pytest.fixture(params=["sqlite", "postgres"])
async def url_at_0004(request, tmp_path) -> str:
    return await database_at(request.param, tmp_path, "0004")


def _learner(connection, chat_id: str) -> int:
    now = datetime.now(UTC)
    return int(
        connection.execute(
            text(
                "INSERT INTO learners (channel, bot_id, chat_id, step, language_hint, onboarded, editing,"
                " resume_step, paused, active, province_page, question_index, quiz_correct, answered,"
                " correct, streak, completed, recent_updates, created_at, updated_at) VALUES ('telegram',"
                " '1', :chat, 'ready', 'vi', true, false, 'ready', false, true, 0, 0, 0, 0, 0, 0, '[]',"
                " '[]', :now, :now) RETURNING id"
            ),
            {"chat": chat_id, "now": now},
        ).scalar_one()
    )


def _result(connection, learner_id: int, lesson_id: str, correct: int, total: int) -> None:
    connection.execute(
        text(
            "INSERT INTO lesson_results (learner_id, lesson_id, correct, total, finished_at)"
            " VALUES (:learner, :lesson, :correct, :total, :at)"
        ),
        {"learner": learner_id, "lesson": lesson_id, "correct": correct, "total": total,
         "at": datetime.now(UTC)},
    )  # fmt: skip


async def test_finished_lessons_at_60_percent_count_as_passed(url_at_0004: str) -> None:
    database = ServerDatabase(url_at_0004)

    def seed(connection) -> None:
        first = _learner(connection, "100")
        _result(connection, first, "m0-a", 2, 2)
        _result(connection, first, "m0-b", 1, 2)  # 50%: to be taken again
        _result(connection, first, "m0-c", 3, 5)  # exactly 60%
        _learner(connection, "200")

    await database.run(seed)
    await database.dispose()
    await asyncio.to_thread(upgrade, url_at_0004)

    database = ServerDatabase(url_at_0004)

    def read(connection) -> dict[str, list[str]]:
        rows = connection.execute(text("SELECT chat_id, passed FROM learners")).all()
        return {chat: value if isinstance(value, list) else json.loads(value) for chat, value in rows}

    passed = await database.run(read)
    indexes = await database.run(_indexes)
    await database.dispose()
    assert passed == {"100": ["m0-a", "m0-c"], "200": []}
    assert "ix_learners_lesson_hour" in indexes

    await asyncio.to_thread(command.downgrade, alembic_config(url_at_0004), "0004")
    database = ServerDatabase(url_at_0004)
    columns = await database.run(lambda c: {col["name"] for col in inspect(c).get_columns("learners")})
    indexes = await database.run(_indexes)
    await database.dispose()
    assert "passed" not in columns and "ix_learners_lesson_hour" in indexes


def _indexes(connection) -> set[str]:
    """SQLAlchemy does not reflect SQLite's expression indexes: SQLite's catalogue tells."""
    if connection.dialect.name == "sqlite":
        query = text("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'learners'")
        return set(connection.execute(query).scalars())
    return {index["name"] for index in inspect(connection).get_indexes("learners")}
