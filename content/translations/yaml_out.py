"""The YAML files of a translated language, in the shape of the Vietnamese ones, and back.

Only what is translated is written, with the ids, order, sources and right answers of the
Vietnamese file around it, so a file reads like its Vietnamese twin and the check compares the
two the way it compares English. In a list whose entries are translated one by one (quiz options,
red flags, signs) an untranslated entry keeps its place: an empty text, or an option with only
its `correct` mark.

`contexts_by_line` reads a written file back and tells which PO entry each line came from, so
that a problem the check finds in it is reported to the translator at the PO entry to fix.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from content.languages import REFERENCE_LANGUAGE
from content.loader import Loaded
from content.model import Drill, Lesson, Module, Question, Tip
from content.text_fields import context
from content.yaml_lines import YamlMap, read_yaml

HEADER = (
    "# Written by `hocvuso content import` from a translated PO file: do not edit it here, change the\n"
    "# PO file and import it again. What this file lacks is taught in Vietnamese.\n"
)


class _Dumper(yaml.SafeDumper):
    """Block style for texts of several lines, lists indented under their key, as editors write."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


_Dumper.add_representer(str, _text)


def dump(data: Any) -> str:
    return HEADER + yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=4096)


def language_files(loaded: Loaded, language: str, translated: Mapping[str, str]) -> dict[Path, Any]:
    """Every file `language` needs for the `translated` texts (context id to text), by its path
    relative to the content root; a file with nothing translated is not written at all."""
    base = loaded.curricula[REFERENCE_LANGUAGE]
    files: dict[Path, Any] = {}
    for module in (*base.modules, *base.tracks.values()):
        data = _module(module, translated)
        if data is not None:
            where = loaded.locations[(REFERENCE_LANGUAGE, module.id)].path
            files[_relative(loaded, where.with_name(f"{language}.yaml"))] = data
    tips = [written for tip in base.tips if (written := _tip(tip, translated)) is not None]
    if tips:
        files[Path("curriculum", "tips", f"{language}.yaml")] = {"tips": tips}
    drills = [written for drill in base.drills if (written := _drill(drill, translated)) is not None]
    if drills:
        files[Path("curriculum", "drills", f"{language}.yaml")] = {"drills": drills}
    ui = {
        key: translated[context("ui", key)]
        for key in loaded.ui[REFERENCE_LANGUAGE]
        if context("ui", key) in translated
    }
    if ui:
        files[Path("ui", f"{language}.yaml")] = ui
    return files


def _relative(loaded: Loaded, path: Path) -> Path:
    return path.relative_to(loaded.root)


def _put(data: dict[str, Any], key: str, translated: Mapping[str, str], *where: object) -> bool:
    text = translated.get(context(*where, key))
    if text:
        data[key] = text
    return bool(text)


def _list(translated: Mapping[str, str], count: int, *where: object) -> list[str] | None:
    """A list translated entry by entry, or None when no entry is."""
    items = [translated.get(context(*where, number), "") for number in range(1, count + 1)]
    return items if any(items) else None


def _module(module: Module, translated: Mapping[str, str]) -> dict[str, Any] | None:
    header: dict[str, Any] = {"id": module.id}
    if module.group:
        header["group"] = module.group
    else:
        header["order"] = module.order
    named = [_put(header, key, translated, "module", module.id) for key in ("title", "summary")]
    lessons = [written for lesson in module.lessons if (written := _lesson(lesson, translated)) is not None]
    if not any(named) and not lessons:
        return None
    return {"module": header, "lessons": lessons} if lessons else {"module": header}


def _lesson(lesson: Lesson, translated: Mapping[str, str]) -> dict[str, Any] | None:
    data: dict[str, Any] = {"id": lesson.id}
    found = _put(data, "title", translated, "lesson", lesson.id)
    data["sources"] = list(lesson.sources)
    for key in ("text", "today"):
        found = _put(data, key, translated, "lesson", lesson.id) or found
    if lesson.image:
        data["image"] = lesson.image
    if lesson.voice:
        data["voice"] = lesson.voice
    questions = [
        written for question in lesson.questions if (written := _question(question, translated)) is not None
    ]
    if questions:
        data["questions"] = questions
    return data if found or questions else None


def _question(question: Question, translated: Mapping[str, str]) -> dict[str, Any] | None:
    data: dict[str, Any] = {"id": question.id}
    found = _put(data, "question", translated, "question", question.id)
    texts = _list(translated, len(question.options), "question", question.id, "option")
    if texts is not None:
        options: list[dict[str, Any]] = []
        for text, option in zip(texts, question.options, strict=True):
            entry: dict[str, Any] = {"text": text} if text else {}
            if option.correct:
                entry["correct"] = True
            options.append(entry)
        data["options"] = options
    found = _put(data, "explanation", translated, "question", question.id) or found
    return data if found or texts is not None else None


def _tip(tip: Tip, translated: Mapping[str, str]) -> dict[str, Any] | None:
    data: dict[str, Any] = {"id": tip.id, "family": tip.family, "sources": list(tip.sources)}
    found = [_put(data, key, translated, "tip", tip.id) for key in ("title", "how")]
    flags = _list(translated, len(tip.red_flags), "tip", tip.id, "red_flag")
    if flags is not None:
        data["red_flags"] = flags
    found += [_put(data, key, translated, "tip", tip.id) for key in ("action", "report")]
    return data if any(found) or flags is not None else None


def _drill(drill: Drill, translated: Mapping[str, str]) -> dict[str, Any] | None:
    data: dict[str, Any] = {"id": drill.id, "channel": drill.channel}
    found = [_put(data, key, translated, "drill", drill.id) for key in ("sender", "message")]
    data["verdict"] = drill.verdict
    signs = _list(translated, len(drill.signs), "drill", drill.id, "sign")
    if signs is not None:
        data["signs"] = signs
    data["sources"] = list(drill.sources)
    return data if any(found) or signs is not None else None


# Which context a key of an item stands for; a key not listed (sources, correct...) stands for the
# item as a whole. Lists stand for their first entry: the loader reports a list at its key's line.
_ITEM_FIELDS = {
    "module": ("title", "summary"),
    "lesson": ("title", "text", "today"),
    "question": ("question", "explanation"),
    "tip": ("title", "how", "action", "report"),
    "drill": ("sender", "message"),
}
_ITEM_LISTS = {"options": "option", "red_flags": "red_flag", "signs": "sign"}


class LineContexts:
    """The context id each line of a written file belongs to (a line inside a block of text
    belongs to the key the block starts at)."""

    def __init__(self, pairs: list[tuple[int, str]]) -> None:
        pairs.sort()
        self._lines = [line for line, _ in pairs]
        self._contexts = [ctx for _, ctx in pairs]

    def at(self, line: int) -> str | None:
        index = bisect.bisect_right(self._lines, line) - 1
        return self._contexts[index] if index >= 0 else None


def contexts_by_line(path: Path) -> LineContexts:
    data = read_yaml(path)
    pairs: list[tuple[int, str]] = []
    if path.parent.name == "ui":
        pairs = [(data.line_of(key), context("ui", key)) for key in data]
    elif isinstance(data, YamlMap):
        if isinstance(data.get("module"), YamlMap):
            _item_lines(data["module"], "module", pairs)
        for key, kind in (("lessons", "lesson"), ("tips", "tip"), ("drills", "drill")):
            for item in data.get(key) or ():
                _item_lines(item, kind, pairs)
    return LineContexts(pairs)


def _item_lines(item: Any, kind: str, pairs: list[tuple[int, str]]) -> None:
    if not isinstance(item, YamlMap):
        return
    item_id = str(item.get("id", "?"))
    pairs.append((item.line, context(kind, item_id)))
    for key, line in item.key_lines.items():
        if key in _ITEM_FIELDS[kind]:
            pairs.append((line, context(kind, item_id, key)))
        elif key in _ITEM_LISTS:
            pairs.append((line, context(kind, item_id, _ITEM_LISTS[key], 1)))
            for number, entry in enumerate(item.get(key) or (), 1):
                if isinstance(entry, YamlMap):
                    pairs.append((entry.line, context(kind, item_id, _ITEM_LISTS[key], number)))
        elif key != "id":
            pairs.append((line, context(kind, item_id)))
    if kind == "lesson":
        for question in item.get("questions") or ():
            _item_lines(question, "question", pairs)
