"""Pausing, seeing and deleting one's data (Decree 13/2023 and Law 91/2025/QH15)."""

from __future__ import annotations

from flows.context import Context
from flows.effects import ForgetLearner
from flows.outcome import Outcome
from flows.replies import Choice, Message, PersonalData
from flows.state import LearnerState, Step
from flows.texts import Texts
from flows.tokens import make


def stop(state: LearnerState, ctx: Context) -> Outcome:
    t = Texts(ctx.library, state.lang)
    return Outcome(state.but(paused=True), [Message(t("stop.done"))])


def my_data(state: LearnerState, ctx: Context) -> Outcome:
    t = Texts(ctx.library, state.lang)
    return Outcome(state, [PersonalData(t("mydata.caption"))])


def ask_forget(state: LearnerState, ctx: Context) -> Outcome:
    t = Texts(ctx.library, state.lang)
    resume = state.resume_step if state.step == Step.FORGET else state.step
    asking = state.but(step=Step.FORGET, resume_step=resume)
    buttons = (
        (
            Choice(t("forget.yes"), make("forget", "yes")),
            Choice(t("forget.no"), make("forget", "no")),
        ),
    )
    return Outcome(asking, [Message(t("forget.ask"), choices=buttons)])


def confirm_forget(state: LearnerState, ctx: Context, answer: str) -> Outcome | None:
    if state.step != Step.FORGET or answer not in ("yes", "no"):
        return None
    t = Texts(ctx.library, state.lang)
    if answer == "no":
        kept = state.but(step=state.resume_step)
        return Outcome(kept, [Message(t("forget.kept"))], settled=True)
    gone = LearnerState(chat_id=state.chat_id, language_hint=state.lang)
    return Outcome(
        gone,
        [Message(t("forget.done"), clear_shortcuts=True)],
        [ForgetLearner()],
        settled=True,
        persist=False,
    )
