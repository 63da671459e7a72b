"""Rows for the dashboard's CSV exports. A learner is shown by a salted hash of their address,
never by a name or a chat id: the same learner keeps the same hash from one export to the next,
so figures can be followed over time, but the hash leads back to nobody without the salt, which
stays in this deployment's database."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, Table, func, select

from store.models import DashboardSaltRow
from store.reports import in_scope, learners_table

salt_table: Table = DashboardSaltRow.__table__  # type: ignore[assignment]
PAGE = 5000  # learners read per transaction while an export streams


def salt(connection: Connection) -> str:
    return str(connection.execute(select(salt_table.c.salt).where(salt_table.c.id == 1)).scalar_one())


def hashed_id(salt_value: str, channel: str, bot_id: str, chat_id: str) -> str:
    return hashlib.sha256(f"{salt_value}:{channel}:{bot_id}:{chat_id}".encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class LearnerLine:
    id: str  # hashed
    channel: str
    province: str | None
    group: str | None
    language: str
    lessons_done: int
    answered: int
    correct: int
    last_active: date | None

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.answered if self.answered else None


def learners_page(
    connection: Connection, scope: list[str] | None, salt_value: str, after: int
) -> tuple[list[LearnerLine], int | None]:
    """Up to PAGE learners whose row id is above `after`, and the id to continue after (None at
    the end). Paging by id keeps an export of a million learners to a few megabytes of memory."""
    t = learners_table
    query = (
        select(
            t.c.id, t.c.channel, t.c.bot_id, t.c.chat_id, t.c.province, t.c.group_id,
            func.coalesce(t.c.language, t.c.language_hint), t.c.completed, t.c.answered, t.c.correct,
            t.c.last_study_day, t.c.last_opened_on,
        )
        .where(in_scope(scope), t.c.id > after)
        .order_by(t.c.id)
        .limit(PAGE)
    )  # fmt: skip
    rows = connection.execute(query).all()
    lines = []
    for row in rows:
        days = [day for day in (row.last_study_day, row.last_opened_on) if day is not None]
        lines.append(
            LearnerLine(
                hashed_id(salt_value, row.channel, row.bot_id, row.chat_id), row.channel, row.province,
                row.group_id, str(row[6]), len(row.completed or ()), int(row.answered), int(row.correct),
                max(days) if days else None,
            )
        )  # fmt: skip
    return lines, (int(rows[-1].id) if len(rows) == PAGE else None)
