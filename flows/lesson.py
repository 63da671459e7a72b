"""Today's lesson and its quiz: read, then one question at a time with feedback, then the score.

Lessons follow the curriculum order; the next one is the first not yet finished. A learner may take
another straight away, but "today's lesson" first tells them today's is done, so the daily pace is
the default and more is a choice.
"""

from __future__ import annotations

from content.markup import escape
from content.model import Lesson, Question
from flows import certificates, course, streaks
from flows.context import Context
from flows.effects import LessonFinished, QuestionAnswered
from flows.option_order import option_order
from flows.outcome import Outcome
from flows.replies import Answered, Choice, Media, Message, Reply
from flows.state import LearnerState, Step
from flows.texts import Texts
from flows.tokens import make, number

LETTERS = "ABCD"
GENTLE_GROUP = "older-adult"


def next_lesson_id(state: LearnerState, ctx: Context) -> str | None:
    """The first lesson not yet taken; once all are taken, the first whose quiz is still under
    60%, so a certificate stays within reach."""
    order = course.order(ctx.library, state.group)
    following = next((i for i in order if i not in state.completed), None)
    return following or next((i for i in order if i not in state.passed), None)


def _lesson(state: LearnerState, ctx: Context, lesson_id: str) -> Lesson:
    found = course.lesson(ctx.library, state.lang, lesson_id)
    if found is None:
        raise KeyError(lesson_id)
    return found


def open_lesson(state: LearnerState, ctx: Context, more: bool = False) -> Outcome:
    """Show the lesson in progress, or today's; `more` is the learner asking for another one."""
    t = Texts(ctx.library, state.lang)
    if state.step == Step.QUIZ and state.lesson_id:
        return Outcome(state, [Message(t("quiz.finish_first")), question_message(state, ctx)])
    if state.step == Step.READING and state.lesson_id:
        return Outcome(state, lesson_messages(state, ctx, state.lesson_id))
    lesson_id = next_lesson_id(state, ctx)
    if lesson_id is None:
        return Outcome(state, [Message(t("lesson.all_done"))])
    if not more and state.last_study_day == ctx.now.date():
        return Outcome(
            state,
            [
                Message(
                    t("lesson.done_today"),
                    choices=((Choice(t("button.another_lesson"), make("lesson")),),),
                )
            ],
        )
    reading = state.but(step=Step.READING, lesson_id=lesson_id, question_index=0, quiz_correct=0)
    return Outcome(reading, lesson_messages(reading, ctx, lesson_id))


def lesson_messages(state: LearnerState, ctx: Context, lesson_id: str) -> list[Reply]:
    t = Texts(ctx.library, state.lang)
    lesson = _lesson(state, ctx, lesson_id)
    order = course.order(ctx.library, state.group)
    # a track's lesson opened after a change of group is numbered in the main course's terms
    position = (
        order.index(lesson_id) if lesson_id in order else ctx.library.lesson_position.get(lesson_id, 0)
    ) + 1
    module = ctx.library.curriculum(state.lang).module(lesson.module_id)
    text = t(
        "lesson.message",
        module=module.title,
        number=position,
        title=lesson.title,
        text=lesson.text,
        today=lesson.today,
    )
    replies: list[Reply] = []
    if lesson.image:
        replies.append(Media("photo", lesson.image))
    replies.append(Message(text, choices=((Choice(t("button.read"), make("read", lesson_id)),),)))
    if lesson.voice:
        replies.append(Media("voice", lesson.voice))
    return replies


def answer_choices(state: LearnerState, question: Question, action: str) -> tuple[tuple[Choice, ...], ...]:
    """One choice per option, a row each, in the learner's own order (flows.option_order) and
    lettered by place; the token keeps the option's index in the file. `action` is "ans" in a
    quiz, "rev" in a review. Each channel spells the options out in full (Telegram under the
    question, since a button can cut a long label; Zalo as the numbered lines themselves)."""
    order = option_order(state.chat_id, question.id, len(question.options))
    return tuple(
        (Choice(question.options[index].text, make(action, question.id, index), key=LETTERS[place]),)
        for place, index in enumerate(order)
    )


def shown_letter(asked: Message, option: int) -> str:
    """The letter an option (by its index in the file) was shown with in the asked question."""
    suffix = f":{option}"
    return next((c.key for c in asked.flat_choices() if c.token.endswith(suffix)), LETTERS[option])


def question_message(state: LearnerState, ctx: Context) -> Message:
    lesson = _lesson(state, ctx, state.lesson_id or "")
    question = lesson.questions[state.question_index]
    return Message(
        question_text(state, ctx, lesson, question), choices=answer_choices(state, question, "ans")
    )


def question_text(state: LearnerState, ctx: Context, lesson: Lesson, question: Question) -> str:
    return Texts(ctx.library, state.lang)(
        "quiz.question",
        number=state.question_index + 1,
        total=len(lesson.questions),
        question=escape(question.question),
    )


def mark_read(state: LearnerState, ctx: Context, lesson_id: str) -> Outcome | None:
    if state.step != Step.READING or state.lesson_id != lesson_id:
        return None
    quiz = state.but(step=Step.QUIZ, question_index=0, quiz_correct=0, last_opened_on=ctx.now.date())
    return Outcome(quiz, [question_message(quiz, ctx)], settled=True)


def answer(state: LearnerState, ctx: Context, question_id: str, option: str) -> Outcome | None:
    """Score one answer; None when the button is not for the question being asked now."""
    if state.step != Step.QUIZ or not state.lesson_id:
        return None
    lesson = _lesson(state, ctx, state.lesson_id)
    if state.question_index >= len(lesson.questions):
        return None
    question = lesson.questions[state.question_index]
    choice = number(option, len(question.options))
    if question.id != question_id or choice is None:
        return None
    right = choice == question.correct_index
    t = Texts(ctx.library, state.lang)
    answered = state.but(
        question_index=state.question_index + 1,
        quiz_correct=state.quiz_correct + right,
        answered=state.answered + 1,
        correct=state.correct + right,
    )
    effects: list = [QuestionAnswered(lesson.id, question.id, choice, right, ctx.now)]
    asked = question_message(state, ctx)
    outcome = Outcome(
        answered, [], effects, answered=answered_question(t, asked, question, choice, state.group)
    )
    outcome.ack = t("quiz.right_notice") if right else t("quiz.wrong_notice")
    if answered.question_index < len(lesson.questions):
        outcome.replies.append(question_message(answered, ctx))
        return outcome
    return _finish(outcome, lesson, ctx)


def answered_question(
    t: Texts, asked: Message, question: Question, choice: int, group: str | None
) -> Answered:
    """The learner's choice and the feedback on it, for the question as it was asked."""
    right = choice == question.correct_index
    option = escape(question.options[choice].text)
    chosen = t("quiz.chosen", letter=shown_letter(asked, choice), answer=option)
    return Answered(asked, f"{chosen}\n{feedback(t, asked, question, right, group)}")


def feedback(t: Texts, asked: Message, question: Question, right: bool, group: str | None) -> str:
    if right:
        return t("quiz.right", explanation=escape(question.explanation))
    correct = question.options[question.correct_index].text
    key = "quiz.wrong_short" if group == GENTLE_GROUP else "quiz.wrong"
    return t(
        key,
        letter=shown_letter(asked, question.correct_index),
        answer=escape(correct),
        explanation=escape(question.explanation),
    )


def retake(state: LearnerState, ctx: Context, lesson_id: str) -> Outcome | None:
    """Take a finished lesson again, to pass its quiz for the module's certificate."""
    if state.step not in (Step.READY, Step.CERT_NAME) or lesson_id not in state.completed:
        return None
    reading = state.but(step=Step.READING, lesson_id=lesson_id, question_index=0, quiz_correct=0)
    return Outcome(reading, lesson_messages(reading, ctx, lesson_id), settled=True)


def _finish(outcome: Outcome, lesson: Lesson, ctx: Context) -> Outcome:
    state = outcome.state
    today = ctx.now.date()
    streak, freeze_used_on = streaks.after_lesson(state, today)
    passing = certificates.passed(state.quiz_correct, len(lesson.questions))
    done = state.but(
        step=Step.READY,
        lesson_id=None,
        question_index=0,
        quiz_correct=0,
        completed=state.completed | {lesson.id},
        passed=state.passed | {lesson.id} if passing else state.passed,
        streak=streak,
        freeze_used_on=freeze_used_on,
        last_study_day=today,
    )
    outcome.state = done
    outcome.effects.append(LessonFinished(lesson.id, state.quiz_correct, len(lesson.questions), ctx.now))
    t = Texts(ctx.library, done.lang)
    score = t("quiz.score", correct=state.quiz_correct, total=len(lesson.questions), streak=done.streak)
    if not passing:
        score = f"{score}\n{t('quiz.retake_hint')}"
    retake_row = () if passing else ((Choice(t("button.retake"), make("retake", lesson.id)),),)
    following = next_lesson_id(done, ctx)
    if following is None or following == lesson.id:
        text = score if following else f"{score}\n\n{t('lesson.all_done')}"
        outcome.replies.append(Message(text, choices=retake_row))
    else:
        title = _lesson(done, ctx, following).title
        key = "lesson.next_gentle" if done.group == GENTLE_GROUP else "lesson.next"
        buttons = (
            (Choice(t("button.next_now"), make("lesson")),),
            *retake_row,
            (Choice(t("button.later"), make("later")),),
        )
        outcome.replies.append(Message(f"{score}\n\n{t(key, title=title)}", choices=buttons))
    earned = certificates.after_lesson(done, ctx)
    outcome.state = earned.state
    outcome.replies.extend(earned.replies)
    outcome.effects.extend(earned.effects)
    return outcome


def later(state: LearnerState, ctx: Context) -> Outcome:
    t = Texts(ctx.library, state.lang)
    hour = t("hour.label", hour=state.lesson_hour) if state.lesson_hour is not None else t("hour.unset")
    return Outcome(state, [Message(t("lesson.see_you", hour=hour))], settled=True)
