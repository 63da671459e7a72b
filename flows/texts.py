"""Interface strings for one learner, in their language, from content/ui/<lang>.yaml."""

from __future__ import annotations

from content.library import DEFAULT_LANGUAGE, Library


class Texts:
    __slots__ = ("_fallback", "_strings", "language")

    def __init__(self, library: Library, language: str) -> None:
        self.language = language if language in library.ui else DEFAULT_LANGUAGE
        self._strings = library.ui[self.language]
        self._fallback = library.ui[DEFAULT_LANGUAGE]

    def __call__(self, key: str, **values: object) -> str:
        template = self._strings.get(key) or self._fallback[key]
        return template.format(**values) if values else template
