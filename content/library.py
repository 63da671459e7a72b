"""The content a running bot needs, loaded once and checked before the first learner arrives."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from content import languages
from content.check import check
from content.fallback import complete_curricula, complete_ui
from content.loader import CONTENT_ROOT
from content.model import Curriculum, Module, Named

DEFAULT_LANGUAGE = languages.REFERENCE_LANGUAGE


class ContentError(Exception):
    """Raised at start-up when the content has problems: better no bot than a broken lesson."""


def fold(text: str) -> str:
    """Lowercase without diacritics, so 'ha noi' finds 'Hà Nội' and 'đà nẵng' finds 'Da Nang'."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return " ".join(bare.lower().replace(".", " ").replace("-", " ").split())


def words_key(text: str) -> str:
    """Case and the punctuation around words ignored, accents kept: "Dừng!" is "dừng", while
    "dung" stays apart from it (it may be «đúng» or «dùng»)."""
    normal = unicodedata.normalize("NFC", text).lower()
    kept = "".join(c if c.isalnum() or c in " '" else " " for c in normal)
    return " ".join(kept.split())


@dataclass(frozen=True)
class Library:
    """The content as flows use it: every language complete.

    Built from what the loader read, where a partial translation lacks lessons, tips or interface
    strings; `__post_init__` fills those from Vietnamese (see `content.fallback`), so
    `curricula[code]` and `ui[code]` hold everything a learner in `code` can be sent.
    """

    curricula: dict[str, Curriculum]
    ui: dict[str, dict[str, str]]
    provinces: tuple[Named, ...]
    groups: tuple[Named, ...]
    reporting: tuple[Named, ...]
    media_root: Path
    # The languages a learner may choose; decided on the ui files as written, before the fallback
    # gives every language the reference's strings.
    offered: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        # Frozen for everyone else; completing the content once here keeps every reader simple.
        object.__setattr__(self, "offered", languages.offered(self.ui))
        object.__setattr__(self, "curricula", complete_curricula(self.curricula))
        object.__setattr__(self, "ui", complete_ui(self.ui))

    @classmethod
    def load(cls, root: Path = CONTENT_ROOT) -> Library:
        loaded, problems = check(root)
        if problems:
            shown = "\n".join(str(p) for p in problems[:20])
            more = f"\n... and {len(problems) - 20} more" if len(problems) > 20 else ""
            raise ContentError(f"{len(problems)} content problems:\n{shown}{more}")
        return cls(
            loaded.curricula,
            loaded.ui,
            loaded.provinces,
            loaded.groups,
            loaded.reporting,
            root / "media",
        )

    @property
    def languages(self) -> tuple[str, ...]:
        """Offered to learners, sorted by code: a partial translation is offered once its ui file
        has `language.name` and `language.ask` (see `content.languages.offered`)."""
        return self.offered

    def curriculum(self, language: str) -> Curriculum:
        """The whole course in `language`: what it has not translated is the Vietnamese lesson,
        tip or drill, so ids, order and progress are the same in every language."""
        return self.curricula.get(language) or self.curricula[DEFAULT_LANGUAGE]

    @cached_property
    def tracks(self) -> dict[str, Module]:
        """The extra short track of each target group that has one, keyed by group id (reference
        language: for ids and lesson counts; `track()` gives the learner's language)."""
        return self.curricula[DEFAULT_LANGUAGE].tracks

    def track(self, group: str, language: str) -> Module | None:
        """The track the "who you are" answer unlocks, in the learner's language, or None when the
        group has no track (citizens and older adults follow the main course only)."""
        return self.curriculum(language).track(group)

    @cached_property
    def lesson_order(self) -> tuple[str, ...]:
        return self.curricula[DEFAULT_LANGUAGE].lesson_order

    @cached_property
    def lesson_position(self) -> dict[str, int]:
        return {lesson_id: i for i, lesson_id in enumerate(self.lesson_order)}

    @cached_property
    def question_lesson(self) -> dict[str, str]:
        """Which lesson a question belongs to, for validating answer buttons."""
        return {
            q.id: lesson.id
            for lesson in self.curricula[DEFAULT_LANGUAGE].lessons.values()
            for q in lesson.questions
        }

    @cached_property
    def province_ids(self) -> dict[str, Named]:
        return {p.id: p for p in self.provinces}

    @cached_property
    def group_ids(self) -> dict[str, Named]:
        return {g.id: g for g in self.groups}

    @cached_property
    def _province_index(self) -> list[tuple[str, Named]]:
        index = []
        for province in self.provinces:
            for name in (*province.names.values(), *province.aliases):
                index.append((fold(name), province))
        return index

    @cached_property
    def _short_ui_strings(self) -> dict[str, str]:
        return {
            fold(text): key
            for strings in self.ui.values()
            for key, text in strings.items()
            if len(text) <= 64
        }

    @cached_property
    def _command_words(self) -> dict[str, str]:
        return {
            words_key(variant): key.removeprefix("words.")
            for strings in self.ui.values()
            for key, text in strings.items()
            if key.startswith("words.")
            for variant in text.split("|")
            if variant.strip()
        }

    def command_for_words(self, text: str) -> str | None:
        """The command a learner typed as words ("bài học", "my data"), in any language."""
        return self._command_words.get(words_key(text)) if len(text) <= 64 else None

    def ui_key_for(self, text: str) -> str | None:
        """Which interface string a learner's text repeats, in any language (a keyboard press)."""
        return self._short_ui_strings.get(fold(text))

    def find_provinces(self, query: str) -> list[Named]:
        """Provinces whose name or alias matches what a learner typed, best matches first."""
        wanted = fold(query)
        if not wanted:
            return []
        exact = [p for name, p in self._province_index if name == wanted]
        if exact:
            return list({p.id: p for p in exact}.values())
        words = f" {wanted} "
        partial = [
            p
            for name, p in self._province_index
            if (len(wanted) >= 3 and wanted in name) or (len(name) >= 4 and f" {name} " in words)
        ]
        return list({p.id: p for p in partial}.values())
