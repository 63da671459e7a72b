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
    """A module of the main course, or a track: a short extra module for one target group.

    A track has `group` set and stays out of the main lesson order (its `order` is -1), so adding
    one never shifts a learner's place in the course everyone takes.
    """

    id: str
    order: int
    title: str
    summary: str
    lessons: tuple[Lesson, ...]
    group: str | None = None


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
    """Everything a learner can be taught in one language.

    `lessons` and `questions` index the main course only; the tracks, keyed by group id, keep
    their own lessons so the main order, progress and reviews stay as they were.
    """

    language: str
    modules: tuple[Module, ...]
    tips: tuple[Tip, ...] = ()
    drills: tuple[Drill, ...] = ()
    lessons: dict[str, Lesson] = field(default_factory=dict)
    questions: dict[str, Question] = field(default_factory=dict)
    tracks: dict[str, Module] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        language: str,
        modules: list[Module],
        tips: list[Tip],
        drills: list[Drill],
        tracks: list[Module] | None = None,
    ) -> Curriculum:
        ordered = tuple(sorted(modules, key=lambda module: module.order))
        lessons = {lesson.id: lesson for module in ordered for lesson in module.lessons}
        questions = {q.id: q for lesson in lessons.values() for q in lesson.questions}
        by_group = {track.group: track for track in tracks or () if track.group}
        return cls(language, ordered, tuple(tips), tuple(drills), lessons, questions, by_group)

    def track(self, group: str) -> Module | None:
        """The extra track for a target group; None for a group that has none."""
        return self.tracks.get(group)

    def tracks_as_curriculum(self) -> Curriculum:
        """The tracks as if they were a course of their own, so every check written for modules
        (same lessons, sources and right answers in each language) runs over them unchanged."""
        return Curriculum.build(self.language, list(self.tracks.values()), [], [])

    @property
    def lesson_order(self) -> tuple[str, ...]:
        return tuple(self.lessons)

    def module(self, module_id: str) -> Module:
        """The module or track a lesson belongs to (a handful of them: a scan beats a second index)."""
        for module in (*self.modules, *self.tracks.values()):
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
        """In `language`, else in Vietnamese (a partial translation has no reference names)."""
        return self.names.get(language) or self.names.get("vi") or next(iter(self.names.values()))
