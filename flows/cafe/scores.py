"""The café's scores: this week's leaderboard (/top) and Sunday evening's congratulations. Weeks
run Monday to Sunday; counting only this week's answers is what makes Monday start fresh."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from content.library import Library
from content.markup import escape
from flows.replies import Message
from flows.texts import Texts

TOP = 10
MEDALS = ("🥇", "🥈", "🥉")


@dataclass(frozen=True, slots=True)
class Standing:
    first_name: str
    correct: int
    answered: int
    streak: int  # café days in a row with an answer


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def ranked(standings: list[Standing]) -> list[Standing]:
    """Most right answers first; on a tie, fewer answers (better accuracy), then the streak."""
    return sorted(standings, key=lambda s: (-s.correct, s.answered, -s.streak, s.first_name))


def streak_after(streak: int, last_answer_on: date | None, previous_post_on: date | None, today: date) -> int:
    """A member's café streak after answering today: on from the café's previous post day."""
    if last_answer_on == today:
        return streak
    if last_answer_on is not None and last_answer_on == previous_post_on:
        return streak + 1
    return 1


def leaderboard(standings: list[Standing], language: str, library: Library) -> Message:
    t = Texts(library, language)
    top = ranked(standings)[:TOP]
    if not top:
        return Message(t("cafe.top_empty"))
    lines = [
        t(
            "cafe.top_line",
            place=MEDALS[i] if i < len(MEDALS) else f"{i + 1}.",
            name=escape(s.first_name),
            correct=s.correct,
            streak=s.streak,
        )
        for i, s in enumerate(top)
    ]
    return Message(t("cafe.top", lines="\n".join(lines)))


def weekly_winners(standings: list[Standing], language: str, library: Library) -> Message | None:
    """Sunday evening: the week's top three, or nothing for a week nobody answered."""
    top = ranked(standings)[: len(MEDALS)]
    if not top:
        return None
    t = Texts(library, language)
    lines = [
        t("cafe.winner_line", medal=MEDALS[i], name=escape(s.first_name), correct=s.correct)
        for i, s in enumerate(top)
    ]
    return Message(t("cafe.week_winners", lines="\n".join(lines)))
