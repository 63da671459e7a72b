"""Counts of lessons, questions, tips and drills per module and language (`hocvuso content stats`),
with the share of quiz questions whose right option is the longest, so editors can see where to
rebalance before the check fails."""

from __future__ import annotations

from typing import Any

from content import quiz_balance
from content.model import Curriculum


def counts(curricula: dict[str, Curriculum]) -> dict[str, dict[str, Any]]:
    result: dict[str, dict[str, Any]] = {}
    for language, curriculum in sorted(curricula.items()):
        every = (*curriculum.modules, *curriculum.tracks.values())
        modules = {
            module.id: {
                "lessons": len(module.lessons),
                "questions": sum(len(lesson.questions) for lesson in module.lessons),
            }
            for module in every
        }
        result[language] = {
            # the main course and the target groups' tracks
            "lessons": sum(m["lessons"] for m in modules.values()),
            "questions": sum(m["questions"] for m in modules.values()),
            "tips": len(curriculum.tips),
            "drills": len(curriculum.drills),
            "drills_scam": sum(d.verdict == "scam" for d in curriculum.drills),
            "drills_safe": sum(d.verdict == "safe" for d in curriculum.drills),
            "modules": modules,
            "longest_right": _longest_right(curriculum),
        }
    return result


def _share(share: quiz_balance.Share) -> dict[str, Any]:
    return {"longest": share.longest, "questions": share.questions, "share": round(share.ratio, 3)}


def _longest_right(curriculum: Curriculum) -> dict[str, Any]:
    """Overall and per module (tracks included), as the check counts it."""
    per_module = quiz_balance.shares(curriculum)
    return {
        **_share(sum(per_module.values(), quiz_balance.Share())),
        "limit": quiz_balance.MAX_LONGEST_RIGHT,
        "modules": {module_id: _share(share) for module_id, share in per_module.items()},
    }


def _percent(share: dict[str, Any] | None) -> str:
    return f"{share['share']:.0%}" if share and share["questions"] else "-"


def table(stats: dict[str, dict[str, Any]]) -> str:
    languages = list(stats)
    module_ids = sorted({m for lang in languages for m in stats[lang]["modules"]})
    # Tracks are counted in the share, so they get a row too (their lessons are not in the course).
    shared = {m for lang in languages for m in stats[lang]["longest_right"]["modules"]}
    module_ids += sorted(shared - set(module_ids))
    header = [
        "",
        *(f"{lang} lessons" for lang in languages),
        *(f"{lang} questions" for lang in languages),
        *(f"{lang} longest" for lang in languages),
    ]
    rows = [header]
    for module_id in module_ids:
        cells = [stats[lang]["modules"].get(module_id, {}) for lang in languages]
        shares = [stats[lang]["longest_right"]["modules"].get(module_id) or {} for lang in languages]
        rows.append(
            [
                module_id,
                *(str(c.get("lessons", "-")) for c in cells),
                *(str(c.get("questions", s.get("questions", 0))) for c, s in zip(cells, shares, strict=True)),
                *(_percent(s) for s in shares),
            ]
        )
    rows.append(
        [
            "all",
            *(str(stats[lang]["lessons"]) for lang in languages),
            *(str(stats[lang]["questions"]) for lang in languages),
            *(_percent(stats[lang]["longest_right"]) for lang in languages),
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
    for lang in languages:
        longest = stats[lang]["longest_right"]
        lines.append(
            f"{lang}: the right option is the longest in {longest['longest']} of {longest['questions']} "
            f"quiz questions ({longest['share']:.0%}; the check fails above {longest['limit']:.0%})"
        )
    return "\n".join(lines)
