"""Counts of lessons, questions, tips and drills per module and language (`hocvuso content stats`)."""

from __future__ import annotations

from typing import Any

from content.model import Curriculum


def counts(curricula: dict[str, Curriculum]) -> dict[str, dict[str, Any]]:
    result: dict[str, dict[str, Any]] = {}
    for language, curriculum in sorted(curricula.items()):
        modules = {
            module.id: {
                "lessons": len(module.lessons),
                "questions": sum(len(lesson.questions) for lesson in module.lessons),
            }
            for module in curriculum.modules
        }
        result[language] = {
            "lessons": len(curriculum.lessons),
            "questions": len(curriculum.questions),
            "tips": len(curriculum.tips),
            "drills": len(curriculum.drills),
            "drills_scam": sum(d.verdict == "scam" for d in curriculum.drills),
            "drills_safe": sum(d.verdict == "safe" for d in curriculum.drills),
            "modules": modules,
        }
    return result


def table(stats: dict[str, dict[str, Any]]) -> str:
    languages = list(stats)
    module_ids = sorted({m for lang in languages for m in stats[lang]["modules"]})
    header = [
        "",
        *(f"{lang} lessons" for lang in languages),
        *(f"{lang} questions" for lang in languages),
    ]
    rows = [header]
    for module_id in module_ids:
        cells = [stats[lang]["modules"].get(module_id, {}) for lang in languages]
        rows.append(
            [
                module_id,
                *(str(c.get("lessons", 0)) for c in cells),
                *(str(c.get("questions", 0)) for c in cells),
            ]
        )
    rows.append(
        [
            "all",
            *(str(stats[lang]["lessons"]) for lang in languages),
            *(str(stats[lang]["questions"]) for lang in languages),
        ]
    )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = [
        "  ".join(
            cell.rjust(w) if i else cell.ljust(w) for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        )
        for row in rows
    ]
    lines.insert(1, "-" * len(lines[0]))
    lines.append("")
    for lang in languages:
        s = stats[lang]
        drills = f"{s['drills']} drills ({s['drills_scam']} scam, {s['drills_safe']} safe)"
        lines.append(f"{lang}: {s['tips']} tips, {drills}")
    return "\n".join(lines)
