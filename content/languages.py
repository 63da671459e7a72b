"""Which languages the content has, and how complete each must be.

Vietnamese is the source every other language is translated from. Vietnamese and English are
written by the project itself and must be complete: the check reports every id one of them lacks.
Any other language (an ethnic-minority language translated from a PO file, see
`content.translations`) may be partial: what it lacks falls back to Vietnamese, lesson by lesson,
so a translator team can ship the first module without waiting for the whole course.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

REFERENCE_LANGUAGE = "vi"
COMPLETE_LANGUAGES = frozenset({"vi", "en"})
# The ui strings a language needs before a learner can pick it: its name on the language button
# and the question under which the buttons are shown.
OFFER_KEYS = ("language.name", "language.ask")
# File names under content/ are the codes: ISO 639-1 or 639-3 (most minority languages of Viet Nam
# only have a three-letter code, e.g. hmn, tyz), with an optional variant as Babel writes it.
CODE_PATTERN = re.compile(r"^[a-z]{2,3}(_[A-Za-z0-9]{2,8})?$")


def is_partial(language: str) -> bool:
    """True for a language that may lack items; they fall back to the reference language."""
    return language not in COMPLETE_LANGUAGES


def offered(ui: Mapping[str, Mapping[str, str]]) -> tuple[str, ...]:
    """The languages a learner may choose, sorted by code: those whose own ui file names the
    language and asks the language question. A partial translation that has not reached these
    two strings yet stays loadable (for testing) but is not shown to learners."""
    return tuple(sorted(code for code, strings in ui.items() if all(strings.get(k) for k in OFFER_KEYS)))
