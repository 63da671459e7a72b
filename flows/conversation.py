"""The one entry point: (learner, event, context) -> outcome. Pure: no I/O, no clock, no globals.

Reading order for a newcomer: this file routes; onboarding, lesson, progress, settings and privacy
hold the rules; fallback answers whatever none of them accepts.
"""

from __future__ import annotations

from collections.abc import Callable

from flows import (
    certificates,
    course,
    daily,
    fallback,
    lesson,
    onboarding,
    practice,
    privacy,
    progress,
    scam_chat,
    settings,
)
from flows.cafe.model import code_of_payload
from flows.context import Context
from flows.events import Blocked, Command, Event, Forwarded, Picture, Press, Text, Unblocked, Unsupported
from flows.menu import menu_command, with_menu
from flows.outcome import Outcome
from flows.state import ONBOARDING, LearnerState, Step
from flows.texts import Texts
from flows.tokens import parse
from flows.typed_choices import remember, typed_token

_SETUP = (*ONBOARDING, Step.HOUR_TYPED)


def handle(state: LearnerState, event: Event, ctx: Context) -> Outcome:
    """The outcome of one event; the choices it shows are remembered, so typing one's number
    (or a quiz option's letter) is the same as pressing it."""
    outcome = _route(state, _as_command(event, ctx), ctx)
    outcome.state = remember(outcome.state, outcome.replies)
    return outcome


def _as_command(event: Event, ctx: Context) -> Event:
    """Words that name a command ("bài học", "dừng", "help") are that command, on every channel."""
    if isinstance(event, Text):
        command = menu_command(ctx.library, event.text)
        if command is not None:
            return Command(command)
    return event


def _route(state: LearnerState, event: Event, ctx: Context) -> Outcome:
    if isinstance(event, Picture):  # to a learner, a photo is a photo: politely not understood
        event = Unsupported("photo")
    match event:
        case Blocked():
            return Outcome(state.but(active=False), persist=state.step != Step.NEW)
        case Unblocked():
            return Outcome(state.but(active=True), persist=state.step != Step.NEW)
        case Command(name="start", args=args):
            return _start(state.but(cafe_code=state.cafe_code or code_of_payload(args)), ctx)
        case Command() if (code := certificates.code_in(event)) is not None:
            return certificates.verify(state, ctx, code)
        case Forwarded(text=text):  # "is this a scam?" needs no onboarding first
            outcome = scam_chat.check_message(state, ctx, text)
            outcome.persist = state.step != Step.NEW
            return outcome
        case Text() | Unsupported() if state.step == Step.NEW and ctx.first_message_starts:
            return onboarding.begin(state, ctx)
        case _ if state.step == Step.NEW:
            return fallback.not_started(state, ctx)
        case Command(name=name):
            return _command(state, ctx, name)
        case Press(token=token):
            return _press(state, ctx, token)
        case Text(text=text):
            return _text(state, ctx, text)
        case Unsupported(kind=kind):
            return fallback.unsupported(state, ctx, kind)
    return fallback.not_understood(state, ctx)


def _start(state: LearnerState, ctx: Context) -> Outcome:
    if state.step == Step.NEW:
        return onboarding.begin(state, ctx)
    if state.step in _SETUP and not state.onboarded:
        return onboarding.resume(state, ctx)
    t = Texts(ctx.library, state.lang)
    key = "start.resumed" if state.paused else "start.again"
    resumed = state.but(paused=False, active=True)
    return Outcome(resumed, [with_menu(t, t(key)), *fallback.pending(resumed, ctx)[:1]])


_ANYWHERE: dict[str, Callable[[LearnerState, Context], Outcome]] = {
    "help": fallback.help_message,
    "stop": privacy.stop,
    "mydata": privacy.my_data,
    "forget": privacy.ask_forget,
    "check": scam_chat.ask,
}
_AFTER_SETUP: dict[str, Callable[[LearnerState, Context], Outcome]] = {
    "lesson": lesson.open_lesson,
    "progress": progress.show,
    "settings": settings.show,
    "practice": practice.next_drill,
}


def _command(state: LearnerState, ctx: Context, name: str) -> Outcome:
    if name in _ANYWHERE:
        return _ANYWHERE[name](state, ctx)
    if name in _AFTER_SETUP:
        if state.step in _SETUP and not state.editing:
            return fallback.setup_first(state, ctx)
        if state.editing:
            # Leaving an edit half-way: the question is dropped, the lesson in progress kept.
            state = state.but(editing=False, step=state.resume_step)
        return _AFTER_SETUP[name](state, ctx)
    t = Texts(ctx.library, state.lang)
    outcome = fallback.not_understood(state, ctx)
    outcome.replies[0] = with_menu(t, t("command.unknown")) if state.onboarded else outcome.replies[0]
    return outcome


def _press(state: LearnerState, ctx: Context, raw: str) -> Outcome:
    token = parse(raw)
    outcome: Outcome | None = None
    if token is not None:
        arg = token.arg()
        match token.action:
            case "lang":
                outcome = onboarding.choose_language(state, ctx, arg)
            case "group":
                outcome = onboarding.choose_group(state, ctx, arg)
            case "prov":
                outcome = onboarding.choose_province(state, ctx, arg)
            case "provpage":
                outcome = onboarding.turn_province_page(state, ctx, arg)
            case "hour":
                outcome = onboarding.choose_hour(state, ctx, arg)
            case "skip":
                outcome = onboarding.skip(state, ctx, arg)
            case "read" if course.is_lesson(ctx.library, arg):
                outcome = lesson.mark_read(state, ctx, arg)
            case "ans" if course.is_question(ctx.library, arg):
                outcome = lesson.answer(state, ctx, arg, token.arg(1))
            case "rev" if state.onboarded:
                outcome = daily.answer_review(state, ctx, arg, token.arg(1))
            case "lesson" if state.onboarded and state.step not in _SETUP:
                outcome = lesson.open_lesson(state, ctx, more=True)
            case "later" if state.step == Step.READY:
                outcome = lesson.later(state, ctx)
            case "set":
                outcome = settings.change(state, ctx, arg)
            case "done" if state.step in (Step.READY, Step.READING, Step.QUIZ):
                outcome = settings.close(state, ctx)
            case "forget":
                outcome = privacy.confirm_forget(state, ctx, arg)
            case "certname":
                outcome = certificates.choose_name(state, ctx, None)
            case "retake" if course.is_lesson(ctx.library, arg):
                outcome = lesson.retake(state, ctx, arg)
            case "report":
                outcome = _report(state, ctx, arg)
            case "howcheck":
                outcome = scam_chat.how_to_check(state, ctx)
            case "drill" if state.onboarded:
                outcome = practice.answer(state, ctx, arg, token.arg(1))
            case "practice" if state.onboarded:
                outcome = practice.next_drill(state, ctx)
    return outcome if outcome is not None else fallback.stale_button(state, ctx)


def _report(state: LearnerState, ctx: Context, arg: str) -> Outcome | None:
    match arg:
        case "ask":
            return scam_chat.ask_report(state, ctx)
        case "send":
            return scam_chat.send_report(state, ctx)
        case "no":
            return scam_chat.cancel_report(state, ctx)
    return None


def _text(state: LearnerState, ctx: Context, text: str) -> Outcome:
    token = typed_token(state, text)
    if token is not None:
        return _press(state, ctx, token)
    if state.step in _SETUP:
        return onboarding.answer_text(state, ctx, text)
    if state.step == Step.CERT_NAME:
        return certificates.choose_name(state, ctx, text) or fallback.not_understood(state, ctx)
    if state.step == Step.CHECK:
        return scam_chat.check_message(state, ctx, text)
    return fallback.not_understood(state, ctx)
