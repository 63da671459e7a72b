"""Learners in the database: turning a row into the flows' LearnerState and an Outcome back into
rows, in one transaction, with duplicate updates recognised by their update_id."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from flows.effects import ForgetLearner, LessonFinished, QuestionAnswered
from flows.outcome import Outcome
from flows.state import LearnerState, Step
from store.models import LearnerRow, LessonResultRow, QuizAnswerRow

RECENT_UPDATES_KEPT = 32  # enough to recognise a redelivered update, small enough to read per turn

# State fields stored under the same name as a column.
_SAME_NAME = (
    "language",
    "language_hint",
    "province",
    "lesson_hour",
    "onboarded",
    "editing",
    "paused",
    "active",
    "province_page",
    "lesson_id",
    "question_index",
    "quiz_correct",
    "answered",
    "correct",
    "streak",
    "last_study_day",
)


async def find(session: AsyncSession, bot_id: int, chat_id: int, lock: bool = False) -> LearnerRow | None:
    query = (
        select(LearnerRow)
        .where(LearnerRow.bot_id == bot_id, LearnerRow.chat_id == chat_id)
        .options(selectinload(LearnerRow.results))
    )
    if lock:
        query = query.with_for_update()
    return (await session.execute(query)).scalar_one_or_none()


def to_state(row: LearnerRow) -> LearnerState:
    values: dict[str, Any] = {name: getattr(row, name) for name in _SAME_NAME}
    return LearnerState(
        chat_id=row.chat_id,
        step=Step(row.step),
        group=row.group_id,
        resume_step=Step(row.resume_step),
        completed=frozenset(result.lesson_id for result in row.results),
        **values,
    )


def is_duplicate(row: LearnerRow | None, update_id: int | None) -> bool:
    return row is not None and update_id is not None and update_id in (row.recent_updates or [])


async def save(
    session: AsyncSession,
    row: LearnerRow | None,
    bot_id: int,
    outcome: Outcome,
    update_id: int | None,
) -> LearnerRow | None:
    """Write the new state and the effects; a forgotten learner leaves no row behind."""
    if any(isinstance(effect, ForgetLearner) for effect in outcome.effects):
        if row is not None:
            await forget(session, row)
        return None
    if not outcome.persist:
        return row
    now = datetime.now(UTC)
    state = outcome.state
    if row is None:
        row = LearnerRow(bot_id=bot_id, chat_id=state.chat_id, created_at=now, recent_updates=[], results=[])
        session.add(row)
    for name in _SAME_NAME:
        setattr(row, name, getattr(state, name))
    row.step, row.group_id, row.resume_step = state.step.value, state.group, state.resume_step.value
    row.updated_at = now
    if update_id is not None:
        row.recent_updates = [*(row.recent_updates or [])[-(RECENT_UPDATES_KEPT - 1) :], update_id]
    await session.flush()
    for effect in outcome.effects:
        if isinstance(effect, QuestionAnswered):
            session.add(
                QuizAnswerRow(
                    learner_id=row.id,
                    lesson_id=effect.lesson_id,
                    question_id=effect.question_id,
                    option=effect.option,
                    correct=effect.correct,
                    answered_at=effect.at,
                )
            )
        elif isinstance(effect, LessonFinished):
            _record_result(row, effect)
    return row


def _record_result(row: LearnerRow, effect: LessonFinished) -> None:
    """A lesson taken again keeps one result: the latest."""
    for result in row.results:
        if result.lesson_id == effect.lesson_id:
            result.correct, result.total, result.finished_at = (
                effect.correct,
                effect.total,
                effect.at,
            )
            return
    row.results.append(
        LessonResultRow(
            lesson_id=effect.lesson_id,
            correct=effect.correct,
            total=effect.total,
            finished_at=effect.at,
        )
    )


async def forget(session: AsyncSession, row: LearnerRow) -> None:
    await session.execute(delete(QuizAnswerRow).where(QuizAnswerRow.learner_id == row.id))
    await session.execute(delete(LessonResultRow).where(LessonResultRow.learner_id == row.id))
    await session.execute(delete(LearnerRow).where(LearnerRow.id == row.id))
    session.expunge(row)


async def mark_inactive(session: AsyncSession, bot_id: int, chat_id: int) -> None:
    row = await find(session, bot_id, chat_id)
    if row is not None:
        row.active = False


def _iso(value: object) -> object:
    return value.isoformat() if isinstance(value, date | datetime) else value


async def export(session: AsyncSession, row: LearnerRow | None) -> dict[str, Any]:
    """Everything stored about one learner, as plain JSON-ready data (Decree 13/2023: access)."""
    if row is None:
        return {"learner": None, "lesson_results": [], "quiz_answers": []}
    learner = {attr.key: _iso(getattr(row, attr.key)) for attr in LearnerRow.__mapper__.column_attrs}
    learner["group"] = learner.pop("group_id", None)
    answers = (
        await session.execute(
            select(QuizAnswerRow).where(QuizAnswerRow.learner_id == row.id).order_by(QuizAnswerRow.id)
        )
    ).scalars()
    return {
        "learner": learner,
        "lesson_results": [
            {
                "lesson_id": r.lesson_id,
                "correct": r.correct,
                "total": r.total,
                "finished_at": _iso(r.finished_at),
            }
            for r in row.results
        ],
        "quiz_answers": [
            {
                "lesson_id": a.lesson_id,
                "question_id": a.question_id,
                "option": a.option,
                "correct": a.correct,
                "answered_at": _iso(a.answered_at),
            }
            for a in answers
        ],
    }
