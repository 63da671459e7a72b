"""/practice: the spot-the-scam drills, one message at a time as it would arrive; the learner
says "scam" or "looks genuine", and the answer comes back with the drill's reasons and the red
flags the checker finds in it. A drill got wrong comes back later as a review."""

from __future__ import annotations

from content.markup import escape
from content.model import Drill
from flows.context import Context
from flows.effects import DrillAnswered
from flows.outcome import Outcome
from flows.replies import Choice, Message
from flows.scam_check import check
from flows.state import LearnerState
from flows.texts import Texts
from flows.tokens import make

ANSWERS = ("scam", "safe")
MAX_FLAGS = 4


def drill_of(ctx: Context, language: str, drill_id: str) -> Drill | None:
    return next((d for d in ctx.library.curriculum(language).drills if d.id == drill_id), None)


def next_drill(state: LearnerState, ctx: Context) -> Outcome:
    drills = ctx.library.curriculum(state.lang).drills
    if not drills:
        return Outcome(state, [Message(Texts(ctx.library, state.lang)("practice.none"))])
    return Outcome(state, [drill_message(state, ctx, drills[state.drills_done % len(drills)])])


def drill_message(state: LearnerState, ctx: Context, drill: Drill) -> Message:
    t = Texts(ctx.library, state.lang)
    text = t(
        "practice.drill",
        channel=t(f"practice.channel.{drill.channel}"),
        sender=escape(drill.sender),
        message=escape(drill.message.strip()),
    )
    buttons = (
        (
            Choice(t("practice.scam"), make("drill", drill.id, "scam")),
            Choice(t("practice.safe"), make("drill", drill.id, "safe")),
        ),
    )
    return Message(text, choices=buttons)


def answer(state: LearnerState, ctx: Context, drill_id: str, said: str) -> Outcome | None:
    drill = drill_of(ctx, state.lang, drill_id)
    if drill is None or said not in ANSWERS:
        return None
    t = Texts(ctx.library, state.lang)
    right = said == drill.verdict
    done = state.but(drills_done=state.drills_done + 1, drills_right=state.drills_right + right)
    parts = [
        t("practice.right") if right else t("practice.wrong"),
        t("practice.was_scam") if drill.verdict == "scam" else t("practice.was_safe"),
        t("practice.signs", signs="\n".join(f"• {escape(sign)}" for sign in drill.signs)),
    ]
    if ctx.scam is not None:
        found = check(drill.message, ctx.scam.knowledge).signals[:MAX_FLAGS]
        if found:
            flags = ", ".join(
                escape(ctx.scam.knowledge.describe(s.kind, s.detail, t.language)) for s in found
            )
            parts.append(t("practice.checker", flags=flags))
    more = ((Choice(t("practice.more"), make("practice")),),)
    effect = DrillAnswered(drill.id, right, ctx.now)
    ack = t("quiz.right_notice") if right else t("quiz.wrong_notice")
    return Outcome(done, [Message("\n\n".join(parts), choices=more)], [effect], ack=ack, settled=True)


def is_drill(ctx: Context, item_id: str) -> bool:
    return drill_of(ctx, "vi", item_id) is not None
