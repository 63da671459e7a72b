""" "Is this a scam?": a forwarded or pasted message gets a traffic light first (🔴 🟡 🟢), the
red flags behind it in plain words with the lesson that teaches each, what to do now, and two
choices: report it to the admins, or learn to check for oneself.

The checked text is kept by the host for a few minutes only (`Outcome.hold`), outside the
database and the logs, so that "report" can still send it; a report strips the reporter's phone
numbers and name before it is stored.
"""

from __future__ import annotations

import re

from content.markup import escape
from flows import course
from flows.context import Context
from flows.effects import ReportFiled
from flows.outcome import Outcome
from flows.replies import Choice, Message
from flows.scam_check import Verdict, check
from flows.state import LearnerState, Step
from flows.texts import Texts
from flows.tokens import make

MAX_FLAGS = 5
PHONE = re.compile(r"(?<!\d)(?:\+?84|0)(?:[\s.\-]?\d){8,10}(?!\d)")


def ask(state: LearnerState, ctx: Context) -> Outcome:
    t = Texts(ctx.library, state.lang)
    resume = state.resume_step if state.step == Step.CHECK else state.step
    return Outcome(state.but(step=Step.CHECK, resume_step=resume), [Message(t("check.ask"))])


def check_message(state: LearnerState, ctx: Context, text: str) -> Outcome:
    """The verdict on `text`; a person waiting on /check is back where they were."""
    t = Texts(ctx.library, state.lang)
    after = state.but(step=state.resume_step) if state.step == Step.CHECK else state
    if not text.strip() or ctx.scam is None:
        return Outcome(after, [Message(t("check.nothing"))])
    verdict = check(text, ctx.scam.knowledge, ctx.scam.memory)
    buttons = (
        (Choice(t("check.button_report"), make("report", "ask")),),
        (Choice(t("check.button_how"), make("howcheck")),),
    )
    return Outcome(after, [Message(verdict_text(t, ctx, verdict), choices=buttons)], hold=text)


def verdict_text(t: Texts, ctx: Context, verdict: Verdict) -> str:
    """The traffic light comes first: it is the one thing everyone must see."""
    parts = [t(f"check.{verdict.light}")]
    remembered = verdict.remembered
    if remembered is not None:
        key = "check.remembered_scam" if remembered.verdict == "scam" else "check.remembered_safe"
        parts.append(t(key, reports=remembered.reports))
    flags = [_flag_line(t, ctx, s.kind, s.detail) for s in verdict.signals[:MAX_FLAGS]]
    if flags and verdict.light != "green":
        parts.append(t("check.flags", flags="\n".join(flags)))
    if verdict.light != "green":
        parts.append(t("check.what_now"))
    return "\n\n".join(parts)


def _flag_line(t: Texts, ctx: Context, kind: str, detail: str) -> str:
    assert ctx.scam is not None
    words = escape(ctx.scam.knowledge.describe(kind, detail, t.language))
    label = ctx.scam.knowledge.labels.get(kind)
    lesson = course.lesson(ctx.library, t.language, label.lesson) if label and label.lesson else None
    return (
        t("check.flag_with_lesson", flag=words, lesson=escape(lesson.title))
        if lesson
        else t("check.flag", flag=words)
    )


def how_to_check(state: LearnerState, ctx: Context) -> Outcome:
    return Outcome(state, [Message(Texts(ctx.library, state.lang)("check.how"))])


def ask_report(state: LearnerState, ctx: Context) -> Outcome:
    """One line of consent before anything is stored."""
    t = Texts(ctx.library, state.lang)
    if ctx.held is None:
        return Outcome(state, [Message(t("report.gone"))])
    buttons = (
        (Choice(t("report.send"), make("report", "send")), Choice(t("report.cancel"), make("report", "no"))),
    )
    return Outcome(state, [Message(t("report.consent"), choices=buttons)], settled=True)


def send_report(state: LearnerState, ctx: Context) -> Outcome:
    t = Texts(ctx.library, state.lang)
    if ctx.held is None or ctx.scam is None:
        return Outcome(state, [Message(t("report.gone"))], settled=True)
    verdict = check(ctx.held, ctx.scam.knowledge, ctx.scam.memory)
    text = redact(ctx.held, [ctx.display_name] if ctx.display_name else [])
    kinds = tuple(s.kind for s in verdict.signals)
    report = ReportFiled(text, verdict.light, kinds, ctx.now)
    return Outcome(state, [Message(t("report.sent"))], [report], settled=True)


def cancel_report(state: LearnerState, ctx: Context) -> Outcome:
    return Outcome(state, [Message(Texts(ctx.library, state.lang)("report.cancelled"))], settled=True)


def redact(text: str, names: list[str]) -> str:
    """The reporter's phone numbers and name out of a message before it is kept: the scam's own
    links and wording are what admins need, not who received it."""
    cleaned = PHONE.sub("[số điện thoại]", text)
    for name in names:
        for word in {w for w in name.split() if len(w) > 1}:
            cleaned = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", "[tên]", cleaned, flags=re.IGNORECASE)
    return cleaned
