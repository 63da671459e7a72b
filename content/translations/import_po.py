"""`hocvuso content import FILE`: a translated PO file becomes the YAML of its language.

The PO file is the whole translation: the import replaces every file the language had, so an
entry emptied in the PO file is gone from the content too. Only entries with a translation that is
not marked fuzzy, whose msgid is still the current Vietnamese text, are written.

Nothing reaches content/ unchecked. The files are written into a temporary copy of content/ and
the full content check runs there; only when it finds no new problem are the files moved in. A
broken translation therefore never stops the bot (which refuses to start on content problems), and
each problem is reported at the PO entry to fix, with its line in the PO file, since that is the
file the translator works in.
"""

from __future__ import annotations

import shutil
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.pofile import PoFileError, read_po

from content.check import check
from content.languages import COMPLETE_LANGUAGES, REFERENCE_LANGUAGE
from content.loader import CONTENT_ROOT, Loaded, load
from content.problems import Problem
from content.text_fields import TextField, curriculum_fields, ui_fields
from content.translations.export import ExportError, check_code
from content.translations.provenance import digest, hashes_path, hashes_text
from content.translations.yaml_out import LineContexts, contexts_by_line, dump, language_files

SHOWN_NOTES = 20


@dataclass
class ImportResult:
    po_file: str
    language: str = ""
    imported: int = 0
    files: list[Path] = field(default_factory=list)  # relative to the content root
    skipped: Counter[str] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def import_po(po_path: Path, root: Path = CONTENT_ROOT) -> ImportResult:
    result = ImportResult(po_path.name)
    try:
        with po_path.open("rb") as handle:
            catalog = read_po(handle, abort_invalid=True)
    except (OSError, ValueError, PoFileError) as error:  # ValueError: not UTF-8 as its header says
        result.problems.append(f"{po_path.name}: cannot read the PO file: {error}")
        return result
    result.language = (catalog.locale_identifier or "").strip()
    try:
        check_code(result.language)
    except ExportError as error:
        result.problems.append(f"{po_path.name}: Language header: {error}")
        return result
    if result.language in COMPLETE_LANGUAGES:
        result.problems.append(
            f"{po_path.name}: '{result.language}' is written in YAML by the project; PO import is for "
            "translated languages"
        )
        return result
    loaded = load(root)
    sources = {f.context: f for f in _source_fields(loaded)}
    translated: dict[str, str] = {}
    po_lines: dict[str, int] = {}
    for message in catalog:
        if not message.id:
            continue  # the header
        context = message.context or ""
        po_lines[context] = message.lineno or 0
        text = message.string if isinstance(message.string, str) else ""
        source = sources.get(context)
        if source is None:
            result.skipped["not in the Vietnamese content any more"] += 1
        elif not text.strip():
            result.skipped["not translated"] += 1
        elif message.fuzzy:
            result.skipped["fuzzy"] += 1
        elif message.id != source.text:
            result.skipped["translated from an older Vietnamese text"] += 1
            result.notes.append(
                f"{po_path.name}:{message.lineno}: {context}: skipped, the Vietnamese text has changed "
                "since this file was exported: export again"
            )
        else:
            translated[context] = text.strip()
    result.imported = len(translated)
    files = language_files(loaded, result.language, translated)
    result.files = sorted(files)
    with tempfile.TemporaryDirectory(prefix="hocvuso-import-") as temporary:
        copy = _copy_of(root, Path(temporary))
        for old in _files_of(copy, result.language):
            old.unlink()
        for relative, data in files.items():
            (copy / relative).parent.mkdir(parents=True, exist_ok=True)
            (copy / relative).write_text(dump(data), encoding="utf-8")
        hashes = {context: digest(sources[context].text) for context in translated}
        hashes_path(copy, result.language).parent.mkdir(parents=True, exist_ok=True)
        hashes_path(copy, result.language).write_text(hashes_text(hashes), encoding="utf-8")
        _, problems = check(copy)
        result.problems = _reported(problems, copy, root, files, po_lines, translated, po_path.name)
        if result.ok:
            _move_in(copy, root, result.language, files)
    return result


def _source_fields(loaded: Loaded) -> Iterator[TextField]:
    yield from curriculum_fields(loaded.curricula[REFERENCE_LANGUAGE])
    yield from ui_fields(loaded.ui[REFERENCE_LANGUAGE])


def _copy_of(root: Path, temporary: Path) -> Path:
    """The content files under the same folder name, so problems name the same paths as a check of
    content/ would; pictures are linked, not copied."""
    copy = temporary / root.name
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns("*.py", "__pycache__", "media"))
    if (root / "media").is_dir():
        (copy / "media").symlink_to((root / "media").resolve(), target_is_directory=True)
    return copy


def _files_of(root: Path, language: str) -> Iterator[Path]:
    """Every file the import writes for `language`, as they are now under `root`."""
    name = f"{language}.yaml"
    yield from root.glob(f"curriculum/modules/*/{name}")
    yield from root.glob(f"curriculum/tracks/*/{name}")
    for path in (root / "curriculum/tips" / name, root / "curriculum/drills" / name, root / "ui" / name):
        if path.is_file():
            yield path
    if hashes_path(root, language).is_file():
        yield hashes_path(root, language)


def _move_in(copy: Path, root: Path, language: str, files: dict[Path, object]) -> None:
    for old in list(_files_of(root, language)):
        old.unlink()
    hashes = hashes_path(copy, language).relative_to(copy)
    for relative in [*files, hashes]:
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(copy / relative, root / relative)


def _reported(
    problems: list[Problem],
    copy: Path,
    root: Path,
    files: dict[Path, object],
    po_lines: dict[str, int],
    translated: dict[str, str],
    po_name: str,
) -> list[str]:
    """The problems this import would bring, each at the PO entry it comes from where it comes from
    one; problems the content already had before are left to `hocvuso content check`."""
    written = {f"{root.name}/{relative.as_posix()}": relative for relative in files}
    lines: dict[str, LineContexts] = {}
    before: set[Problem] | None = None
    reported = []
    for problem in problems:
        relative = written.get(problem.file)
        if relative is None:
            if before is None:
                before = set(check(root)[1])
            if problem not in before:
                reported.append(str(problem))
            continue
        if problem.file not in lines:
            lines[problem.file] = contexts_by_line(copy / relative)
        context = lines[problem.file].at(problem.line) or ""
        entry = _entry(context, translated)
        where = f"{po_name}:{po_lines[entry]}: {entry}" if entry else f"{po_name}: {context}"
        reported.append(f"{where}: {problem.message} [{problem.file}:{problem.line}]")
    return reported


def _entry(context: str, translated: dict[str, str]) -> str | None:
    """The translated PO entry a context stands for: itself, or the first translated entry of the
    list or item it names (a problem with a lesson's questions, say, is shown at the lesson)."""
    parts = context.split(":")
    while parts:
        prefix = ":".join(parts)
        if prefix in translated:
            return prefix
        inside = next((key for key in translated if key.startswith(prefix + ":")), None)
        if inside is not None:
            return inside
        parts.pop()
        if len(parts) < 2:
            break
    return None
