"""/host in a private chat: each café the person set up, with this week's figures and buttons to
pause or resume it, plus the link that adds the bot to another group."""

from __future__ import annotations

from dataclasses import dataclass

from content.library import Library
from content.markup import escape
from flows.cafe.model import add_to_group_link
from flows.replies import Choice, Message
from flows.texts import Texts
from flows.tokens import make


@dataclass(frozen=True, slots=True)
class CafeFigures:
    cafe_id: int
    title: str
    enabled: bool
    present: bool
    members: int  # who answered this week
    answers: int
    correct: int
    most_missed: str | None  # the question most got wrong this week
    joined: int  # learners who started privately through this café's link


def report(cafes: list[CafeFigures], language: str, library: Library, bot_username: str) -> list[Message]:
    t = Texts(library, language)
    add = Choice(t("cafe.add_to_group"), "", url=add_to_group_link(bot_username))
    if not cafes:
        return [Message(t("host.none"), choices=((add,),))]
    messages = []
    for cafe in cafes:
        accuracy = round(100 * cafe.correct / cafe.answers) if cafe.answers else 0
        state = t("cafe.on") if cafe.enabled and cafe.present else t("host.paused")
        missed = t("host.most_missed", question=escape(cafe.most_missed)) if cafe.most_missed else ""
        text = t(
            "host.cafe",
            title=escape(cafe.title),
            state=state,
            members=cafe.members,
            answers=cafe.answers,
            accuracy=accuracy,
            joined=cafe.joined,
            missed=missed,
        )
        toggle = (
            Choice(t("host.pause"), make("host", "pause", cafe.cafe_id))
            if cafe.enabled
            else Choice(t("host.resume"), make("host", "resume", cafe.cafe_id))
        )
        messages.append(Message(text, choices=((toggle,),)))
    messages.append(Message(t("host.add_more"), choices=((add,),)))
    return messages
