"""What the checker can find in a message: one `Signal` per sign.

Signals about links and numbers are found by code (links.py, domains.py, numbers.py); all the
others come from the phrases in content/scam/lexicon.yaml, so their kinds are whatever the data
names. Every kind has a label and a lesson in content/scam/signals.yaml.
"""

from __future__ import annotations

from dataclasses import dataclass

from content.scam_data import Knowledge

LINK_KINDS = (
    "lookalike_domain",
    "confusable_domain",
    "brand_in_subdomain",
    "apk_link",
    "ip_link",
    "shortener",
    "unusual_tld",
    "unknown_link",
)
NUMBER_KINDS = ("unusual_number", "phone_number", "bank_account", "money_amount")


@dataclass(frozen=True, slots=True)
class Signal:
    """One sign of a scam. `kind` is a stable id (a key of signals.yaml); `detail` is what was
    found: the imitated site, a domain, a number, or a few quoted words, never the message."""

    kind: str
    detail: str
    weight: float


def emitted_kinds(knowledge: Knowledge) -> frozenset[str]:
    """Every kind `check` can put in a verdict with this knowledge."""
    return frozenset((*LINK_KINDS, *NUMBER_KINDS, *(rule.kind for rule in knowledge.rules)))


def signal(kind: str, detail: str, knowledge: Knowledge) -> Signal:
    """A signal weighed as signals.yaml says (a kind without a weight there weighs nothing, and a
    test keeps that from happening)."""
    label = knowledge.labels.get(kind)
    return Signal(kind, detail, label.weight if label else 0.0)
