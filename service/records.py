"""A turn's effects written next to its state, in the same transaction: answers, results,
reviews and the right to be forgotten. The rules (which box a review moves to) are the flows';
this module applies them to rows."""

from __future__ import annotations

from sqlalchemy import Connection
from sqlalchemy.engine import RowMapping

from flows.daily import next_box
from flows.effects import Effect, ForgetLearner, LessonFinished, QuestionAnswered, ReviewAnswered
from flows.outcome import Outcome
from store import learners, outbox
from store.address import BotRef


def save_outcome(
    connection: Connection, row: RowMapping | None, bot: BotRef, outcome: Outcome, update_key: str | None
) -> None:
    """Write the new state and the effects; a forgotten learner leaves no row behind."""
    if any(isinstance(effect, ForgetLearner) for effect in outcome.effects):
        if row is not None:
            learners.forget(connection, row["id"])
        outbox.forget_chat(connection, bot, outcome.state.chat_id)
        return
    if not outcome.persist:
        return
    learner_id = learners.save(connection, row, bot, outcome.state, update_key, changed=bool(outcome.effects))
    for effect in outcome.effects:
        apply(connection, learner_id, effect)


def apply(connection: Connection, learner_id: int, effect: Effect) -> None:
    match effect:
        case QuestionAnswered():
            learners.record_answer(
                connection, learner_id, effect.lesson_id, effect.question_id, effect.option, effect.correct,
                effect.at,
            )  # fmt: skip
            if not effect.correct:  # a wrong answer comes back tomorrow, in the first box
                box, due = next_box(1, False, effect.at.date())
                learners.put_review(connection, learner_id, effect.question_id, box, due)
        case LessonFinished():
            learners.record_result(
                connection, learner_id, effect.lesson_id, effect.correct, effect.total, effect.at
            )
        case ReviewAnswered():
            box = learners.review_box(connection, learner_id, effect.question_id)
            if box is not None:  # not under review (an old or forged button): feedback was all
                new_box, due = next_box(box, effect.correct, effect.at.date())
                learners.put_review(connection, learner_id, effect.question_id, new_box, due)
