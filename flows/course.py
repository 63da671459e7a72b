"""A learner's course: the main lessons, with the short track of their target group (the "who you
are" answer: civil servants, workers, students) right after the first module, where its
practical skills are useful early. Citizens and older adults follow the main course only.

Lesson and question ids are the same in every language; a track's lessons and questions are
found here as well as the main course's, so answering, reviewing and progress treat them alike.
"""

from __future__ import annotations

from content.library import Library
from content.model import Lesson, Module, Question


def order(library: Library, group: str | None) -> tuple[str, ...]:
    main = library.lesson_order
    track = library.tracks.get(group or "")
    if track is None:
        return main
    first = library.curriculum("vi").modules[0]
    cut = len(first.lessons)
    return (*main[:cut], *(lesson.id for lesson in track.lessons), *main[cut:])


def modules(library: Library, language: str, group: str | None) -> tuple[Module, ...]:
    """The modules the learner follows, the track second, in their language."""
    curriculum = library.curriculum(language)
    track = library.track(group or "", language)
    if track is None:
        return curriculum.modules
    return (curriculum.modules[0], track, *curriculum.modules[1:])


def lesson(library: Library, language: str, lesson_id: str) -> Lesson | None:
    curriculum = library.curriculum(language)
    found = curriculum.lessons.get(lesson_id)
    if found is not None:
        return found
    return next((x for t in curriculum.tracks.values() for x in t.lessons if x.id == lesson_id), None)


def question(library: Library, language: str, question_id: str) -> Question | None:
    curriculum = library.curriculum(language)
    found = curriculum.questions.get(question_id)
    if found is not None:
        return found
    in_tracks = (q for t in curriculum.tracks.values() for x in t.lessons for q in x.questions)
    return next((q for q in in_tracks if q.id == question_id), None)


def is_lesson(library: Library, lesson_id: str) -> bool:
    return lesson(library, "vi", lesson_id) is not None


def is_question(library: Library, question_id: str) -> bool:
    return question(library, "vi", question_id) is not None


_LESSON_IDS: dict[int, tuple[Module, frozenset[str]]] = {}


def lesson_ids(module: Module) -> frozenset[str]:
    """A module's lesson ids as a set, built once per module: progress counts what a learner
    finished in each module on every /progress, and a set intersection beats a scan."""
    cached = _LESSON_IDS.get(id(module))
    if cached is None or cached[0] is not module:
        cached = (module, frozenset(lesson.id for lesson in module.lessons))
        _LESSON_IDS[id(module)] = cached
    return cached[1]
