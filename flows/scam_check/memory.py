"""Messages the admins have confirmed, and how many people reported each.

Scam texts go out in thousands of copies that differ in the amount, the phone number, the name or
a word or two. Once an admin has confirmed one, every near copy gets the confirmed answer, and
the learner hears how many others reported it ("47 người đã báo tin giống tin này"), which
persuades more than any list of signs.

Copies are compared after folding (case, diacritics, spacing and punctuation ignored) and with
every number turned into "0", by rapidfuzz's similarity. The threshold comes from the labelled
set (bench/scam_check.py: edited copies of each message against every other message), is kept
in content/scam/thresholds.yaml and passed in by the caller.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz, process

from content.scam_data import fold

Answer = Literal["scam", "safe"]

# Below this many characters (after folding) two messages are too short to call copies:
# "alo" or "ok em" would match half the messages anyone sends.
MIN_CHARS = 24
DEFAULT_THRESHOLD = 0.805

_NUMBERS = re.compile(r"\d+(?:[\s.,:/-]\d+)*")
_NOT_WORDS = re.compile(r"[^\w]+")


@dataclass(frozen=True, slots=True)
class Remembered:
    verdict: Answer
    reports: int
    similarity: float


def memory_key(text: str) -> str:
    """The form in which two copies of one message are compared."""
    return " ".join(_NOT_WORDS.sub(" ", _NUMBERS.sub("0", fold(text))).split())


def similarity(first: str, second: str) -> float:
    """How alike two messages are, 0 to 1, on their `memory_key`s (shared by the memory and the
    bench that chooses its threshold)."""
    return fuzz.ratio(first, second) / 100


class Memory:
    """Confirmed messages, each with its answer and the number of reports behind it.

    `add` puts the reports of a near copy with the same answer on the message it copies, so the
    memory grows with kinds of scam, not with copies. Entries given to the constructor (the
    store's rows) are kept as they are, which keeps start-up linear; `match` adds up the reports
    of every near copy anyway.
    """

    def __init__(
        self,
        entries: Iterable[tuple[str, Answer, int]] = (),
        *,
        threshold: float = DEFAULT_THRESHOLD,
    ) -> None:
        self.threshold = threshold
        self._keys: list[str] = []
        self._verdicts: list[Answer] = []
        self._reports: list[int] = []
        for text, verdict, reports in entries:
            self._keep(memory_key(text), verdict, reports)

    def __len__(self) -> int:
        return len(self._keys)

    def add(self, text: str, verdict: Answer, reports: int = 1) -> None:
        key = memory_key(text)
        if len(key) < MIN_CHARS:
            return
        for index, _ in self._similar(key):
            if self._verdicts[index] == verdict:
                self._reports[index] += reports
                return
        self._keep(key, verdict, reports)

    def match(self, text: str) -> Remembered | None:
        """The confirmed answer for a near copy of `text`, or None.

        When copies with both answers are near, the closest decides and a tie goes to "scam";
        `reports` adds up the reports of every near copy with that answer.
        """
        key = memory_key(text)
        if len(key) < MIN_CHARS:
            return None
        near = self._similar(key)
        if not near:
            return None
        best = max(score for _, score in near)
        top = {self._verdicts[index] for index, score in near if score == best}
        verdict: Answer = "scam" if "scam" in top else "safe"
        reports = sum(self._reports[index] for index, _ in near if self._verdicts[index] == verdict)
        return Remembered(verdict, reports, round(best, 3))

    def _keep(self, key: str, verdict: Answer, reports: int) -> None:
        if len(key) >= MIN_CHARS:
            self._keys.append(key)
            self._verdicts.append(verdict)
            self._reports.append(reports)

    def _similar(self, key: str) -> list[tuple[int, float]]:
        """(index, similarity) of every entry at or above the threshold, closest first."""
        found = process.extract(
            key, self._keys, scorer=fuzz.ratio, score_cutoff=self.threshold * 100, limit=None
        )
        return [(index, score / 100) for _, score, index in found]
