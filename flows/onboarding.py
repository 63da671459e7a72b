"""Onboarding: language, who you are, province, lesson hour. One question a message, every one
skippable, and the step is saved so a learner who leaves half-way continues where they were.

The same answers serve settings: with `editing` set, an answer returns to the settings summary
instead of moving on to the next question.
"""

from __future__ import annotations

from content.library import fold
from flows import questions, settings
from flows.context import Context
from flows.hours import parse_hour
from flows.menu import with_menu
from flows.outcome import Outcome
from flows.replies import Choice, Message
from flows.state import ONBOARDING, LearnerState, Step
from flows.texts import Texts
from flows.tokens import make, number


def begin(state: LearnerState, ctx: Context) -> Outcome:
    """First /start: greet, then the first question."""
    t = Texts(ctx.library, state.lang)
    fresh = state.but(step=Step.LANGUAGE, paused=False, active=True)
    return Outcome(fresh, [Message(t("welcome")), questions.ask(fresh, ctx)])


def resume(state: LearnerState, ctx: Context, greeting: str = "welcome_back.setup") -> Outcome:
    t = Texts(ctx.library, state.lang)
    state = state.but(paused=False, active=True)
    return Outcome(state, [Message(t(greeting)), questions.ask(state, ctx)])


def advance(state: LearnerState, ctx: Context) -> Outcome:
    """After an answer or a skip: the next question, or the end of onboarding or of an edit."""
    if state.editing:
        return settings.show(state.but(editing=False, step=state.resume_step), ctx)
    following = ONBOARDING.index(Step.HOUR if state.step == Step.HOUR_TYPED else state.step) + 1
    if following < len(ONBOARDING):
        nxt = state.but(step=ONBOARDING[following])
        return Outcome(nxt, [questions.ask(nxt, ctx)])
    done = state.but(step=Step.READY, onboarded=True)
    t = Texts(ctx.library, done.lang)
    hour = t("hour.label", hour=done.lesson_hour) if done.lesson_hour is not None else t("hour.unset")
    return Outcome(
        done,
        [
            with_menu(t, t("onboarding.done", hour=hour)),
            Message(
                t("onboarding.first_lesson"),
                choices=((Choice(t("button.start_lesson"), make("lesson")),),),
            ),
        ],
    )


def choose_language(state: LearnerState, ctx: Context, language: str) -> Outcome | None:
    if language not in ctx.library.languages or state.step != Step.LANGUAGE:
        return None
    return advance(state.but(language=language), ctx)


def choose_group(state: LearnerState, ctx: Context, group: str) -> Outcome | None:
    if group not in ctx.library.group_ids or state.step != Step.GROUP:
        return None
    return advance(state.but(group=group), ctx)


def choose_province(state: LearnerState, ctx: Context, province: str) -> Outcome | None:
    if province not in ctx.library.province_ids or state.step != Step.PROVINCE:
        return None
    return advance(state.but(province=province, province_page=0), ctx)


def turn_province_page(state: LearnerState, ctx: Context, page: str) -> Outcome | None:
    pages = questions.province_pages(ctx)
    wanted = number(page, pages)
    if state.step != Step.PROVINCE or wanted is None:
        return None
    turned = state.but(province_page=wanted)
    t = Texts(ctx.library, state.lang)
    return Outcome(turned, [questions.ask_province(t, ctx, turned.province_page)])


def choose_hour(state: LearnerState, ctx: Context, value: str) -> Outcome | None:
    if state.step not in (Step.HOUR, Step.HOUR_TYPED):
        return None
    if value == "other":
        typed = state.but(step=Step.HOUR_TYPED)
        return Outcome(typed, [questions.ask(typed, ctx)])
    hour = number(value, 24)
    if hour is None:
        return None
    return advance(state.but(lesson_hour=hour, step=Step.HOUR), ctx)


def skip(state: LearnerState, ctx: Context, step: str) -> Outcome | None:
    current = Step.HOUR if state.step == Step.HOUR_TYPED else state.step
    if current.value != step or current not in ONBOARDING:
        return None
    return advance(state.but(step=current), ctx)


def answer_text(state: LearnerState, ctx: Context, text: str) -> Outcome:
    """Typed answers: a language or group name, a province to search for, an hour."""
    t = Texts(ctx.library, state.lang)
    folded = fold(text)
    if state.step == Step.LANGUAGE:
        for language in ctx.library.languages:
            names = {fold(ctx.library.ui[language]["language.name"]), language}
            names |= {fold(ctx.library.ui[lang][f"language.{language}"]) for lang in ctx.library.languages}
            if folded in names:
                return advance(state.but(language=language), ctx)
    elif state.step == Step.GROUP:
        for group in ctx.library.groups:
            if folded in {fold(name) for name in group.names.values()}:
                return advance(state.but(group=group.id), ctx)
    elif state.step == Step.PROVINCE:
        found = ctx.library.find_provinces(text)
        if len(found) == 1:
            return advance(state.but(province=found[0].id, province_page=0), ctx)
        if found:
            return Outcome(state, [questions.province_choices(t, ctx, text)])
        return Outcome(state, [Message(t("province.not_found")), questions.ask(state, ctx)])
    else:
        hour = parse_hour(text)
        if hour is not None:
            return advance(state.but(lesson_hour=hour, step=Step.HOUR), ctx)
        return Outcome(state, [Message(t("hour.not_understood")), questions.ask(state, ctx)])
    return Outcome(state, [Message(t("onboarding.use_buttons")), questions.ask(state, ctx)])
