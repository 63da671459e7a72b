"""The curriculum as immutable values.

Flows read these and nothing else, so they are plain frozen dataclasses: cheap to share between
coroutines and impossible to change by accident while a learner is half-way through a quiz.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Option:
    text: str
    correct: bool = False


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    question: str
    options: tuple[Option, ...]
    explanation: str

    @property
    def correct_index(self) -> int:
        """Index of the right option; the check guarantees there is exactly one."""
        for index, option in enumerate(self.options):
            if option.correct:
                return index
        return -1


@dataclass(frozen=True, slots=True)
class Lesson:
    id: str
    module_id: str
    title: str
    text: str
    today: str
    sources: tuple[str, ...]
    questions: tuple[Question, ...]
    image: str | None = None
    voice: str | None = None


@dataclass(frozen=True, slots=True)
class Module:
    id: str
    order: int
    title: str
    summary: str
    lessons: tuple[Lesson, ...]


@dataclass(frozen=True, slots=True)
class Tip:
    id: str
    family: str
    title: str
    how: str
    red_flags: tuple[str, ...]
    action: str
    report: str
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Drill:
    id: str
    channel: str
    sender: str
    message: str
    verdict: str
    signs: tuple[str, ...]
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Curriculum:
    """Everything a learner can be taught in one language."""

    language: str
    modules: tuple[Module, ...]
    tips: tuple[Tip, ...] = ()
    drills: tuple[Drill, ...] = ()
    lessons: dict[str, Lesson] = field(default_factory=dict)
    questions: dict[str, Question] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        language: str,
        modules: list[Module],
        tips: list[Tip],
        drills: list[Drill],
    ) -> Curriculum:
        ordered = tuple(sorted(modules, key=lambda module: module.order))
        lessons = {lesson.id: lesson for module in ordered for lesson in module.lessons}
        questions = {q.id: q for lesson in lessons.values() for q in lesson.questions}
        return cls(language, ordered, tuple(tips), tuple(drills), lessons, questions)

    @property
    def lesson_order(self) -> tuple[str, ...]:
        return tuple(self.lessons)

    def module(self, module_id: str) -> Module:
        """The module a lesson belongs to (a handful of modules: a scan beats a second index)."""
        for module in self.modules:
            if module.id == module_id:
                return module
        raise KeyError(module_id)


@dataclass(frozen=True, slots=True)
class Named:
    """A reference item (province, target group, reporting channel) named in every language."""

    id: str
    names: dict[str, str]
    aliases: tuple[str, ...] = ()
    extra: dict[str, object] = field(default_factory=dict)

    def name(self, language: str) -> str:
        return self.names.get(language) or next(iter(self.names.values()))
