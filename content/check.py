"""`hocvuso content check`: every problem in the content, with its file and line.

The loader reports what is wrong inside one file; this module adds what can only be seen by
comparing languages (a missing translation, a different right answer) and the curriculum as a
whole (module order with gaps, right answers that are too often the longest option), plus the
fact guards that read every text for reporting advice known to be wrong.

A partial language (`content.languages`) is not reported for what it lacks, since the library
falls back to Vietnamese there; what it does hold is checked like any other language: markup,
limits, placeholders and links kept from the Vietnamese text, and the same ids, sources and right
answers.
"""

from __future__ import annotations

import re
from pathlib import Path

from content import fact_guards, quiz_balance
from content.fallback import complete_curriculum
from content.languages import REFERENCE_LANGUAGE, is_partial
from content.loader import CONTENT_ROOT, Loaded, Location, load
from content.model import Curriculum
from content.problems import Problem
from content.text_fields import curriculum_fields, ui_fields

_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
_LINK = re.compile(r"""<a\s[^<>]*href=["']([^"']*)["']""", re.IGNORECASE)


def check(root: Path = CONTENT_ROOT) -> tuple[Loaded, list[Problem]]:
    loaded = load(root)
    _check_languages(loaded)
    _check_module_order(loaded)
    _check_ui(loaded)
    _check_kept_from_source(loaded)
    _check_longest_right(loaded)
    _check_facts(loaded)
    return loaded, loaded.problems.sorted()


def _at(loaded: Loaded, language: str, item_id: str) -> Location:
    return loaded.locations.get((language, item_id), Location(loaded.root, 0))


def _report(loaded: Loaded, language: str, item_id: str, message: str) -> None:
    where = _at(loaded, language, item_id)
    loaded.problems.add(where.path, where.line, message)


def _check_languages(loaded: Loaded) -> None:
    languages = sorted(set(loaded.ui) | set(loaded.curricula))
    ids = {lang: {i for (where, i) in loaded.locations if where == lang} for lang in languages}
    for language in languages:
        for other in languages:
            # Complete languages must match each other; a partial one may lack anything, but only
            # translates what the reference language has.
            if other == language or is_partial(other):
                continue
            if is_partial(language) and other != REFERENCE_LANGUAGE:
                continue
            for item_id in sorted(ids[language] - ids[other]):
                message = f"'{item_id}' has no translation in '{other}'"
                if is_partial(language):
                    message = (
                        f"'{item_id}' is not in '{other}': a translation can only translate what is there"
                    )
                _report(loaded, language, item_id, message)
    base = loaded.curricula.get(REFERENCE_LANGUAGE)
    if base is None:
        loaded.problems.add(loaded.root, 0, f"no curriculum in the reference language '{REFERENCE_LANGUAGE}'")
        return
    for language, curriculum in loaded.curricula.items():
        if language != REFERENCE_LANGUAGE:
            _compare(loaded, base, curriculum)
            _compare(loaded, base.tracks_as_curriculum(), curriculum.tracks_as_curriculum())


def _compare(loaded: Loaded, base: Curriculum, other: Curriculum) -> None:
    """Ids match already; here the shape that must not differ between languages is compared.
    A partial file may leave out what is not text; what it does write must match."""
    lang = other.language
    partial = is_partial(lang)
    base_modules = {m.id: m for m in base.modules}
    for module in other.modules:
        twin = base_modules.get(module.id)
        if twin is None:
            continue
        if twin.order != module.order and not (partial and module.order == -1):
            _report(
                loaded,
                lang,
                module.id,
                f"module order {module.order} differs from {base.language} ({twin.order})",
            )
        mine = [lesson.id for lesson in module.lessons if lesson.id in base.lessons]
        theirs = [lesson.id for lesson in twin.lessons if lesson.id in other.lessons]
        if mine != theirs:
            _report(loaded, lang, module.id, f"lessons are in a different order than in {base.language}")
    for lesson in other.lessons.values():
        twin_lesson = base.lessons.get(lesson.id)
        if twin_lesson is None:
            continue
        if set(lesson.sources) != set(twin_lesson.sources) and (lesson.sources or not partial):
            _report(
                loaded,
                lang,
                lesson.id,
                f"sources differ from {base.language}: {list(twin_lesson.sources)}",
            )
        mine = [q.id for q in lesson.questions]
        theirs = [q.id for q in twin_lesson.questions if not partial or q.id in mine]
        if mine != theirs:
            _report(loaded, lang, lesson.id, f"questions differ from {base.language} in ids or order")
        media = ((lesson.image, twin_lesson.image), (lesson.voice, twin_lesson.voice))
        if any(own != twin and (own is not None or not partial) for own, twin in media):
            _report(loaded, lang, lesson.id, f"image or voice differs from {base.language}")
    for question in other.questions.values():
        twin_question = base.questions.get(question.id)
        if twin_question is None or (partial and not question.options):
            continue
        if len(question.options) != len(twin_question.options):
            _report(
                loaded,
                lang,
                question.id,
                f"has {len(question.options)} options, {base.language} has {len(twin_question.options)}",
            )
        elif question.correct_index != twin_question.correct_index:
            _report(loaded, lang, question.id, f"the right option differs from {base.language}")
    base_tips = {t.id: t for t in base.tips}
    for tip in other.tips:
        twin_tip = base_tips.get(tip.id)
        if twin_tip and _differs(
            partial, (tip.family, twin_tip.family), (frozenset(tip.sources), frozenset(twin_tip.sources))
        ):
            _report(loaded, lang, tip.id, f"family or sources differ from {base.language}")
    base_drills = {d.id: d for d in base.drills}
    for drill in other.drills:
        twin_drill = base_drills.get(drill.id)
        if twin_drill and _differs(
            partial, (drill.verdict, twin_drill.verdict), (drill.channel, twin_drill.channel)
        ):
            _report(loaded, lang, drill.id, f"verdict or channel differs from {base.language}")


def _differs(partial: bool, *pairs: tuple[object, object]) -> bool:
    """A (translation, reference) pair differs; a partial file's empty value is just left out."""
    return any(own != twin and (bool(own) or not partial) for own, twin in pairs)


def _check_longest_right(loaded: Loaded) -> None:
    """Reported at each module to rebalance, since that is where an editor has to work. A partial
    language is counted as learners get it, with the Vietnamese quizzes it falls back to."""
    base = loaded.curricula.get(REFERENCE_LANGUAGE)
    for language, curriculum in loaded.curricula.items():
        taught = complete_curriculum(base, curriculum) if base and is_partial(language) else curriculum
        for module_id, message in quiz_balance.too_often_longest(taught):
            where = language if (language, module_id) in loaded.locations else REFERENCE_LANGUAGE
            _report(loaded, where, module_id, message)


def _check_facts(loaded: Loaded) -> None:
    """The guards read the files themselves: they cover every text, in the model or not."""
    for finding in fact_guards.find(loaded.root):
        loaded.problems.add(finding.path, finding.line, finding.message)


def _check_module_order(loaded: Loaded) -> None:
    for language, curriculum in loaded.curricula.items():
        if is_partial(language):
            continue  # its modules take their order from the reference (compared in _compare)
        orders = [module.order for module in curriculum.modules]
        if orders != list(range(len(orders))):
            where = (
                _at(loaded, language, curriculum.modules[0].id)
                if curriculum.modules
                else Location(loaded.root, 0)
            )
            loaded.problems.add(
                where.path,
                where.line,
                f"module orders {orders} must run 0, 1, 2 ... with no gaps or repeats ({language})",
            )


def _check_ui(loaded: Loaded) -> None:
    base = loaded.ui.get(REFERENCE_LANGUAGE, {})
    for language, strings in loaded.ui.items():
        for key in sorted(set(base) - set(strings) if not is_partial(language) else ()):
            where = loaded.ui_lines[(REFERENCE_LANGUAGE, key)]
            loaded.problems.add(
                where.path, where.line, f"ui string '{key}' has no translation in '{language}'"
            )
        for key in sorted(set(strings) - set(base)):
            where = loaded.ui_lines[(language, key)]
            loaded.problems.add(
                where.path,
                where.line,
                f"ui string '{key}' has no translation in '{REFERENCE_LANGUAGE}'",
            )
        for key in sorted(set(strings) & set(base)):
            mine, theirs = _placeholders(strings[key]), _placeholders(base[key])
            if mine != theirs:
                where = loaded.ui_lines[(language, key)]
                loaded.problems.add(
                    where.path,
                    where.line,
                    f"ui string '{key}' uses different {{placeholders}} than '{REFERENCE_LANGUAGE}': "
                    f"{_listed(mine)} instead of {_listed(theirs)}; keep them exactly as they are",
                )


def _placeholders(text: str) -> set[str]:
    return set(_PLACEHOLDER.findall(text))


def _listed(names: set[str]) -> str:
    return ", ".join(f"{{{name}}}" for name in sorted(names)) or "none"


def _check_kept_from_source(loaded: Loaded) -> None:
    """A translated text keeps what the bot or the learner relies on, whatever the words: the
    {placeholders} the bot fills in (interface strings are compared in `_check_ui`), and the
    addresses it links to, so a translation can never send a learner somewhere else."""
    base = loaded.curricula.get(REFERENCE_LANGUAGE)
    base_fields = {f.context: f for f in curriculum_fields(base)} if base else {}
    base_fields |= {f.context: f for f in ui_fields(loaded.ui.get(REFERENCE_LANGUAGE, {}))}
    languages = (set(loaded.curricula) | set(loaded.ui)) - {REFERENCE_LANGUAGE}
    for language in sorted(languages):
        curriculum = loaded.curricula.get(language)
        fields = [
            *(curriculum_fields(curriculum) if curriculum else ()),
            *ui_fields(loaded.ui.get(language, {})),
        ]
        for field in fields:
            twin = base_fields.get(field.context)
            if twin is None or not field.text:
                continue
            problems = []
            is_ui = field.context.startswith("ui:")
            if not is_ui and _placeholders(field.text) != _placeholders(twin.text):
                problems.append(
                    f"uses {_listed(_placeholders(field.text))} where '{REFERENCE_LANGUAGE}' has "
                    f"{_listed(_placeholders(twin.text))}: keep {{placeholders}} exactly as they are"
                )
            if sorted(_LINK.findall(field.text)) != sorted(_LINK.findall(twin.text)):
                problems.append(f"links to other addresses than '{REFERENCE_LANGUAGE}': keep every href")
            where = (
                loaded.ui_lines.get((language, field.item_id))
                if is_ui
                else loaded.locations.get((language, field.item_id))
            ) or Location(loaded.root, 0)
            for problem in problems:
                loaded.problems.add(where.path, where.line, f"{field.context}: {problem}")
