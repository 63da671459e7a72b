"""The café post of the day: a tip (a scam tip or a lesson's practical task, never the same one
twice within 30 days in a group), a native quiz poll from the curriculum, and a link that brings
members into the private daily lessons.

The pool of tips mixes the scam tips with the lessons' "today's task" lines: 25 scam tips alone
would have to repeat inside 30 days. A café focused on scams gets the scam tips and the scam
modules' questions first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from content.library import Library
from content.markup import escape
from content.model import Question
from flows.cafe.model import Cafe, join_payload, start_link
from flows.daily import render_tip
from flows.option_order import option_order
from flows.replies import Choice, Message, Poll, Reply
from flows.texts import Texts

REPEAT_DAYS = 30
SCAM_MODULES = ("m5", "m6")  # protect yourself, spotting scams
# Telegram's quiz poll limits
QUESTION_LIMIT, OPTION_LIMIT, EXPLANATION_LIMIT, MAX_OPTIONS = 300, 100, 200, 12


@dataclass(frozen=True, slots=True)
class Post:
    replies: list[Reply]
    cafe: Cafe  # with its rotations moved on


def daily_post(cafe: Cafe, library: Library, day: date, open_seconds: int) -> Post:
    t = Texts(library, cafe.settings.language)
    replies: list[Reply] = []
    after_tip = _next_tip(cafe, library, day)
    tip_text = _tip_text(t, library, t.language, after_tip[1]) if after_tip[1] else None
    header = t("cafe.post_header", day=day.day, month=day.month)
    replies.append(Message(f"{header}\n\n{tip_text}" if tip_text else header))
    questions = question_pool(library, t.language, cafe.settings.focus)
    cursor = cafe.question_cursor
    if questions:
        question = questions[cursor % len(questions)]
        replies.append(poll(cafe.chat_id, question, open_seconds))
        cursor += 1
    link = start_link(cafe.bot_username, join_payload(cafe.code))
    join = Choice(t("cafe.join_button"), "", url=link)
    replies.append(Message(t("cafe.join_text"), choices=((join,),)))
    moved = cafe.but(tip_cursor=after_tip[0], question_cursor=cursor, recent_tips=after_tip[2])
    return Post(replies, moved)


def _next_tip(
    cafe: Cafe, library: Library, day: date
) -> tuple[int, str | None, tuple[tuple[str, date], ...]]:
    """(the new cursor, the tip chosen or None, the recent tips kept)."""
    since = day - timedelta(days=REPEAT_DAYS)
    recent = tuple((tip, when) for tip, when in cafe.recent_tips if when > since)
    used = {tip for tip, _ in recent}
    pool = tip_pool(library, cafe.settings.language, cafe.settings.focus)
    for step in range(len(pool)):
        position = (cafe.tip_cursor + step) % len(pool)
        if pool[position] not in used:
            return position + 1, pool[position], (*recent, (pool[position], day))
    return cafe.tip_cursor, None, recent


_POOLS: dict[tuple[int, str, str, str], tuple[Library, Any]] = {}


def _cached(kind: str, library: Library, language: str, focus: str, build: Any) -> Any:
    """Pools are built once per library, language and focus: a tick posting for 10,000 cafés
    asks for the same few pools over and over. (The library itself is not hashable.)"""
    key = (id(library), kind, language, focus)
    found = _POOLS.get(key)
    if found is None or found[0] is not library:
        found = (library, build(library, language, focus))
        _POOLS[key] = found
    return found[1]


def tip_pool(library: Library, language: str, focus: str) -> tuple[str, ...]:
    return _cached("tips", library, language, focus, _tip_pool)


def question_pool(library: Library, language: str, focus: str) -> tuple[Question, ...]:
    return _cached("questions", library, language, focus, _question_pool)


def _tip_pool(library: Library, language: str, focus: str) -> tuple[str, ...]:
    """Ids in rotation order: "tip:<id>" for a scam tip, "task:<lesson id>" for a lesson's task."""
    curriculum = library.curriculum(language)
    tips = [f"tip:{tip.id}" for tip in curriculum.tips]
    lessons = (lesson for module in curriculum.modules for lesson in module.lessons)
    tasks = [f"task:{lesson.id}" for lesson in lessons if lesson.today]
    if focus == "scams":
        return (*tips, *tasks)
    mixed: list[str] = []
    for index in range(max(len(tips), len(tasks))):
        mixed += tasks[index : index + 1] + tips[index : index + 1]
    return tuple(mixed)


def _tip_text(t: Texts, library: Library, language: str, item: str) -> str | None:
    kind, _, key = item.partition(":")
    curriculum = library.curriculum(language)
    if kind == "tip":
        tip = next((x for x in curriculum.tips if x.id == key), None)
        return render_tip(t, tip) if tip else None
    lesson = curriculum.lessons.get(key)
    return t("cafe.task", title=escape(lesson.title), today=lesson.today) if lesson else None


def fits_a_poll(question: Question) -> bool:
    return (
        len(question.question) <= QUESTION_LIMIT
        and 2 <= len(question.options) <= MAX_OPTIONS
        and all(0 < len(option.text) <= OPTION_LIMIT for option in question.options)
    )


def _question_pool(library: Library, language: str, focus: str) -> tuple[Question, ...]:
    modules = library.curriculum(language).modules
    if focus == "scams":
        scams = [m for m in modules if m.id in SCAM_MODULES]
        modules = (*scams, *(m for m in modules if m.id not in SCAM_MODULES))
    return tuple(q for m in modules for lesson in m.lessons for q in lesson.questions if fits_a_poll(q))


def poll(chat_id: str, question: Question, open_seconds: int) -> Poll:
    """The question as a quiz poll, its options in this group's own order (flows.option_order)."""
    order = option_order(chat_id, question.id, len(question.options))
    return Poll(
        question=question.question,
        options=tuple(question.options[index].text for index in order),
        correct_place=order.index(question.correct_index),
        explanation=shorten(question.explanation, EXPLANATION_LIMIT),
        open_seconds=open_seconds,
        question_id=question.id,
        order=tuple(order),
    )


def shorten(text: str, limit: int) -> str:
    """Cut between words, with an ellipsis, when `text` is over `limit` characters."""
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > 0 else limit - 1].rstrip(" ,.;:") + "…"
