"""My progress: lessons done per module, quiz accuracy, streak, what comes next; small-phone short."""

from __future__ import annotations

from flows import certificates, course, streaks
from flows.context import Context
from flows.lesson import next_lesson_id
from flows.outcome import Outcome
from flows.replies import Message
from flows.state import LearnerState
from flows.texts import Texts


def current_streak(state: LearnerState, ctx: Context) -> int:
    return streaks.today(state, ctx.now.date())


def show(state: LearnerState, ctx: Context) -> Outcome:
    t = Texts(ctx.library, state.lang)
    lines = [
        t(
            "progress.module",
            title=m.title,
            done=len(state.completed & course.lesson_ids(m)),
            total=len(m.lessons),
        )
        for m in course.modules(ctx.library, state.lang, state.group)
    ]
    accuracy = round(100 * state.correct / state.answered) if state.answered else 0
    following = next_lesson_id(state, ctx)
    text = t(
        "progress.summary",
        modules="\n".join(lines),
        correct=state.correct,
        answered=state.answered,
        accuracy=accuracy,
        streak=current_streak(state, ctx),
        next=_title(state, ctx, following) if following else t("progress.all_done"),
    )
    if state.drills_done:
        share = round(100 * state.drills_right / state.drills_done)
        text = f"{text}\n{t('progress.drills', done=state.drills_done, accuracy=share)}"
    if state.certificates:
        text = f"{text}\n\n{t('progress.certificates')}\n{certificates.listed(state, ctx)}"
    return Outcome(state, [Message(text)])


def _title(state: LearnerState, ctx: Context, lesson_id: str) -> str:
    found = course.lesson(ctx.library, state.lang, lesson_id)
    return found.title if found is not None else lesson_id
