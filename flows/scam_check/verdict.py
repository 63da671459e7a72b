"""`check`: from a message to a traffic light and the signs behind it.

The score is the sum of the weights of the signs found, each kind counted once: a scam piles up
signs (a look-alike link, a threat, a deadline), while a genuine message has one or two weak ones
(an amount, "hôm nay"). The red and yellow thresholds are chosen on the labelled set so that
genuine messages that look alarming stay below red (docs/scam-check.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from content.scam_data import Knowledge, Thresholds
from flows.scam_check.domains import judge
from flows.scam_check.lexicon import Context, find_phrases, negated
from flows.scam_check.links import apk_names, find_links
from flows.scam_check.memory import Memory, Remembered
from flows.scam_check.normalise import Normalised, normalise
from flows.scam_check.numbers import find_numbers
from flows.scam_check.signals import LINK_KINDS, Signal, signal

Light = Literal["red", "yellow", "green"]

# Longer than any chat message; the rest of a pasted book adds nothing but time.
MAX_CHARS = 20_000


@dataclass(frozen=True, slots=True)
class Verdict:
    """`signals`: every sign behind the light, strongest first, one per kind. `remembered` is set
    when a confirmed message decided the light instead of the signs."""

    light: Light
    score: float
    signals: tuple[Signal, ...]
    remembered: Remembered | None = None


def check(text: str, knowledge: Knowledge, memory: Memory | None = None) -> Verdict:
    message = normalise(text[:MAX_CHARS], knowledge)
    found = [*_link_signals(message, knowledge), *_number_signals(message, knowledge)]
    phone = next((s.detail for s in found if s.kind in ("phone_number", "unusual_number")), "")
    context = Context(risky_link=any(s.kind in LINK_KINDS for s in found), phone=phone)
    found.extend(find_phrases(message, knowledge, context))
    signals = _one_per_kind(found)
    score = round(sum(s.weight for s in signals), 3)
    light = light_for(score, knowledge.thresholds)
    remembered = memory.match(text[:MAX_CHARS]) if memory is not None else None
    if remembered is not None:
        if remembered.verdict == "scam":
            light = "red"
        elif any(s.kind in LINK_KINDS for s in signals):
            # A copy of a genuine message with its link changed is the oldest trick there is:
            # the memory may only clear a message whose links are not suspicious.
            remembered = None
        else:
            light = "green"
    return Verdict(light, score, signals, remembered)


def light_for(score: float, thresholds: Thresholds) -> Light:
    if score >= thresholds.red:
        return "red"
    if score >= thresholds.yellow:
        return "yellow"
    return "green"


def _link_signals(message: Normalised, knowledge: Knowledge) -> list[Signal]:
    found: list[Signal] = []
    for link in find_links(message, knowledge):
        found.extend(signal(kind, detail, knowledge) for kind, detail in judge(link.host, knowledge))
        if link.apk:
            found.append(signal("apk_link", link.apk, knowledge))
    for start, name in apk_names(message):
        if not negated(message, message.plain_index(start), knowledge):
            found.append(signal("apk_link", name, knowledge))
    return found


def _number_signals(message: Normalised, knowledge: Knowledge) -> list[Signal]:
    return [
        signal(number.kind, message.quote(number.start, number.end), knowledge)
        for number in find_numbers(message, knowledge)
    ]


def _one_per_kind(found: list[Signal]) -> tuple[Signal, ...]:
    """The first signal of each kind (the first link, the first amount), strongest kinds first."""
    first: dict[str, Signal] = {}
    for found_signal in found:
        first.setdefault(found_signal.kind, found_signal)
    return tuple(sorted(first.values(), key=lambda s: (-s.weight, s.kind)))
