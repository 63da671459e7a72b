"""A partial translation made whole with the Vietnamese content, so flows never meet a gap.

The unit that falls back is what a learner reads in one go: a lesson together with its quiz, a
scam tip, a drill. A lesson with any field or question not translated is served in Vietnamese as
a whole, rather than a translated lesson followed by a quiz half in Vietnamese. Module titles and
summaries, and interface strings, stand alone and fall back one by one.

What is not text (ids, order, sources, which option is right, pictures) always comes from the
Vietnamese content: the check reports a translation whose copy of these differs, and until it is
fixed the learner still gets the right answer marked right.
"""

from __future__ import annotations

from collections.abc import Mapping

from content.languages import REFERENCE_LANGUAGE, offered
from content.model import Curriculum, Drill, Lesson, Module, Option, Question, Tip


def complete_curricula(curricula: Mapping[str, Curriculum]) -> dict[str, Curriculum]:
    """Every language's curriculum with what it lacks taken from the reference language."""
    base = curricula.get(REFERENCE_LANGUAGE)
    if base is None:
        return dict(curricula)
    return {language: complete_curriculum(base, own) for language, own in curricula.items()}


def complete_curriculum(base: Curriculum, own: Curriculum) -> Curriculum:
    if own is base:
        return base
    own_lessons = {
        lesson.id: lesson for module in (*own.modules, *own.tracks.values()) for lesson in module.lessons
    }
    own_modules = {module.id: module for module in (*own.modules, *own.tracks.values())}
    tips = {tip.id: tip for tip in own.tips}
    drills = {drill.id: drill for drill in own.drills}
    return Curriculum.build(
        own.language,
        [_module(module, own_modules.get(module.id), own_lessons) for module in base.modules],
        [_tip(tip, tips.get(tip.id)) for tip in base.tips],
        [_drill(drill, drills.get(drill.id)) for drill in base.drills],
        [_module(track, own_modules.get(track.id), own_lessons) for track in base.tracks.values()],
    )


def _module(base: Module, own: Module | None, lessons: Mapping[str, Lesson]) -> Module:
    return Module(
        base.id,
        base.order,
        (own and own.title) or base.title,
        (own and own.summary) or base.summary,
        tuple(_lesson(lesson, lessons.get(lesson.id)) for lesson in base.lessons),
        base.group,
    )


def _lesson(base: Lesson, own: Lesson | None) -> Lesson:
    if own is None or not (own.title and own.text and own.today):
        return base
    translated = {question.id: question for question in own.questions}
    questions = []
    for question in base.questions:
        mine = _question(question, translated.get(question.id))
        if mine is None:
            return base
        questions.append(mine)
    return Lesson(
        base.id,
        base.module_id,
        own.title,
        own.text,
        own.today,
        base.sources,
        tuple(questions),
        base.image,
        base.voice,
    )


def _question(base: Question, own: Question | None) -> Question | None:
    """The translated question with the reference's right answer, or None when any text is missing."""
    if own is None or not (own.question and own.explanation) or not _all(own.options, base.options):
        return None
    options = tuple(
        Option(mine.text, theirs.correct) for mine, theirs in zip(own.options, base.options, strict=True)
    )
    return Question(base.id, own.question, options, own.explanation)


def _all(own: tuple[Option, ...] | tuple[str, ...], base: tuple[Option, ...] | tuple[str, ...]) -> bool:
    """Every entry of a list translated, in the same number as the reference has."""
    return len(own) == len(base) and all(item.text if isinstance(item, Option) else item for item in own)


def _tip(base: Tip, own: Tip | None) -> Tip:
    if own is None or not (own.title and own.how and own.action and own.report):
        return base
    if not _all(own.red_flags, base.red_flags):
        return base
    return Tip(base.id, base.family, own.title, own.how, own.red_flags, own.action, own.report, base.sources)


def _drill(base: Drill, own: Drill | None) -> Drill:
    if own is None or not (own.sender and own.message) or not _all(own.signs, base.signs):
        return base
    return Drill(base.id, base.channel, own.sender, own.message, base.verdict, own.signs, base.sources)


def complete_ui(ui: Mapping[str, Mapping[str, str]]) -> dict[str, dict[str, str]]:
    """Each language's interface strings over the reference ones, key by key.

    The language question lets a learner type any language's name in any language
    (`language.<code>`); a language offered after the reference and English files were written
    has no such name in them, so it is named there by its own name for itself.
    """
    base = ui.get(REFERENCE_LANGUAGE, {})
    languages = offered(ui)
    complete: dict[str, dict[str, str]] = {}
    for language, strings in ui.items():
        merged = {**base, **{key: text for key, text in strings.items() if text}}
        for code in languages:
            merged.setdefault(f"language.{code}", ui[code]["language.name"])
        complete[language] = merged
    return complete
