"""`hocvuso content check`: every problem in the content, with its file and line.

The loader reports what is wrong inside one file; this module adds what can only be seen by
comparing languages (a missing translation, a different right answer) and the curriculum as a
whole (module order with gaps, right answers that are too often the longest option), plus the
fact guards that read every text for reporting advice known to be wrong.
"""

from __future__ import annotations

import re
from pathlib import Path

from content import fact_guards, quiz_balance
from content.loader import CONTENT_ROOT, Loaded, Location, load
from content.model import Curriculum
from content.problems import Problem

REFERENCE_LANGUAGE = "vi"
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def check(root: Path = CONTENT_ROOT) -> tuple[Loaded, list[Problem]]:
    loaded = load(root)
    _check_languages(loaded)
    _check_module_order(loaded)
    _check_ui(loaded)
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
            if other == language:
                continue
            for item_id in sorted(ids[language] - ids[other]):
                _report(loaded, language, item_id, f"'{item_id}' has no translation in '{other}'")
    base = loaded.curricula.get(REFERENCE_LANGUAGE)
    if base is None:
        loaded.problems.add(loaded.root, 0, f"no curriculum in the reference language '{REFERENCE_LANGUAGE}'")
        return
    for language, curriculum in loaded.curricula.items():
        if language != REFERENCE_LANGUAGE:
            _compare(loaded, base, curriculum)
            _compare(loaded, base.tracks_as_curriculum(), curriculum.tracks_as_curriculum())


def _compare(loaded: Loaded, base: Curriculum, other: Curriculum) -> None:
    """Ids match already; here the shape that must not differ between languages is compared."""
    lang = other.language
    base_modules = {m.id: m for m in base.modules}
    for module in other.modules:
        twin = base_modules.get(module.id)
        if twin is None:
            continue
        if twin.order != module.order:
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
        if set(lesson.sources) != set(twin_lesson.sources):
            _report(
                loaded,
                lang,
                lesson.id,
                f"sources differ from {base.language}: {list(twin_lesson.sources)}",
            )
        if [q.id for q in lesson.questions] != [q.id for q in twin_lesson.questions]:
            _report(loaded, lang, lesson.id, f"questions differ from {base.language} in ids or order")
        if (lesson.image, lesson.voice) != (twin_lesson.image, twin_lesson.voice):
            _report(loaded, lang, lesson.id, f"image or voice differs from {base.language}")
    for question in other.questions.values():
        twin_question = base.questions.get(question.id)
        if twin_question is None:
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
        if twin_tip and (tip.family, set(tip.sources)) != (twin_tip.family, set(twin_tip.sources)):
            _report(loaded, lang, tip.id, f"family or sources differ from {base.language}")
    base_drills = {d.id: d for d in base.drills}
    for drill in other.drills:
        twin_drill = base_drills.get(drill.id)
        if twin_drill and (drill.verdict, drill.channel) != (
            twin_drill.verdict,
            twin_drill.channel,
        ):
            _report(loaded, lang, drill.id, f"verdict or channel differs from {base.language}")


def _check_longest_right(loaded: Loaded) -> None:
    """Reported at each module to rebalance, since that is where an editor has to work."""
    for language, curriculum in loaded.curricula.items():
        for module_id, message in quiz_balance.too_often_longest(curriculum):
            _report(loaded, language, module_id, message)


def _check_facts(loaded: Loaded) -> None:
    """The guards read the files themselves: they cover every text, in the model or not."""
    for finding in fact_guards.find(loaded.root):
        loaded.problems.add(finding.path, finding.line, finding.message)


def _check_module_order(loaded: Loaded) -> None:
    for language, curriculum in loaded.curricula.items():
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
        for key in sorted(set(base) - set(strings)):
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
            if set(_PLACEHOLDER.findall(strings[key])) != set(_PLACEHOLDER.findall(base[key])):
                where = loaded.ui_lines[(language, key)]
                loaded.problems.add(
                    where.path,
                    where.line,
                    f"ui string '{key}' uses different {{placeholders}} than '{REFERENCE_LANGUAGE}'",
                )
