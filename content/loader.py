"""Reads the curriculum, interface strings and reference data from YAML, reporting every problem.

Problems about one item in one file (a missing field, a text over Telegram's limit, a question
without exactly one right answer, broken markup) are found here, where the line is known.
Comparisons between languages live in `content.check`.

A file of a partial language (see `content.languages`) is read with the same checks on what it
holds (markup, limits, ids, sources), but a text or a list it leaves out is no problem: it has not
been translated yet, and the library serves the Vietnamese one instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from content import limits
from content.fields import Fields
from content.languages import COMPLETE_LANGUAGES, is_partial
from content.markup import has_markup, markup_problems, visible_length
from content.model import Curriculum, Drill, Lesson, Module, Named, Option, Question, Tip
from content.problems import Problems
from content.yaml_lines import YamlError, read_yaml

CONTENT_ROOT = Path(__file__).resolve().parent


@dataclass(frozen=True, slots=True)
class Location:
    path: Path
    line: int


@dataclass
class Loaded:
    """What the loader read, where each id came from, and what was wrong."""

    root: Path
    problems: Problems
    curricula: dict[str, Curriculum] = field(default_factory=dict)
    ui: dict[str, dict[str, str]] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    provinces: tuple[Named, ...] = ()
    groups: tuple[Named, ...] = ()
    reporting: tuple[Named, ...] = ()
    locations: dict[tuple[str, str], Location] = field(default_factory=dict)
    ui_lines: dict[tuple[str, str], Location] = field(default_factory=dict)


def load(root: Path = CONTENT_ROOT) -> Loaded:
    loaded = Loaded(root, Problems(root))
    curriculum_dir = root / "curriculum"
    loaded.sources = _read_sources(curriculum_dir / "sources.yaml", loaded)
    languages = sorted(p.stem for p in (root / "ui").glob("*.yaml"))
    for language in languages:
        loaded.ui[language] = _read_ui(root / "ui" / f"{language}.yaml", language, loaded)
    # Reference data first: a track names its target group, which must exist.
    reference = curriculum_dir / "reference"
    loaded.provinces = _read_named(reference / "provinces.yaml", "provinces", loaded)
    loaded.groups = _read_named(reference / "groups.yaml", "groups", loaded)
    loaded.reporting = _read_named(reference / "reporting.yaml", "channels", loaded)
    modules: dict[str, list[Module]] = {lang: [] for lang in languages}
    for module_dir in sorted(p for p in (curriculum_dir / "modules").glob("*") if p.is_dir()):
        for path in sorted(module_dir.glob("*.yaml")):
            module = _read_module(path, loaded)
            if module is not None:
                modules.setdefault(path.stem, []).append(module)
    tracks = _read_tracks(curriculum_dir / "tracks", loaded)
    tips = {p.stem: _read_tips(p, loaded) for p in sorted((curriculum_dir / "tips").glob("*.yaml"))}
    drills = {p.stem: _read_drills(p, loaded) for p in sorted((curriculum_dir / "drills").glob("*.yaml"))}
    for language in sorted(set(modules) | set(tracks) | set(tips) | set(drills)):
        loaded.curricula[language] = Curriculum.build(
            language,
            modules.get(language, []),
            tips.get(language, []),
            drills.get(language, []),
            tracks.get(language, []),
        )
    return loaded


def _parse(path: Path, loaded: Loaded) -> Any:
    if not path.exists():
        loaded.problems.add(path, 0, "file is missing")
        return None
    try:
        return read_yaml(path)
    except YamlError as error:
        loaded.problems.add(path, error.line, error.message)
        return None


def _remember(loaded: Loaded, language: str, item_id: str, path: Path, line: int) -> None:
    if not item_id:
        return
    key = (language, item_id)
    if key in loaded.locations:
        first = loaded.locations[key]
        loaded.problems.add(path, line, f"duplicate id '{item_id}' (first at {first.path.name}:{first.line})")
    else:
        loaded.locations[key] = Location(path, line)


def _check_html(fields: Fields, key: str, value: str, limit: int) -> None:
    for problem in markup_problems(value):
        fields.report(key, problem)
    if visible_length(value) > limit:
        fields.report(key, f"'{key}' is {visible_length(value)} characters, over the limit of {limit}")


def _check_plain(fields: Fields, key: str, value: str, limit: int) -> None:
    if has_markup(value):
        fields.report(key, f"'{key}' is plain text (it goes into quiz polls): remove tags and entities")
    if len(value) > limit:
        fields.report(key, f"'{key}' is {len(value)} characters, over the limit of {limit}")


def _check_sources(fields: Fields, sources: tuple[str, ...], loaded: Loaded, required: bool = True) -> None:
    if required and not sources:
        fields.report("sources", "cite at least one source id")
    for source in sources:
        if source not in loaded.sources:
            fields.report("sources", f"unknown source id '{source}' (see curriculum/sources.yaml)")


def _read_sources(path: Path, loaded: Loaded) -> dict[str, str]:
    data = _parse(path, loaded)
    fields = Fields(data, path, loaded.problems, "sources")
    table = fields.data.get("sources")
    if not isinstance(table, dict):
        fields.report("sources", "expected 'sources:' mapping id to description")
        return {}
    return {str(key): str(value) for key, value in table.items()}


def _read_ui(path: Path, language: str, loaded: Loaded) -> dict[str, str]:
    data = _parse(path, loaded)
    fields = Fields(data, path, loaded.problems, f"ui {language}")
    strings: dict[str, str] = {}
    for key in fields.data:
        value = fields.text(key)
        _check_html(fields, key, value, limits.MESSAGE_CHARS)
        strings[key] = value
        loaded.ui_lines[(language, key)] = Location(path, fields.line_of(key))
    return strings


def _read_module(path: Path, loaded: Loaded, track: bool = False) -> Module | None:
    data = _parse(path, loaded)
    if data is None:
        return None
    language = path.stem
    complete = not is_partial(language)
    top = Fields(data, path, loaded.problems, "file")
    header = top.sub("module")
    module_id = header.identifier()
    _remember(loaded, language, module_id, path, header.line)
    group = None
    if track:
        # A partial track file may leave out its group: the folder names it.
        group = _track_group(header, path, loaded) if complete or "group" in header.data else path.parent.name
    lessons = [_read_lesson(item, path, module_id, loaded) for item in top.items("lessons", complete)]
    if not lessons and complete:
        top.report("lessons", "a module needs at least one lesson")
    # A partial file may leave out the order; -1 then, and the library takes the reference's.
    order = -1 if track or not (complete or "order" in header.data) else header.integer("order")
    return Module(
        module_id,
        order,
        header.text("title", complete),
        header.text("summary", complete),
        tuple(lessons),
        group,
    )


def _read_tracks(tracks_dir: Path, loaded: Loaded) -> dict[str, list[Module]]:
    """One extra track per target group, in `tracks/<group-id>/<language>.yaml`, by language.

    A track is read like a module, so ids, limits, sources and translations are checked the same
    way, but it has no `order`: it sits beside the main course, not in it.
    """
    tracks: dict[str, list[Module]] = {}
    for track_dir in sorted(p for p in tracks_dir.glob("*") if p.is_dir()):
        for path in sorted(track_dir.glob("*.yaml")):
            track = _read_module(path, loaded, track=True)
            if track is not None:
                tracks.setdefault(path.stem, []).append(track)
    return tracks


def _track_group(header: Fields, path: Path, loaded: Loaded) -> str:
    """The group a track is for: it must be a known group, and the folder is named after it, which
    also keeps any group from having two tracks."""
    group = header.identifier("group")
    if group and group not in {known.id for known in loaded.groups}:
        header.report("group", f"unknown group '{group}' (see curriculum/reference/groups.yaml)")
    if group and group != path.parent.name:
        header.report("group", f"the track for '{group}' belongs in tracks/{group}/")
    return group


def _read_lesson(item: Any, path: Path, module_id: str, loaded: Loaded) -> Lesson:
    fields = Fields(item, path, loaded.problems, "lesson")
    complete = not is_partial(path.stem)
    lesson_id = fields.identifier()
    fields.where = f"lesson {lesson_id or '?'}"
    _remember(loaded, path.stem, lesson_id, path, fields.line)
    if lesson_id and module_id and not lesson_id.startswith(f"{module_id}-"):
        fields.report("id", f"lesson id must start with its module id '{module_id}-'")
    title, text, today = (fields.text(key, complete) for key in ("title", "text", "today"))
    for key, value in (("title", title), ("text", text), ("today", today)):
        _check_html(fields, key, value, limits.MESSAGE_CHARS)
    total = sum(visible_length(v) for v in (title, text, today)) + limits.LESSON_FRAME_CHARS
    if total > limits.MESSAGE_CHARS:
        fields.report("text", f"the lesson message would be {total} characters, over {limits.MESSAGE_CHARS}")
    sources = fields.texts("sources", complete)
    _check_sources(fields, sources, loaded, complete)
    image, voice = fields.optional_text("image"), fields.optional_text("voice")
    for key, media in (("image", image), ("voice", voice)):
        if media and not (loaded.root / "media" / media).is_file():
            fields.report(key, f"media file content/media/{media} does not exist")
    questions = tuple(_read_question(q, path, loaded) for q in fields.items("questions", complete))
    if complete and len(questions) < limits.MIN_QUESTIONS_PER_LESSON:
        fields.report("questions", f"a lesson needs at least {limits.MIN_QUESTIONS_PER_LESSON} questions")
    return Lesson(lesson_id, module_id, title, text, today, sources, questions, image, voice)


def _read_question(item: Any, path: Path, loaded: Loaded) -> Question:
    fields = Fields(item, path, loaded.problems, "question")
    complete = not is_partial(path.stem)
    question_id = fields.identifier()
    fields.where = f"question {question_id or '?'}"
    _remember(loaded, path.stem, question_id, path, fields.line)
    question = fields.text("question", complete)
    _check_plain(fields, "question", question, limits.POLL_QUESTION_CHARS)
    explanation = fields.text("explanation", complete)
    _check_plain(fields, "explanation", explanation, limits.POLL_EXPLANATION_CHARS)
    options = []
    for raw in fields.items("options", complete):
        option = Fields(
            raw, path, loaded.problems, f"question {question_id} option", fields.line_of("options")
        )
        text = option.text("text", complete)
        _check_plain(option, "text", text, limits.POLL_OPTION_CHARS)
        correct = option.data.get("correct", False)
        if not isinstance(correct, bool):
            option.report("correct", "'correct' must be true or false")
            correct = False
        options.append(Option(text, correct))
    if not complete and not options:
        return Question(question_id, question, (), explanation)
    # A partial file that lists options lists them all, in their places, untranslated ones empty.
    if not limits.MIN_OPTIONS <= len(options) <= limits.MAX_OPTIONS:
        fields.report(
            "options",
            f"has {len(options)} options; write {limits.MIN_OPTIONS} or {limits.MAX_OPTIONS}",
        )
    right = sum(option.correct for option in options)
    if right != 1:
        fields.report("options", f"has {right} options marked correct; exactly one must be")
    written = [o.text for o in options if o.text]
    if len(set(written)) != len(written):
        fields.report("options", "two options have the same text")
    return Question(question_id, question, tuple(options), explanation)


def _read_tips(path: Path, loaded: Loaded) -> list[Tip]:
    data = _parse(path, loaded)
    if data is None:
        return []
    tips = []
    complete = not is_partial(path.stem)
    for item in Fields(data, path, loaded.problems, "file").items("tips"):
        fields = Fields(item, path, loaded.problems, "tip")
        tip_id = fields.identifier()
        fields.where = f"tip {tip_id or '?'}"
        _remember(loaded, path.stem, tip_id, path, fields.line)
        tip = Tip(
            tip_id,
            fields.identifier("family", complete),
            fields.text("title", complete),
            fields.text("how", complete),
            fields.texts("red_flags", complete),
            fields.text("action", complete),
            fields.text("report", complete),
            fields.texts("sources", complete),
        )
        for key in ("title", "how", "action", "report"):
            _check_html(fields, key, getattr(tip, key), limits.TIP_CHARS)
        for flag in tip.red_flags:
            _check_html(fields, "red_flags", flag, limits.TIP_CHARS)
        if complete and not tip.red_flags:
            fields.report("red_flags", "list at least one red flag")
        size = sum(visible_length(t) for t in (tip.title, tip.how, tip.action, tip.report, *tip.red_flags))
        if size > limits.TIP_CHARS:
            fields.report("how", f"the tip is {size} characters; keep it under {limits.TIP_CHARS}")
        _check_sources(fields, tip.sources, loaded, complete)
        tips.append(tip)
    return tips


def _read_drills(path: Path, loaded: Loaded) -> list[Drill]:
    data = _parse(path, loaded)
    if data is None:
        return []
    drills = []
    complete = not is_partial(path.stem)
    for item in Fields(data, path, loaded.problems, "file").items("drills"):
        fields = Fields(item, path, loaded.problems, "drill")
        drill_id = fields.identifier()
        fields.where = f"drill {drill_id or '?'}"
        _remember(loaded, path.stem, drill_id, path, fields.line)
        drill = Drill(
            drill_id,
            fields.text("channel", complete),
            fields.text("sender", complete),
            fields.text("message", complete),
            fields.text("verdict", complete),
            fields.texts("signs", complete),
            fields.texts("sources", complete),
        )
        _check_html(fields, "message", drill.message, limits.DRILL_MESSAGE_CHARS)
        _check_html(fields, "sender", drill.sender, limits.POLL_OPTION_CHARS)
        for sign in drill.signs:
            _check_html(fields, "signs", sign, limits.TIP_CHARS)
        if drill.verdict not in limits.VERDICTS and (complete or drill.verdict):
            fields.report("verdict", f"verdict must be one of {', '.join(limits.VERDICTS)}")
        if drill.channel not in limits.CHANNELS and (complete or drill.channel):
            fields.report("channel", f"channel must be one of {', '.join(limits.CHANNELS)}")
        if complete and not drill.signs:
            fields.report("signs", "list at least one sign")
        _check_sources(fields, drill.sources, loaded, complete)
        drills.append(drill)
    return drills


def _read_named(path: Path, key: str, loaded: Loaded) -> tuple[Named, ...]:
    data = _parse(path, loaded)
    if data is None:
        return ()
    result = []
    for item in Fields(data, path, loaded.problems, "file").items(key):
        fields = Fields(item, path, loaded.problems, key.rstrip("s"))
        item_id = fields.identifier()
        _remember(loaded, "*", f"{key}:{item_id}", path, fields.line)
        names = fields.translations("name")
        # Reference files are written by the project, in its complete languages; a partial
        # language is shown these names in Vietnamese (`Named.name`).
        required = set(loaded.ui) & COMPLETE_LANGUAGES
        missing = required - set(names)
        if missing:
            fields.report("name", f"name missing in {', '.join(sorted(missing))}")
        extra = {k: v for k, v in fields.data.items() if k not in {"id", "name", "aliases"}}
        for field_name, value in extra.items():
            if isinstance(value, dict) and required - set(value):
                fields.report(
                    field_name,
                    f"'{field_name}' missing in {', '.join(sorted(required - set(value)))}",
                )
        result.append(Named(item_id, names, fields.texts("aliases", required=False), extra))
    return tuple(result)
