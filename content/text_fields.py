"""Every translatable text of a curriculum and of the interface, each under a stable context id.

The same walk serves the PO export (one entry per field), the import (which field a translation
fills), and the check (a translated field keeps the placeholders and links of its Vietnamese
source). The context ids, such as `lesson:m1-fake-news:text` or `question:m1-fake-news-q1:option:2`,
are what keeps two identical Vietnamese sentences in different places apart in a PO file, so they
are built from ids only and never from positions in a file (except an option's or a flag's place in
its own list, which is part of what a translator translates).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from content import limits
from content.model import Curriculum, Lesson, Module, Question

HTML = "html"  # Telegram HTML: tags and entities must survive translation
PLAIN = "plain"  # quiz polls: no markup at all


@dataclass(frozen=True, slots=True)
class TextField:
    context: str
    text: str
    # The id the check reports a problem at (lesson, question, tip, drill, module) or the ui key.
    item_id: str
    kind: str
    limit: int
    # Where the text sits, in words for a translator: "option 2 of 3 (the right answer)".
    label: str
    module_title: str = ""
    lesson_title: str = ""


def context(*parts: object) -> str:
    return ":".join(str(part) for part in parts)


def curriculum_fields(curriculum: Curriculum) -> Iterator[TextField]:
    """The texts of the main course in teaching order, then the tracks, tips and drills; a field a
    partial language has not translated yet comes with an empty text."""
    for module in (*curriculum.modules, *curriculum.tracks.values()):
        yield from _module_fields(module)
    for tip in curriculum.tips:
        where = f"scam tip '{tip.title}'"
        for name in ("title", "how"):
            yield TextField(
                context("tip", tip.id, name), getattr(tip, name), tip.id, HTML, limits.TIP_CHARS, where
            )
        for number, flag in enumerate(tip.red_flags, 1):
            label = f"{where}, red flag {number} of {len(tip.red_flags)}"
            yield TextField(
                context("tip", tip.id, "red_flag", number), flag, tip.id, HTML, limits.TIP_CHARS, label
            )
        for name in ("action", "report"):
            yield TextField(
                context("tip", tip.id, name), getattr(tip, name), tip.id, HTML, limits.TIP_CHARS, where
            )
    for drill in curriculum.drills:
        where = f"spot-the-scam drill ({drill.channel}, {drill.verdict})"
        yield TextField(
            context("drill", drill.id, "sender"),
            drill.sender,
            drill.id,
            HTML,
            limits.POLL_OPTION_CHARS,
            f"{where}: the made-up sender; keep names and numbers that need no translation as they are",
        )
        yield TextField(
            context("drill", drill.id, "message"),
            drill.message,
            drill.id,
            HTML,
            limits.DRILL_MESSAGE_CHARS,
            f"{where}: the example message"
            + (" (a scammer's words: keep the tricks in it)" if drill.verdict == "scam" else ""),
        )
        for number, sign in enumerate(drill.signs, 1):
            label = f"{where}: sign {number} of {len(drill.signs)}"
            yield TextField(
                context("drill", drill.id, "sign", number), sign, drill.id, HTML, limits.TIP_CHARS, label
            )


def _module_fields(module: Module) -> Iterator[TextField]:
    kind = f"the extra track for {module.group}" if module.group else "the module"
    for name in ("title", "summary"):
        yield TextField(
            context("module", module.id, name),
            getattr(module, name),
            module.id,
            HTML,
            limits.MESSAGE_CHARS,
            f"{name} of {kind}",
            module.title,
        )
    for lesson in module.lessons:
        yield from _lesson_fields(module, lesson)


def _lesson_fields(module: Module, lesson: Lesson) -> Iterator[TextField]:
    labels = {"title": "lesson title", "text": "lesson text", "today": "the lesson's task for today"}
    for name, label in labels.items():
        yield TextField(
            context("lesson", lesson.id, name),
            getattr(lesson, name),
            lesson.id,
            HTML,
            limits.MESSAGE_CHARS,
            label,
            module.title,
            lesson.title,
        )
    for question in lesson.questions:
        yield from _question_fields(module, lesson, question)


def _question_fields(module: Module, lesson: Lesson, question: Question) -> Iterator[TextField]:
    def field(name: str, text: str, limit: int, label: str, *number: int) -> TextField:
        return TextField(
            context("question", question.id, name, *number),
            text,
            question.id,
            PLAIN,
            limit,
            label,
            module.title,
            lesson.title,
        )

    yield field("question", question.question, limits.POLL_QUESTION_CHARS, "quiz question")
    for number, option in enumerate(question.options, 1):
        right = " (the right answer: do not make it stand out, e.g. by length)" if option.correct else ""
        label = f"quiz option {number} of {len(question.options)}{right}"
        yield field("option", option.text, limits.POLL_OPTION_CHARS, label, number)
    yield field(
        "explanation", question.explanation, limits.POLL_EXPLANATION_CHARS, "explanation after the answer"
    )


def ui_fields(strings: Mapping[str, str]) -> Iterator[TextField]:
    for key, text in strings.items():
        yield TextField(context("ui", key), text, key, HTML, limits.MESSAGE_CHARS, f"interface string {key}")


def texts(curriculum: Curriculum | None, ui: Mapping[str, str] | None) -> dict[str, str]:
    """Context id to text for one language; what it has not translated is simply absent."""
    fields = [*(curriculum_fields(curriculum) if curriculum else ()), *(ui_fields(ui) if ui else ())]
    return {field.context: field.text for field in fields if field.text}
