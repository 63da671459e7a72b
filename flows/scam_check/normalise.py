"""A message in the forms the checker reads it in.

People forward scam texts as they got them: in capitals, without diacritics, in teencode ("ck
gấp cho e 5tr"), with invisible characters inside words. The phrases are written once, in plain
words, so the message is brought to them: lower case, abbreviations spelled out, and a copy
without diacritics. The three forms stay aligned character by character with the message as
written (`origin`), so what a phrase matched can be quoted back in the sender's own spelling.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cache

from content.scam_data import Knowledge, fold, fold_char

_WORD = re.compile(r"\w+")
_NUMBER_WORD = re.compile(r"\d[\d.,]*$")
# A full stop ends a sentence only before a space or the end: "500.000" and "vneid.gov.vn" go on.
_SENTENCE_END = re.compile(r"[.!?;](?=\s|$)|\n")
_CLAUSE_END = re.compile(r"[.!?;,:](?=\s|$)|\n|\s[-–]\s")
QUOTE_CHARS = 40


@dataclass(frozen=True, slots=True)
class Normalised:
    """`marked` is lower case with abbreviations spelled out; `plain` is the same without
    diacritics and of the same length. `plain[i]` comes from `original[origin[i]]`, or from the
    abbreviation `original[origin[i] : origin_end[i] + 1]` it spells out."""

    original: str
    lowered: str
    marked: str
    plain: str
    origin: tuple[int, ...]
    origin_end: tuple[int, ...]
    has_marks: bool
    sentence_ends: tuple[int, ...]
    clause_ends: tuple[int, ...]

    def quote(self, start: int, end: int) -> str:
        """The words at `plain[start:end]` as the sender wrote them, cut short when long: a
        signal shows what it found, never the message itself."""
        if start >= end or end > len(self.origin):
            return ""
        words = " ".join(self.original[self.origin[start] : self.origin_end[end - 1] + 1].split())
        if len(words) <= QUOTE_CHARS:
            return words
        return words[:QUOTE_CHARS].rsplit(" ", 1)[0] + "…"

    def sentence(self, start: int, end: int) -> tuple[int, int]:
        """The bounds in `plain` of the sentence around `plain[start:end]`."""
        return _around(self.sentence_ends, start, end, len(self.plain))

    def clause_start(self, index: int) -> int:
        """Where the clause holding `plain[index]` starts (a comma starts a new one)."""
        before = bisect_right(self.clause_ends, index - 1) - 1
        return self.clause_ends[before] + 1 if before >= 0 else 0

    def plain_index(self, original_index: int) -> int:
        """The position in `plain` of the character at `original_index` of the message."""
        return bisect_left(self.origin, original_index)


def normalise(text: str, knowledge: Knowledge) -> Normalised:
    original = unicodedata.normalize("NFC", text)
    marked: list[str] = []
    plain: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(original):
        folded = fold_char(char)
        lower = char.lower()
        kept = lower if len(folded) == 1 and len(lower) == 1 else folded
        marked.extend(kept)
        plain.extend(folded)
        origin.extend([index] * len(folded))
    # Judged before the abbreviations are spelled out with their diacritics.
    has_marks = any(m != p and m.isalpha() for m, p in zip(marked, plain, strict=True))
    marked_text, plain_text, origins, ends = _spell_out("".join(marked), "".join(plain), origin, knowledge)
    return Normalised(
        original=original,
        lowered="".join(_lower_char(c) for c in original),
        marked=marked_text,
        plain=plain_text,
        origin=tuple(origins),
        origin_end=tuple(ends),
        has_marks=has_marks,
        sentence_ends=tuple(m.start() for m in _SENTENCE_END.finditer(plain_text)),
        clause_ends=tuple(m.start() for m in _CLAUSE_END.finditer(plain_text)),
    )


def _spell_out(
    marked: str, plain: str, origin: list[int], knowledge: Knowledge
) -> tuple[str, str, list[int], list[int]]:
    """Abbreviations replaced by their words in both forms, keeping the forms aligned; the
    origins (start and end) of each character, an expansion pointing at its whole abbreviation.

    "k" stays "k" right after a number ("50 k" is money, "k biết" is "không biết").
    """
    out_marked: list[str] = []
    out_plain: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    done = 0
    previous = ""
    for word in _WORD.finditer(plain):
        token = word.group()
        expansion = knowledge.abbreviations.get(token)
        after_number = bool(_NUMBER_WORD.match(previous))
        previous = token
        if expansion is None or (after_number and token in knowledge.kept_after_number):
            continue
        start, end = word.span()
        out_marked.append(marked[done:start])
        out_plain.append(plain[done:start])
        starts.extend(origin[done:start])
        ends.extend(origin[done:start])
        bare = fold(expansion)
        out_marked.append(expansion if len(expansion) == len(bare) else bare)
        out_plain.append(bare)
        starts.extend([origin[start]] * len(bare))
        ends.extend([origin[end - 1]] * len(bare))
        done = end
    out_marked.append(marked[done:])
    out_plain.append(plain[done:])
    starts.extend(origin[done:])
    ends.extend(origin[done:])
    return "".join(out_marked), "".join(out_plain), starts, ends


@cache
def _lower_char(char: str) -> str:
    """One character in lower case, full-width letters as plain ones ("Ｖ" is "v"), and always one
    character, so positions in `lowered` are positions in the message."""
    for candidate in (unicodedata.normalize("NFKC", char).lower(), char.lower()):
        if len(candidate) == 1:
            return candidate
    return char


def _around(ends: tuple[int, ...], start: int, end: int, length: int) -> tuple[int, int]:
    before = bisect_right(ends, start - 1) - 1
    after = bisect_left(ends, end)
    return (ends[before] + 1 if before >= 0 else 0), (ends[after] if after < len(ends) else length)
