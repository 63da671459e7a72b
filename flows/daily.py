"""What the bot says on its own initiative: the daily lesson, the tip of the day, reminders and
reviews. The scheduler asks; these rules decide whether anything is due and what it says.

Each returns None when nothing is due, so a scheduler tick that runs twice, or finds a learner
mid-quiz, sends nothing.
"""

from __future__ import annotations

from datetime import date, timedelta

from content.markup import escape
from content.model import Question, Tip
from flows import course, practice
from flows.audience import wants_messages
from flows.context import Context
from flows.effects import ReviewAnswered
from flows.lesson import (
    GENTLE_GROUP,
    answer_choices,
    answered_question,
    lesson_messages,
    next_lesson_id,
)
from flows.outcome import Outcome
from flows.replies import Choice, Message
from flows.state import LearnerState, Step
from flows.texts import Texts
from flows.tokens import make, number

REMINDER_VARIANTS = 4
TIP_REPEAT_DAYS = 30  # a learner never sees the same tip twice within this many days
REVIEW_DAYS = (1, 3, 7, 21)  # Leitner boxes 1 to 4
# A daily lesson may replace a pending certificate-name question: it is asked again at the next
# lesson's end, and a learner who never answers it still gets their lessons.
LESSON_READY = (Step.READY, Step.CERT_NAME)


def daily_lesson(state: LearnerState, ctx: Context) -> Outcome | None:
    """Today's lesson, unless one is open, already studied today, or the curriculum is done.

    Older adults go at a gentler pace: after a day with a lesson, the next day is a rest day.
    """
    today = ctx.now.date()
    if not wants_messages(state) or state.step not in LESSON_READY or state.last_study_day == today:
        return None
    if state.group == GENTLE_GROUP and state.last_study_day == today - timedelta(days=1):
        return None
    lesson_id = next_lesson_id(state, ctx)
    if lesson_id is None:
        return None
    t = Texts(ctx.library, state.lang)
    reading = state.but(step=Step.READING, lesson_id=lesson_id, question_index=0, quiz_correct=0)
    return Outcome(reading, [Message(t("daily.greeting")), *lesson_messages(reading, ctx, lesson_id)])


def tip_of_the_day(state: LearnerState, ctx: Context) -> Outcome | None:
    """The next scam tip in rotation; none on days when a repeat would come within 30 days."""
    tips = ctx.library.curriculum(state.lang).tips
    if not wants_messages(state) or not tips:
        return None
    today = ctx.now.date()
    position = state.tip_cursor % len(tips)
    started = state.tip_cycle_started
    if position == 0:
        if started is not None and state.tip_cursor and today < started + timedelta(days=TIP_REPEAT_DAYS):
            return None
        started = today
    t = Texts(ctx.library, state.lang)
    advanced = state.but(tip_cursor=state.tip_cursor + 1, tip_cycle_started=started)
    return Outcome(advanced, [Message(render_tip(t, tips[position]))])


def render_tip(t: Texts, tip: Tip) -> str:
    flags = "\n".join(f"• {flag}" for flag in tip.red_flags)
    return t("tip.message", title=tip.title, how=tip.how, flags=flags, action=tip.action, report=tip.report)


def reminder(state: LearnerState, ctx: Context, sent_before: int) -> Message | None:
    """A gentle nudge; the wording rotates so the same words never arrive twice in a row."""
    if not wants_messages(state):
        return None
    t = Texts(ctx.library, state.lang)
    variant = (sent_before + ctx.now.date().toordinal()) % REMINDER_VARIANTS + 1
    return Message(t(f"reminder.{variant}"), choices=((Choice(t("button.open_lesson"), make("lesson")),),))


def review_message(state: LearnerState, ctx: Context, question_id: str) -> Message | None:
    """A quiz question, or a spot-the-scam drill, the learner got wrong, coming back."""
    if not wants_messages(state):
        return None
    question = course.question(ctx.library, state.lang, question_id)
    if question is not None:
        return review_question(state, Texts(ctx.library, state.lang), question)
    drill = practice.drill_of(ctx, state.lang, question_id)
    if drill is None:
        return None
    asked = practice.drill_message(state, ctx, drill)
    return Message(f"{Texts(ctx.library, state.lang)('practice.review')}\n\n{asked.text}", asked.choices)


def review_question(state: LearnerState, t: Texts, question: Question) -> Message:
    """A question coming back keeps the order of options the learner saw the first time."""
    text = t("review.question", question=escape(question.question))
    return Message(text, choices=answer_choices(state, question, "rev"))


def answer_review(state: LearnerState, ctx: Context, question_id: str, option: str) -> Outcome | None:
    question = course.question(ctx.library, state.lang, question_id)
    choice = number(option, len(question.options)) if question is not None else None
    if question is None or choice is None:
        return None
    right = choice == question.correct_index
    t = Texts(ctx.library, state.lang)
    outcome = Outcome(
        state,
        [],
        [ReviewAnswered(question_id, right, ctx.now)],
        answered=answered_question(t, review_question(state, t, question), question, choice, state.group),
    )
    outcome.ack = t("quiz.right_notice") if right else t("quiz.wrong_notice")
    return outcome


def next_box(box: int, correct: bool, today: date) -> tuple[int | None, date | None]:
    """Leitner: right moves a question up a box (done after the last), wrong sends it back to one."""
    if not correct:
        return 1, today + timedelta(days=REVIEW_DAYS[0])
    if box >= len(REVIEW_DAYS):
        return None, None
    return box + 1, today + timedelta(days=REVIEW_DAYS[box])
