"""`hocvuso content export --language <code>`: every Vietnamese text as a PO file to translate.

One entry per text: the msgid is the Vietnamese text, the msgctxt the place it comes from
(`lesson:<id>:text`, `question:<id>:option:2`, `ui:<key>`; see `content.text_fields`), so that two
places saying the same thing can be translated differently. Comments give the translator what a
YAML file would have shown: the module and lesson, the English version, the limits and what must
be kept as it is. Translations the language already has are filled in, so exporting again never
loses work; one whose Vietnamese text changed since it was imported comes back marked fuzzy.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

from content.languages import CODE_PATTERN, REFERENCE_LANGUAGE
from content.loader import CONTENT_ROOT, Loaded, Location, load
from content.text_fields import HTML, TextField, curriculum_fields, texts, ui_fields
from content.translations.provenance import digest, read_hashes

HINT_LANGUAGE = "en"
_KEPT = re.compile(r"\{[a-z_]+\}|</?[a-z]+(?:\s[^<>]*)?>|&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")
HEADER = """\
Lessons, quizzes, scam tips, drills and interface strings of hocvuso,
to translate into {language}. Translate msgstr only.
msgctxt says where a text is used. The comments above each entry give the
module and lesson, the English version, and what must stay as it is.
An empty or fuzzy entry is not imported: learners read Vietnamese there.
Import with: hocvuso content import FILE"""


class ExportError(ValueError):
    """A language code the content cannot take, or a language that is not translated from PO."""


def check_code(language: str) -> None:
    if not CODE_PATTERN.match(language):
        raise ExportError(
            f"'{language}' is not a language code the content can use: write an ISO 639 code in "
            "lowercase, such as hmn, km or tyz"
        )
    if language == REFERENCE_LANGUAGE:
        raise ExportError(f"'{REFERENCE_LANGUAGE}' is the language every translation is made from")


def build_catalog(language: str, root: Path = CONTENT_ROOT, loaded: Loaded | None = None) -> Catalog:
    check_code(language)
    loaded = loaded or load(root)
    base = loaded.curricula[REFERENCE_LANGUAGE]
    hints = texts(loaded.curricula.get(HINT_LANGUAGE), loaded.ui.get(HINT_LANGUAGE))
    existing = texts(loaded.curricula.get(language), loaded.ui.get(language))
    hashes = read_hashes(loaded.root, language)
    catalog = Catalog(
        locale=language,
        project="hocvuso",
        header_comment="\n".join(f"# {line}" for line in HEADER.format(language=language).splitlines()),
        creation_date=datetime.now(UTC),
        fuzzy=False,
    )
    fields = [*curriculum_fields(base), *ui_fields(loaded.ui[REFERENCE_LANGUAGE])]
    for field in fields:
        translation = existing.get(field.context, "")
        comments = _comments(field, hints.get(field.context) if language != HINT_LANGUAGE else None)
        flags = {"python-brace-format"} if "{" in field.text and field.context.startswith("ui:") else set()
        recorded = hashes.get(field.context)
        if translation and recorded and recorded != digest(field.text):
            flags.add("fuzzy")
            comments.append("The Vietnamese text changed after this was translated: check the translation.")
        catalog.add(
            field.text,
            translation,
            context=field.context,
            auto_comments=comments,
            locations=[_location(loaded, field)],
            flags=flags,
        )
    return catalog


def _comments(field: TextField, hint: str | None) -> list[str]:
    comments = [field.label[:1].upper() + field.label[1:] + "."]
    if field.module_title and not field.context.startswith("module:"):
        comments.append(f"Module: {field.module_title}")
    if field.lesson_title and not field.context.endswith(":title"):
        comments.append(f"Lesson: {field.lesson_title}")
    kept = sorted(set(_KEPT.findall(field.text)), key=field.text.index)
    if kept:
        comments.append(f"Keep {{placeholders}}, <b> tags and &amp; entities as they are: {' '.join(kept)}")
    if field.kind == HTML:
        comments.append(f"Telegram HTML: write & < > as &amp; &lt; &gt;. At most {field.limit} characters.")
    else:
        comments.append(f"Plain text in a quiz poll: no tags. At most {field.limit} characters.")
    if hint:
        lines = hint.splitlines()
        comments.append(f"English: {lines[0]}")
        comments.extend(f"  {line}" for line in lines[1:])
    return comments


def _location(loaded: Loaded, field: TextField) -> tuple[str, int]:
    """The Vietnamese file and the line of the item, for whoever has to look at the YAML."""
    lines = loaded.ui_lines if field.context.startswith("ui:") else loaded.locations
    where = lines.get((REFERENCE_LANGUAGE, field.item_id), Location(loaded.root, 0))
    try:
        name = where.path.relative_to(loaded.root.parent).as_posix()
    except ValueError:
        name = where.path.as_posix()
    return name, where.line


def write(catalog: Catalog, output: BinaryIO) -> None:
    # In teaching order, as a translator reads the course; not sorted by msgid.
    write_po(output, catalog, sort_output=False, include_previous=False)


def export(language: str, output: Path, root: Path = CONTENT_ROOT) -> Catalog:
    catalog = build_catalog(language, root)
    with output.open("wb") as handle:
        write(catalog, handle)
    return catalog
