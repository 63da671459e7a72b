"""Translating through PO files: export, translate, import, and a partial language falling back.

Every import goes into a copy of content/ under tmp_path; the real content/ is only ever read.
The translation is a pseudo-translation: each Latin letter swapped for a look-alike one, with
{placeholders}, tags and entities kept, so a text that was not imported (still Vietnamese) can
never pass for one that was.
"""

from __future__ import annotations

import functools
import io
import re
import shutil
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po

from bot.cli import main
from content import fallback
from content.check import check
from content.library import Library
from content.loader import CONTENT_ROOT, load
from content.model import Curriculum, Lesson, Module, Option, Question
from content.text_fields import curriculum_fields, ui_fields
from content.translations import import_po as import_module
from content.translations.export import ExportError, build_catalog, export
from content.translations.import_po import import_po
from flows.context import Context
from flows.conversation import handle
from flows.events import Command, Event, Press
from flows.outcome import Outcome
from flows.replies import Message as Reply
from flows.state import LearnerState, Step
from flows.texts import Texts

LANGUAGE = "xx"
VI = load()
VI_FIELDS = [*curriculum_fields(VI.curricula["vi"]), *ui_fields(VI.ui["vi"])]
MORNING = datetime(2026, 11, 23, 8, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))

_LOWER, _UPPER = "ȧƀƈḓḗƒɠħīĵķŀḿƞǿƥɋřşŧŭṽẇẋẏẑ", "ȦƁƇḒḖƑƓĦĪĴĶĿḾȠǾƤɊŘŞŦŬṼẆẊẎẐ"
_LETTERS = str.maketrans("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", _LOWER + _UPPER)
_KEPT = re.compile(r"(\{[a-z_]+\}|<[^<>]*>|&[#a-zA-Z0-9]+;)")


def pseudo(text: str) -> str:
    """One letter for one, so every length (and every limit) stays what it is in Vietnamese."""
    return "".join(part if _KEPT.fullmatch(part) else part.translate(_LETTERS) for part in _KEPT.split(text))


@pytest.fixture
def content(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    shutil.copytree(CONTENT_ROOT, root, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return root


@pytest.fixture(scope="module")
def exported() -> bytes:
    """The PO file for `xx`, exported once from the shipped content (read only)."""
    output = io.BytesIO()
    write_po(output, build_catalog(LANGUAGE))
    return output.getvalue()


def _catalog(po: bytes) -> Catalog:
    return read_po(io.BytesIO(po))


def _translated(po: bytes, path: Path, translate: Callable[[Message], str | None]) -> Path:
    """Fill each entry with what `translate` gives (None leaves it empty) and save the PO file."""
    catalog = _catalog(po)
    for message in catalog:
        if message.id:
            message.string = translate(message) or ""
    with path.open("wb") as handle:
        write_po(handle, catalog)
    return path


def _everything(message: Message) -> str:
    return pseudo(str(message.id))


def _own_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and p.stem == LANGUAGE)


# --- the export ---------------------------------------------------------------------------------


def test_export_has_one_entry_per_text_each_with_a_unique_context(exported):
    catalog = _catalog(exported)
    entries = [m for m in catalog if m.id]
    contexts = re.findall(r'^msgctxt "(.*)"$', exported.decode("utf-8"), re.MULTILINE)
    assert len(contexts) == len(set(contexts)) == len(entries) == len(VI_FIELDS)
    assert {m.context: m.id for m in entries} == {f.context: f.text for f in VI_FIELDS}
    assert catalog.locale_identifier == LANGUAGE and not any(m.string for m in entries)
    vi = VI.curricula["vi"]
    lesson = vi.lessons[vi.lesson_order[0]]
    question = lesson.questions[0]
    expected = {
        f"module:{vi.modules[0].id}:title",
        *(f"lesson:{lesson.id}:{name}" for name in ("title", "text", "today")),
        f"question:{question.id}:question",
        f"question:{question.id}:explanation",
        *(f"question:{question.id}:option:{n}" for n in range(1, len(question.options) + 1)),
        *(f"tip:{tip.id}:title" for tip in vi.tips),
        *(f"drill:{drill.id}:message" for drill in vi.drills),
        *(f"module:{track.id}:title" for track in vi.tracks.values()),
        *(f"ui:{key}" for key in VI.ui["vi"]),
    }
    assert expected <= set(contexts)
    # The same Vietnamese words in five drills stay five entries, each translatable on its own.
    senders = [m.context for m in entries if m.id == "NganHangABC"]
    assert len(senders) >= 2 and all(c.startswith("drill:") and c.endswith(":sender") for c in senders)


def test_export_comments_give_the_translator_context(exported):
    entries = {m.context: m for m in _catalog(exported) if m.id}
    vi, en = VI.curricula["vi"], VI.curricula["en"]
    lesson_id = vi.lesson_order[0]
    text = entries[f"lesson:{lesson_id}:text"].auto_comments
    assert f"Module: {vi.modules[0].title}" in text
    assert f"Lesson: {vi.lessons[lesson_id].title}" in text
    assert any(c.startswith("Keep {placeholders}, <b> tags") and "<b>" in c for c in text)
    english = en.lessons[lesson_id].text.splitlines()[0]
    assert f"English: {english}" in " ".join(text)
    score = entries["ui:quiz.score"]
    kept = " ".join(score.auto_comments)  # a long comment comes back wrapped over lines
    assert "as they are: {correct} {total} {streak}" in kept
    assert "python-brace-format" in score.flags
    question = vi.lessons[lesson_id].questions[0]
    right = entries[f"question:{question.id}:option:{question.correct_index + 1}"].auto_comments
    assert any("the right answer" in c for c in right)
    assert any("Plain text in a quiz poll" in c and "100 characters" in c for c in right)


def test_export_refuses_the_source_language_and_bad_codes():
    with pytest.raises(ExportError, match="every translation is made from"):
        build_catalog("vi")
    with pytest.raises(ExportError, match="not a language code"):
        build_catalog("../ui/vi")


# --- a full round trip -------------------------------------------------------------------------


def test_pseudo_translation_round_trip_replaces_every_text(content, exported, tmp_path):
    po = _translated(exported, tmp_path / "xx.po", _everything)
    result = import_po(po, content)
    assert result.ok, result.problems
    assert result.language == LANGUAGE and result.imported == len(VI_FIELDS) and not result.skipped
    assert check(content)[1] == []

    library = Library.load(content)
    assert LANGUAGE in library.languages
    vi, xx = library.curriculum("vi"), library.curriculum(LANGUAGE)
    assert xx.language == LANGUAGE and xx.lesson_order == vi.lesson_order
    for module, mine in zip(
        (*vi.modules, *vi.tracks.values()), (*xx.modules, *xx.tracks.values()), strict=True
    ):
        assert (mine.id, mine.title, mine.summary) == (
            module.id,
            pseudo(module.title),
            pseudo(module.summary),
        )
        for lesson, translated in zip(module.lessons, mine.lessons, strict=True):
            assert translated.id == lesson.id and translated.sources == lesson.sources
            assert (translated.title, translated.text, translated.today) == (
                pseudo(lesson.title),
                pseudo(lesson.text),
                pseudo(lesson.today),
            )
            for question, own in zip(lesson.questions, translated.questions, strict=True):
                assert own.question == pseudo(question.question)
                assert own.explanation == pseudo(question.explanation)
                assert [o.text for o in own.options] == [pseudo(o.text) for o in question.options]
                assert own.correct_index == question.correct_index
    for tip, own_tip in zip(vi.tips, xx.tips, strict=True):
        assert (own_tip.title, own_tip.how, own_tip.action, own_tip.report) == tuple(
            pseudo(t) for t in (tip.title, tip.how, tip.action, tip.report)
        )
        assert own_tip.red_flags == tuple(pseudo(f) for f in tip.red_flags)
    for drill, own_drill in zip(vi.drills, xx.drills, strict=True):
        assert (own_drill.sender, own_drill.message, own_drill.verdict) == (
            pseudo(drill.sender),
            pseudo(drill.message),
            drill.verdict,
        )
        assert own_drill.signs == tuple(pseudo(s) for s in drill.signs)
    for key, text in VI.ui["vi"].items():
        assert library.ui[LANGUAGE][key] == pseudo(text), key
    # The other languages can type the new one's name: it is named by its own name there.
    assert library.ui["vi"][f"language.{LANGUAGE}"] == pseudo(VI.ui["vi"]["language.name"])


def test_files_written_have_the_shape_of_the_vietnamese_ones(content, exported, tmp_path):
    import_po(_translated(exported, tmp_path / "xx.po", _everything), content)
    written = {p.relative_to(content).as_posix() for p in _own_files(content)}
    expected = {
        p.relative_to(content).as_posix().replace("/vi.yaml", f"/{LANGUAGE}.yaml")
        for p in content.rglob("vi.yaml")
    }
    assert written == expected | {f"source-hashes/{LANGUAGE}.txt"}
    module = (content / "curriculum/modules/m0-my-phone" / f"{LANGUAGE}.yaml").read_text(encoding="utf-8")
    assert module.startswith("# Written by `hocvuso content import`")
    assert "\nmodule:\n  id: m0\n  order: 0\n" in module and "    questions:\n" in module
    assert "correct: true" in module and "text: |" in module


# --- a partial translation ---------------------------------------------------------------------


def _partial_choice(skip: set[str]) -> Callable[[Message], str | None]:
    """Module m0 and every other interface string (always the two a language is offered with),
    leaving out the contexts in `skip`."""
    keys = list(VI.ui["vi"])
    ui = set(keys[::2]) | {"language.name", "language.ask"}

    def choose(message: Message) -> str | None:
        context = str(message.context)
        if context in skip:
            return None
        in_m0 = context.startswith(("module:m0:", "lesson:m0-", "question:m0-"))
        if in_m0 or (context.startswith("ui:") and context[3:] in ui):
            return pseudo(str(message.id))
        return None

    return choose


def _send(state: LearnerState, event: Event, library: Library) -> Outcome:
    return handle(state, event, Context(library, MORNING))


def _choices(outcome: Outcome) -> list[tuple[str, str]]:
    return [
        (c.label, c.token) for r in outcome.replies if isinstance(r, Reply) for row in r.choices for c in row
    ]


def _texts(outcome: Outcome) -> str:
    return "\n".join(r.text for r in outcome.replies if isinstance(r, Reply))


def test_partial_translation_falls_back_to_vietnamese_lesson_by_lesson(content, exported, tmp_path):
    vi_course = VI.curricula["vi"]
    m0 = vi_course.modules[0]
    assert m0.id == "m0"
    # One explanation, or the task for today, left out: the whole lesson stays Vietnamese.
    incomplete = {m0.lessons[1].id, m0.lessons[2].id}
    skipped = {f"question:{m0.lessons[1].questions[-1].id}:explanation", f"lesson:{m0.lessons[2].id}:today"}
    result = import_po(_translated(exported, tmp_path / "xx.po", _partial_choice(skipped)), content)
    assert result.ok, result.problems
    assert result.skipped["not translated"] == len(VI_FIELDS) - result.imported > 0
    assert check(content)[1] == []

    library = Library.load(content)
    xx = library.curriculum(LANGUAGE)
    assert LANGUAGE in library.languages
    assert set(xx.lessons) == set(vi_course.lessons) and xx.lesson_order == vi_course.lesson_order
    assert xx.modules[0].title == pseudo(m0.title)
    for lesson in m0.lessons:
        if lesson.id in incomplete:
            assert xx.lessons[lesson.id] == lesson
        else:
            assert xx.lessons[lesson.id].text == pseudo(lesson.text)
            assert xx.lessons[lesson.id].questions[0].question == pseudo(lesson.questions[0].question)
    for module in vi_course.modules[1:]:
        assert xx.module(module.id).title == module.title
        assert all(xx.lessons[lesson.id] == lesson for lesson in module.lessons)
    assert xx.tips == vi_course.tips and xx.drills == vi_course.drills
    assert library.track("worker", LANGUAGE) == vi_course.tracks["worker"]
    keys = list(VI.ui["vi"])
    t = Texts(library, LANGUAGE)
    assert t(keys[0]) == pseudo(VI.ui["vi"][keys[0]]) and t(keys[1]) == VI.ui["vi"][keys[1]]
    assert library.ui[LANGUAGE][keys[1]] == VI.ui["vi"][keys[1]]


def test_a_learner_can_take_a_partly_translated_course(content, exported, tmp_path):
    import_po(_translated(exported, tmp_path / "xx.po", _partial_choice(set())), content)
    library = Library.load(content)
    state = LearnerState("7")
    outcome = _send(state, Command("start"), library)
    name = pseudo(VI.ui["vi"]["language.name"])
    language = dict(_choices(outcome))
    assert name in language and pseudo(VI.ui["vi"]["language.ask"]) in _texts(outcome)
    outcome = _send(outcome.state, Press(language[name]), library)
    for _ in range(3):  # who, where, when: skipped
        skip = next(token for _, token in _choices(outcome) if token.startswith("skip:"))
        outcome = _send(outcome.state, Press(skip), library)
    assert outcome.state.onboarded and outcome.state.lang == LANGUAGE

    lesson = library.curriculum("vi").lessons[library.lesson_order[0]]
    outcome = _send(outcome.state, Command("lesson"), library)
    assert pseudo(lesson.title) in _texts(outcome) and pseudo(lesson.today) in _texts(outcome)
    assert lesson.title not in _texts(outcome)
    read = next(token for _, token in _choices(outcome) if token.startswith("read:"))
    outcome = _send(outcome.state, Press(read), library)
    assert outcome.state.step == Step.QUIZ
    question = lesson.questions[0]
    assert pseudo(question.question) in _texts(outcome)
    labels = {label for label, _ in _choices(outcome)}
    assert labels == {pseudo(option.text) for option in question.options}
    outcome = _send(outcome.state, Press(f"ans:{question.id}:{question.correct_index}"), library)
    assert outcome.answered is not None and pseudo(question.explanation) in outcome.answered.verdict


# --- broken translations -----------------------------------------------------------------------


def _broken(message: Message) -> str | None:
    first = VI.curricula["vi"].lessons[VI.curricula["vi"].lesson_order[0]]
    text = str(message.id)
    if message.context == "ui:quiz.score":
        return pseudo(text).replace("{correct}", "{corect}")
    if message.context == f"lesson:{first.id}:text":
        return pseudo(text).replace("</b>", "", 1)
    if message.context == f"question:{first.questions[0].id}:option:1":
        return "<b>" + pseudo(text) + "</b>"
    return pseudo(text)


def test_a_broken_translation_is_reported_at_its_po_entry_and_nothing_is_loaded(content, exported, tmp_path):
    good = import_po(_translated(exported, tmp_path / "good.po", _partial_choice(set())), content)
    assert good.ok
    before = {path: path.read_bytes() for path in _own_files(content)}

    po = _translated(exported, tmp_path / "broken.po", _broken)
    result = import_po(po, content)
    assert not result.ok
    lines = {m.context: m.lineno for m in _catalog(po.read_bytes()) if m.id}
    first = VI.curricula["vi"].lessons[VI.curricula["vi"].lesson_order[0]]
    expected = {
        "ui:quiz.score": "{corect}",
        f"lesson:{first.id}:text": "<b> is never closed",
        f"question:{first.questions[0].id}:option:1": "plain text",
    }
    for context, words in expected.items():
        assert any(
            p.startswith(f"broken.po:{lines[context]}: {context}: ") and words in p for p in result.problems
        ), (context, result.problems)
    assert len(result.problems) == len(expected)
    # The earlier import is still what content/ holds, and it still loads.
    assert {path: path.read_bytes() for path in _own_files(content)} == before
    library = Library.load(content)
    assert library.ui[LANGUAGE]["quiz.score"] == VI.ui["vi"]["quiz.score"]


def test_a_first_broken_import_writes_no_file(content, exported, tmp_path):
    result = import_po(_translated(exported, tmp_path / "xx.po", _broken), content)
    assert not result.ok and _own_files(content) == []
    assert LANGUAGE not in Library.load(content).languages


@pytest.mark.parametrize(
    ("header", "words"),
    [
        ("en", "'en' is written in YAML by the project"),
        ("vi", "'vi' is the language every translation is made from"),
        ("", "Language header: '' is not a language code"),
    ],
)
def test_a_po_file_without_a_usable_language_is_refused(content, exported, tmp_path, header, words):
    text = exported.decode("utf-8")
    assert f'"Language: {LANGUAGE}\\n"' in text
    po = tmp_path / "other.po"
    po.write_text(text.replace(f'"Language: {LANGUAGE}\\n"', f'"Language: {header}\\n"'), encoding="utf-8")
    en = (content / "ui" / "en.yaml").read_bytes()
    result = import_po(po, content)
    assert not result.ok and len(result.problems) == 1 and words in result.problems[0], result.problems
    assert sorted(p.name for p in (content / "ui").iterdir()) == ["en.yaml", "vi.yaml"]
    assert (content / "ui" / "en.yaml").read_bytes() == en


# --- exporting again ---------------------------------------------------------------------------


def test_export_again_keeps_translations_and_marks_changed_texts_fuzzy(content, exported, tmp_path):
    old_po = _translated(exported, tmp_path / "xx.po", _partial_choice(set()))
    assert import_po(old_po, content).ok
    m0 = VI.curricula["vi"].modules[0]
    changed = m0.lessons[0]
    vi_file = content / "curriculum/modules/m0-my-phone/vi.yaml"
    text = vi_file.read_text(encoding="utf-8")
    assert f"title: {changed.title}\n" in text
    vi_file.write_text(
        text.replace(f"title: {changed.title}\n", "title: Nút bấm của điện thoại\n", 1), "utf-8"
    )

    again = export(LANGUAGE, tmp_path / "again.po", content)
    entries = {m.context: m for m in again if m.id}
    title = entries[f"lesson:{changed.id}:title"]
    assert title.id == "Nút bấm của điện thoại" and title.string == pseudo(changed.title) and title.fuzzy
    assert any("changed after this was translated" in c for c in title.auto_comments)
    text_entry = entries[f"lesson:{changed.id}:text"]
    assert text_entry.string == pseudo(changed.text) and not text_entry.fuzzy
    assert entries["ui:language.name"].string == pseudo(VI.ui["vi"]["language.name"])
    assert all(not m.string for c, m in entries.items() if c.startswith("lesson:m1-"))
    assert sum(m.fuzzy for m in entries.values()) == 1

    # The old PO file still carries the old Vietnamese text: that entry is left out, with a note.
    result = import_po(old_po, content)
    assert result.ok and result.skipped["translated from an older Vietnamese text"] == 1
    assert any(f"lesson:{changed.id}:title" in note and "export again" in note for note in result.notes)
    assert Library.load(content).curriculum(LANGUAGE).lessons[changed.id].title == "Nút bấm của điện thoại"


def test_identical_vietnamese_sentences_keep_their_own_translations(content, exported, tmp_path):
    senders = [m.context for m in _catalog(exported) if m.id == "NganHangABC"]

    def numbered(message: Message) -> str | None:
        if message.context in senders:
            return f"Bank {senders.index(message.context)}"
        return None

    assert import_po(_translated(exported, tmp_path / "xx.po", numbered), content).ok
    loaded = load(content)
    own = {d.id: d.sender for d in loaded.curricula[LANGUAGE].drills}
    assert sorted(own.values()) == [f"Bank {n}" for n in range(len(senders))]


# --- partial languages in the check and the library --------------------------------------------


def test_a_hand_written_partial_language_is_checked_only_for_what_it_has(content):
    (content / "ui" / f"{LANGUAGE}.yaml").write_text(
        "language.name: Hmoob\nlanguage.ask: Koj xav kawm lus twg?\n", encoding="utf-8"
    )
    module = content / "curriculum/modules/m0-my-phone" / f"{LANGUAGE}.yaml"
    first = VI.curricula["vi"].modules[0].lessons[0]
    module.write_text(f"module:\n  id: m0\nlessons:\n  - id: {first.id}\n    title: Lub xov tooj\n", "utf-8")
    assert check(content)[1] == []
    library = Library.load(content)
    assert library.languages == ("en", "vi", LANGUAGE)
    assert library.curriculum(LANGUAGE).lessons[first.id] == first  # no text, no questions: Vietnamese
    assert library.curriculum(LANGUAGE).modules[0].title == VI.curricula["vi"].modules[0].title

    module.write_text(
        "module:\n  id: m0\nlessons:\n  - id: m0-not-in-vietnamese\n    title: <b>Lub\n", encoding="utf-8"
    )
    problems = [str(p) for p in check(content)[1]]
    assert any("'m0-not-in-vietnamese' is not in 'vi'" in p for p in problems)
    assert any(f"m0-my-phone/{LANGUAGE}.yaml:5" in p and "<b> is never closed" in p for p in problems)
    assert not any("has no translation" in p for p in problems)


def test_a_partial_ui_is_not_offered_until_it_names_the_language(content):
    (content / "ui" / f"{LANGUAGE}.yaml").write_text("menu.help: Pab\n", encoding="utf-8")
    library = Library.load(content)
    assert library.languages == ("en", "vi")
    assert Texts(library, LANGUAGE)("menu.help") == "Pab"
    assert Texts(library, LANGUAGE)("menu.lesson") == VI.ui["vi"]["menu.lesson"]


def test_a_complete_language_must_still_have_every_item(content):
    en = content / "ui" / "en.yaml"
    en.write_text(en.read_text(encoding="utf-8").replace('menu.help: "❓ Help"\n', ""), encoding="utf-8")
    assert any("'menu.help' has no translation in 'en'" in str(p) for p in check(content)[1])


def test_fallback_keeps_the_right_answer_of_the_reference():
    vi = VI.curricula["vi"]
    lesson = vi.lessons[vi.lesson_order[0]]
    question = lesson.questions[0]
    wrong_mark = [Option(pseudo(o.text), not o.correct) for o in question.options]
    own_question = Question(question.id, pseudo(question.question), tuple(wrong_mark), "x")
    own_lesson = Lesson(
        lesson.id, lesson.module_id, "t", "x", "y", (), (own_question, *lesson.questions[1:]), None, None
    )
    merged = fallback.complete_curriculum(vi, Curriculum.build(LANGUAGE, [], [], [], []))
    assert merged.lessons[lesson.id] == lesson
    module = Module("m0", -1, "", "", (own_lesson,))
    merged = fallback.complete_curriculum(vi, Curriculum.build(LANGUAGE, [module], [], [], []))
    assert merged.lessons[lesson.id].questions[0].correct_index == question.correct_index
    assert merged.lessons[lesson.id].sources == lesson.sources and merged.lessons[lesson.id].title == "t"


# --- the command line --------------------------------------------------------------------------


def test_cli_exports_and_imports(content, exported, tmp_path, capsys, monkeypatch):
    output = tmp_path / "cli.po"
    assert main(["content", "export", "--language", LANGUAGE, "--output", str(output)]) == 0
    assert len([m for m in _catalog(output.read_bytes()) if m.id]) == len(VI_FIELDS)
    assert main(["content", "export", "--language", "vi"]) == 2

    # Imports go into the copy, never into the real content/.
    monkeypatch.setattr(import_module, "import_po", functools.partial(import_po, root=content))
    po = _translated(exported, tmp_path / "xx.po", _partial_choice(set()))
    capsys.readouterr()
    assert main(["content", "import", str(po)]) == 0
    out = capsys.readouterr().out
    assert f"{LANGUAGE}: " in out and "translations imported" in out and "not translated" in out
    broken = _translated(exported, tmp_path / "broken.po", _broken)
    assert main(["content", "import", str(broken)]) == 1
    out = capsys.readouterr().out
    assert "broken.po:" in out and "content/ is unchanged" in out
    counts = Counter(p.suffix for p in _own_files(content))
    assert counts[".yaml"] >= 2
