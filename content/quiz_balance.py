"""How often the right answer of a quiz question is simply its longest option.

Writers tend to make the right option the most careful, complete-sounding one. Learners pick up
that habit within a few quizzes and then answer by length instead of by what the lesson taught, so
the quiz stops measuring anything. The check keeps the share of such questions at or under a limit;
the share per module tells editors where to rebalance.
"""

from __future__ import annotations

from dataclasses import dataclass

from content.markup import visible_length
from content.model import Curriculum, Module, Question

# Above this share of questions whose right option is strictly the longest, the check fails.
MAX_LONGEST_RIGHT = 0.40


@dataclass(frozen=True, slots=True)
class Share:
    """`longest` of `questions` quiz questions have their right option as the strictly longest."""

    longest: int = 0
    questions: int = 0

    @property
    def ratio(self) -> float:
        return self.longest / self.questions if self.questions else 0.0

    @property
    def too_high(self) -> bool:
        return self.ratio > MAX_LONGEST_RIGHT

    def __add__(self, other: Share) -> Share:
        return Share(self.longest + other.longest, self.questions + other.questions)

    def __str__(self) -> str:
        return f"{self.longest} of {self.questions} ({self.ratio:.0%})"


def right_is_longest(question: Question) -> bool:
    """True when the right option is longer than every other one; a tie gives nothing away."""
    right = question.correct_index
    if right < 0:
        return False
    lengths = [visible_length(option.text) for option in question.options]
    return all(length < lengths[right] for index, length in enumerate(lengths) if index != right)


def quiz_modules(curriculum: Curriculum) -> tuple[Module, ...]:
    """Every module that asks quiz questions: the main course and the target-group tracks."""
    return (*curriculum.modules, *curriculum.tracks.values())


def module_share(module: Module) -> Share:
    questions = [q for lesson in module.lessons for q in lesson.questions]
    return Share(sum(right_is_longest(q) for q in questions), len(questions))


def shares(curriculum: Curriculum) -> dict[str, Share]:
    """The share for each module and track, keyed by its id, in teaching order."""
    return {module.id: module_share(module) for module in quiz_modules(curriculum)}


def overall(curriculum: Curriculum) -> Share:
    return sum(shares(curriculum).values(), Share())


def too_often_longest(curriculum: Curriculum) -> list[tuple[str, str]]:
    """(module id, message) for each module to rebalance, when the language as a whole is over
    the limit. One module may lean on long right answers if the others make up for it, so nothing
    is reported while the overall share is within the limit."""
    total = overall(curriculum)
    if not total.too_high:
        return []
    return [
        (
            module_id,
            f"the right option is the longest in {share} of this module's questions; over all "
            f"{curriculum.language} quizzes it is {total}, above the {MAX_LONGEST_RIGHT:.0%} limit: "
            "make a wrong option as long, or the right one shorter",
        )
        for module_id, share in shares(curriculum).items()
        if share.too_high
    ]
