"""The phrases of content/scam/lexicon.yaml, found in a message.

The same words are a request in a scam and a warning in a genuine message: "đọc mã OTP cho em"
against "không cung cấp mã OTP cho bất kỳ ai". A phrase that asks for something is therefore
dropped when a negation comes before it in its clause, or a warning ("không bao giờ yêu cầu...")
in its sentence, and some are cancelled by words in the same sentence ("cài từ CH Play"). One
match per rule is enough: a kind counts once.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from content.scam_data import Knowledge, Matcher, Rule
from flows.scam_check.normalise import Normalised
from flows.scam_check.signals import Signal, signal

# How far back a negation may stand from what it negates ("tuyệt đối không cung cấp ..."), and a
# warning from the end of the list it covers.
NEGATION_REACH = 60
WARNING_REACH = 160


@dataclass(frozen=True, slots=True)
class Context:
    """What the rest of the message holds, for the rules that need it: a link that is not
    official, and the first phone number worth calling back (as written)."""

    risky_link: bool
    phone: str


def find_phrases(text: Normalised, knowledge: Knowledge, context: Context) -> list[Signal]:
    found = []
    for rule in knowledge.rules:
        if (rule.needs == "link" and not context.risky_link) or (rule.needs == "phone" and not context.phone):
            continue
        if rule.together is not None and not any(True for _ in matches(rule.together, text)):
            continue
        span = _first_match(rule, text, knowledge)
        if span is not None:
            detail = context.phone if rule.needs == "phone" else text.quote(*span)
            found.append(signal(rule.kind, detail, knowledge))
    return found


def negated(text: Normalised, start: int, knowledge: Knowledge) -> bool:
    """Whether a negation stands before `plain[start]` in the same clause, or a warning ("không
    bao giờ yêu cầu...") in the same sentence."""
    clause = max(text.clause_start(start), start - NEGATION_REACH)
    if any(True for _ in matches(knowledge.negations, text, clause, start)):
        return True
    sentence = max(text.sentence(start, start)[0], start - WARNING_REACH)
    return any(True for _ in matches(knowledge.warnings, text, sentence, start))


def matches(
    matcher: Matcher, text: Normalised, begin: int = 0, end: int | None = None
) -> Iterator[tuple[int, int]]:
    """Spans of `plain` where a phrase of `matcher` matches, between `begin` and `end`.

    On a message with diacritics, phrases written with them are matched on the message as
    written (same length and positions as `plain`); the others on `plain`.
    """
    stop = len(text.plain) if end is None else end
    if text.has_marks:
        pairs = ((matcher.plain, text.plain), (matcher.marked, text.marked))
    else:
        pairs = ((matcher.bare, text.plain), (None, text.plain))
    for pattern, target in pairs:
        if pattern is not None:
            for match in pattern.finditer(target, begin, stop):
                yield match.span()


def _first_match(rule: Rule, text: Normalised, knowledge: Knowledge) -> tuple[int, int] | None:
    for start, end in sorted(matches(rule.phrases, text)):
        if rule.negatable and negated(text, start, knowledge):
            continue
        if rule.unless is not None:
            first, last = text.sentence(start, end)
            if any(True for _ in matches(rule.unless, text, first, last)):
                continue
        return start, end
    return None
