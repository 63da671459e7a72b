"""Answers for everything a flow did not expect: stickers, photos, voice notes, contacts, stray
text, old or forged buttons. Each gets a short, kind answer and a reminder of what the learner was
doing; the learner's state never changes here."""

from __future__ import annotations

from flows import certificates, questions
from flows.context import Context
from flows.lesson import question_message
from flows.menu import with_menu
from flows.outcome import Outcome
from flows.replies import Choice, Message, Reply
from flows.state import ONBOARDING, LearnerState, Step
from flows.texts import Texts
from flows.tokens import make

_KIND_KEYS = {
    "voice": "unsupported.voice",
    "audio": "unsupported.voice",
    "video_note": "unsupported.voice",
    "contact": "unsupported.private",
    "location": "unsupported.private",
    "venue": "unsupported.private",
}


def pending(state: LearnerState, ctx: Context) -> list[Reply]:
    """What the learner was in the middle of, asked again so they can carry on."""
    t = Texts(ctx.library, state.lang)
    if state.step in ONBOARDING or state.step == Step.HOUR_TYPED:
        return [questions.ask(state, ctx)]
    if state.step == Step.QUIZ and state.lesson_id:
        return [question_message(state, ctx)]
    if state.step == Step.READING and state.lesson_id:
        button = Choice(t("button.read"), make("read", state.lesson_id))
        return [Message(t("lesson.when_read"), choices=((button,),))]
    if state.step == Step.FORGET:
        buttons = (
            (
                Choice(t("forget.yes"), make("forget", "yes")),
                Choice(t("forget.no"), make("forget", "no")),
            ),
        )
        return [Message(t("forget.ask"), choices=buttons)]
    if state.step == Step.CERT_NAME:
        return certificates.ask_name(state, ctx)[1]
    if state.step == Step.NEW:
        return []
    return [with_menu(t, t("menu.hint"))]


def unsupported(state: LearnerState, ctx: Context, kind: str) -> Outcome:
    t = Texts(ctx.library, state.lang)
    return Outcome(state, [Message(t(_KIND_KEYS.get(kind, "unsupported.other"))), *pending(state, ctx)])


def not_understood(state: LearnerState, ctx: Context) -> Outcome:
    t = Texts(ctx.library, state.lang)
    if state.step == Step.READING:
        return Outcome(state, pending(state, ctx))  # the reminder with its button says it all
    key = "quiz.use_buttons" if state.step == Step.QUIZ else "text.not_understood"
    return Outcome(state, [Message(t(key)), *pending(state, ctx)])


def stale_button(state: LearnerState, ctx: Context) -> Outcome:
    t = Texts(ctx.library, state.lang)
    return Outcome(state, [Message(t("button.stale")), *pending(state, ctx)], ack=t("button.stale_notice"))


def not_started(state: LearnerState, ctx: Context) -> Outcome:
    """Someone we know nothing about (or who asked us to forget them): store nothing yet."""
    t = Texts(ctx.library, state.lang)
    return Outcome(state, [Message(t("start.first"))], persist=False, ack=t("button.stale_notice"))


def setup_first(state: LearnerState, ctx: Context) -> Outcome:
    t = Texts(ctx.library, state.lang)
    return Outcome(state, [Message(t("onboarding.finish_first")), *pending(state, ctx)])


def help_message(state: LearnerState, ctx: Context) -> Outcome:
    t = Texts(ctx.library, state.lang)
    reply = with_menu(t, t("help")) if state.onboarded else Message(t("help"))
    return Outcome(state, [reply, *pending(state, ctx)[:1]] if not state.onboarded else [reply])
