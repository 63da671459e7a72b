"""Settings: every onboarding answer shown and changeable, one button each."""

from __future__ import annotations

from flows import questions
from flows.context import Context
from flows.outcome import Outcome
from flows.replies import Choice, Message
from flows.state import LearnerState, Step
from flows.texts import Texts
from flows.tokens import make

FIELDS = {
    "language": Step.LANGUAGE,
    "group": Step.GROUP,
    "province": Step.PROVINCE,
    "hour": Step.HOUR,
}
_IN_PROGRESS = (Step.READING, Step.QUIZ)


def summary(state: LearnerState, ctx: Context) -> Message:
    t = Texts(ctx.library, state.lang)
    library = ctx.library
    group = library.group_ids.get(state.group or "")
    province = library.province_ids.get(state.province or "")
    hour = state.lesson_hour
    text = t(
        "settings.summary",
        language=library.ui[state.lang]["language.name"],
        group=group.name(t.language) if group else t("settings.unset"),
        province=province.name(t.language) if province else t("settings.unset"),
        hour=t("hour.label", hour=hour) if hour is not None else t("hour.unset"),
        messages=t("settings.paused") if state.paused else t("settings.active"),
    )
    buttons = (
        (
            Choice(t("settings.change_language"), make("set", "language")),
            Choice(t("settings.change_group"), make("set", "group")),
        ),
        (
            Choice(t("settings.change_province"), make("set", "province")),
            Choice(t("settings.change_hour"), make("set", "hour")),
        ),
        (Choice(t("button.done"), make("done")),),
    )
    return Message(text, choices=buttons)


def show(state: LearnerState, ctx: Context) -> Outcome:
    return Outcome(state, [summary(state, ctx)])


def change(state: LearnerState, ctx: Context, field: str) -> Outcome | None:
    """Ask one onboarding question again; a lesson in progress is kept and resumed afterwards."""
    step = FIELDS.get(field)
    if step is None or not state.onboarded or state.step not in (Step.READY, *_IN_PROGRESS):
        return None
    editing = state.but(step=step, editing=True, resume_step=state.step, province_page=0)
    return Outcome(editing, [questions.ask(editing, ctx)])


def close(state: LearnerState, ctx: Context) -> Outcome:
    t = Texts(ctx.library, state.lang)
    return Outcome(state, [Message(t("settings.saved"))], settled=True)
