"""Choosing the thresholds on labelled messages instead of by eye.

Red must be right: a learner told "this is a scam" about her bank's real OTP text learns to
ignore the checker. So the red threshold maximises F1 for "scam" among the thresholds that turn
no hard genuine message red (an OTP text with its warning, an urgent notice with the real
.gov.vn link, a son asking for his school fees). Yellow only says "be careful, ask someone", so
it leans to catching scams: it maximises F2 (recall weighted four times precision) for "red or
yellow". Each threshold tried lies halfway between two neighbouring scores; where several score
the same, the one in the widest gap wins, so a message scoring a little differently tomorrow is
least likely to flip the light.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise


@dataclass(frozen=True, slots=True)
class Scored:
    score: float
    scam: bool
    hard: bool = False


@dataclass(frozen=True, slots=True)
class Cut:
    """How a threshold splits the labelled messages (a message at or above it is flagged)."""

    threshold: float
    flagged_scams: int
    scams: int
    false_flags: int
    hard_false_flags: int
    margin: float = 0.0  # the gap between the scores on either side of the threshold

    @property
    def precision(self) -> float:
        flagged = self.flagged_scams + self.false_flags
        return self.flagged_scams / flagged if flagged else 1.0

    @property
    def recall(self) -> float:
        return self.flagged_scams / self.scams if self.scams else 1.0

    def f_beta(self, beta: float) -> float:
        p, r = self.precision, self.recall
        return (1 + beta * beta) * p * r / (beta * beta * p + r) if p + r else 0.0


def cuts(scored: Sequence[Scored]) -> list[Cut]:
    """Every threshold worth trying: halfway between each two neighbouring scores, and above
    the highest, lowest first."""
    scores = sorted({s.score for s in scored})
    gaps = [((a + b) / 2, b - a) for a, b in pairwise(scores)]
    gaps.append((scores[-1] + 0.5, 1.0) if scores else (1.0, 1.0))
    return [cut_at(round(threshold, 4), scored, margin) for threshold, margin in gaps]


def cut_at(threshold: float, scored: Sequence[Scored], margin: float = 0.0) -> Cut:
    flagged = [s for s in scored if s.score >= threshold]
    return Cut(
        threshold,
        sum(s.scam for s in flagged),
        sum(s.scam for s in scored),
        sum(not s.scam for s in flagged),
        sum(not s.scam and s.hard for s in flagged),
        margin,
    )


def choose_red(scored: Sequence[Scored], hard_false_allowed: int = 0) -> Cut:
    """The red threshold: best F1 among those that turn at most `hard_false_allowed` hard
    genuine messages red."""
    allowed = [c for c in cuts(scored) if c.hard_false_flags <= hard_false_allowed]
    return _best(allowed, lambda c: c.f_beta(1.0))


def choose_yellow(scored: Sequence[Scored], red: float) -> Cut:
    """The yellow threshold, below red: best F2 for "red or yellow"."""
    below = [c for c in cuts(scored) if c.threshold < red]
    return _best(below, lambda c: c.f_beta(2.0)) if below else cut_at(red, scored)


def choose_similarity(copies: Sequence[float], others: Sequence[float]) -> float:
    """The memory threshold: halfway between the closest two different messages (`others`)
    and the farthest copy (`copies`) when they do not overlap; else the best F1 for "copy"."""
    if not copies:
        return 1.0
    if not others or max(others) < min(copies):
        top = max(others) if others else 0.0
        return round((top + min(copies)) / 2, 3)
    scored = [Scored(s, True) for s in copies] + [Scored(s, False) for s in others]
    return round(_best(cuts(scored), lambda c: c.f_beta(1.0)).threshold, 3)


def _best(candidates: list[Cut], objective: Callable[[Cut], float]) -> Cut:
    """The cut with the best objective; among equals, the one in the widest gap between scores."""
    if not candidates:
        raise ValueError("no threshold meets the constraint")
    return max(candidates, key=lambda c: (round(objective(c), 9), c.margin, -c.threshold))
