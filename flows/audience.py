"""Who the bot may write to on its own initiative. One rule, kept as data so the flows test it
on one learner and the store turns it into SQL for a tick over a million (`store.learners`)."""

from __future__ import annotations

from flows.state import LearnerState

# Learners the bot may write to at all: they have not blocked it and have not said /stop.
REACHABLE: dict[str, bool] = {"active": True, "paused": False}
# Who gets daily lessons, tips, reminders and reviews: the reachable who finished setting up.
WANTS_MESSAGES: dict[str, bool] = {**REACHABLE, "onboarded": True}


def matches(state: LearnerState, rule: dict[str, bool]) -> bool:
    return all(getattr(state, field) is wanted for field, wanted in rule.items())


def wants_messages(state: LearnerState) -> bool:
    return matches(state, WANTS_MESSAGES)
