"""Cafés in the database: the café of a group, its hosts, the polls it posted and the answers of
its members. Plain functions of a `Connection`, run in one transaction by the caller."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Table, and_, bindparam, delete, func, insert, select, update

from flows.cafe.model import Cafe, CafeSettings
from flows.cafe.scores import Standing
from store import outbox
from store.address import BotRef
from store.models import CafeAnswerRow, CafeHostRow, CafeMemberRow, CafePollRow, CafeRow, LearnerRow

cafes: Table = CafeRow.__table__  # type: ignore[assignment]
hosts: Table = CafeHostRow.__table__  # type: ignore[assignment]
polls: Table = CafePollRow.__table__  # type: ignore[assignment]
members: Table = CafeMemberRow.__table__  # type: ignore[assignment]
answers: Table = CafeAnswerRow.__table__  # type: ignore[assignment]
learners: Table = LearnerRow.__table__  # type: ignore[assignment]


@dataclass(frozen=True, slots=True)
class Stored:
    id: int
    cafe: Cafe
    title: str
    last_post_on: date | None
    previous_post_on: date | None
    top_message_id: int | None
    top_at: datetime | None


def _of_bot(bot: BotRef) -> Any:
    return and_(cafes.c.channel == bot.channel, cafes.c.bot_id == bot.bot_id)


def to_cafe(row: Any) -> Cafe:
    settings = CafeSettings(row.language, row.hour, row.days, row.focus, row.enabled)
    recent = tuple((str(tip), date.fromisoformat(str(day))) for tip, day in row.recent_tips or ())
    return Cafe(
        chat_id=row.chat_id,
        code=row.code,
        bot_username=row.bot_username,
        settings=settings,
        present=row.present,
        thread_id=row.thread_id,
        tip_cursor=row.tip_cursor,
        question_cursor=row.question_cursor,
        recent_tips=recent,
    )


def stored_of(row: Any) -> Stored:
    """A café as read from a row of `cafes` (every column selected)."""
    return Stored(
        row.id,
        to_cafe(row),
        row.title,
        row.last_post_on,
        row.previous_post_on,
        row.top_message_id,
        row.top_at,
    )


def find(connection: Connection, bot: BotRef, chat_id: str) -> Stored | None:
    row = connection.execute(select(cafes).where(_of_bot(bot), cafes.c.chat_id == chat_id)).first()
    return stored_of(row) if row is not None else None


def find_by_id(connection: Connection, cafe_id: int) -> Stored | None:
    row = connection.execute(select(cafes).where(cafes.c.id == cafe_id)).first()
    return stored_of(row) if row is not None else None


def create(connection: Connection, bot: BotRef, cafe: Cafe, title: str, now: datetime) -> int:
    values = _settings_values(cafe.settings)
    statement = insert(cafes).returning(cafes.c.id)
    return int(
        connection.execute(
            statement,
            {
                "channel": bot.channel, "bot_id": bot.bot_id, "chat_id": cafe.chat_id,
                "thread_id": cafe.thread_id, "title": title[:128], "code": cafe.code,
                "bot_username": cafe.bot_username, "present": True,
                "tip_cursor": 0, "question_cursor": 0, "recent_tips": [], "created_at": now, **values,
            },
        ).scalar_one()
    )  # fmt: skip


def _settings_values(settings: CafeSettings) -> dict[str, Any]:
    return {
        "language": settings.language,
        "hour": settings.hour,
        "days": settings.days,
        "focus": settings.focus,
        "enabled": settings.enabled,
    }


def save_settings(
    connection: Connection, cafe_id: int, settings: CafeSettings, thread_id: int | None, title: str
) -> None:
    values = {**_settings_values(settings), "thread_id": thread_id, "title": title[:128]}
    connection.execute(update(cafes).where(cafes.c.id == cafe_id).values(values))


def set_enabled(connection: Connection, cafe_id: int, enabled: bool) -> None:
    connection.execute(update(cafes).where(cafes.c.id == cafe_id).values(enabled=enabled))


def save_post(connection: Connection, cafe_id: int, cafe: Cafe, day: date, last_post_on: date | None) -> None:
    """The rotations after a post, and the café days it was posted on (for members' streaks)."""
    values: dict[str, Any] = {
        "tip_cursor": cafe.tip_cursor,
        "question_cursor": cafe.question_cursor,
        "recent_tips": [[tip, when.isoformat()] for tip, when in cafe.recent_tips],
    }
    if last_post_on != day:
        values.update(previous_post_on=last_post_on, last_post_on=day)
    connection.execute(update(cafes).where(cafes.c.id == cafe_id).values(values))


def save_posts(connection: Connection, posted: Sequence[tuple[int, Cafe, date | None]], day: date) -> None:
    """`save_post` for many cafés, each (id, café after its post, last_post_on before it): one
    executemany per shape of row, not one round trip per café (10,000 cafés post at 7:00)."""
    moved: list[dict[str, Any]] = []
    same_day: list[dict[str, Any]] = []
    for cafe_id, cafe, last_post_on in posted:
        values: dict[str, Any] = {
            "cafe_id": cafe_id,
            "tip_cursor": cafe.tip_cursor,
            "question_cursor": cafe.question_cursor,
            "recent_tips": [[tip, when.isoformat()] for tip, when in cafe.recent_tips],
        }
        if last_post_on != day:
            moved.append({**values, "previous_post_on": last_post_on, "last_post_on": day})
        else:
            same_day.append(values)
    statement = update(cafes).where(cafes.c.id == bindparam("cafe_id"))
    for rows in (moved, same_day):
        if rows:
            connection.execute(statement, rows)


def add_host(connection: Connection, cafe_id: int, user_id: str) -> None:
    exists = select(hosts.c.id).where(hosts.c.cafe_id == cafe_id, hosts.c.user_id == user_id)
    if connection.execute(exists).first() is None:
        connection.execute(insert(hosts).values(cafe_id=cafe_id, user_id=user_id))


def is_host(connection: Connection, cafe_id: int, user_id: str) -> bool:
    query = select(hosts.c.id).where(hosts.c.cafe_id == cafe_id, hosts.c.user_id == user_id)
    return connection.execute(query).first() is not None


def set_present(connection: Connection, bot: BotRef, chat_id: str, present: bool) -> bool:
    """The bot joined or left the group; True when the group has a café."""
    result = connection.execute(
        update(cafes).where(_of_bot(bot), cafes.c.chat_id == chat_id).values(present=present)
    )
    return bool(result.rowcount)


def migrate(connection: Connection, bot: BotRef, old_chat: str, new_chat: str) -> bool:
    """A basic group became a supergroup: its café, scores and waiting posts follow it. True when
    there was something to move (a second notice of the same move finds nothing)."""
    moved = connection.execute(
        update(cafes).where(_of_bot(bot), cafes.c.chat_id == old_chat).values(chat_id=new_chat)
    ).rowcount
    outbox.move_chat(connection, bot, old_chat, new_chat)
    return bool(moved)


def existing_chats(connection: Connection, bot: BotRef, chat_ids: set[str]) -> set[str]:
    """Which of these chats have a café the bot is still in."""
    if not chat_ids:
        return set()
    query = select(cafes.c.chat_id).where(_of_bot(bot), cafes.c.chat_id.in_(chat_ids), cafes.c.present)
    return set(connection.execute(query).scalars())


def record_poll(
    connection: Connection,
    bot: BotRef,
    chat_id: str,
    poll_id: str,
    question_id: str,
    correct_place: int,
    day: date,
) -> None:
    found = find(connection, bot, chat_id)
    if found is None:
        return
    connection.execute(
        insert(polls).values(
            poll_id=poll_id,
            cafe_id=found.id,
            question_id=question_id,
            correct_place=correct_place,
            posted_on=day,
        )
    )


@dataclass(frozen=True, slots=True)
class PollOf:
    cafe_id: int
    question_id: str
    correct_place: int
    previous_post_on: date | None


def poll(connection: Connection, bot: BotRef, poll_id: str) -> PollOf | None:
    query = (
        select(polls.c.cafe_id, polls.c.question_id, polls.c.correct_place, cafes.c.previous_post_on)
        .join(cafes, cafes.c.id == polls.c.cafe_id)
        .where(polls.c.poll_id == poll_id, _of_bot(bot))
    )
    row = connection.execute(query).first()
    return PollOf(*row) if row is not None else None


def member(connection: Connection, cafe_id: int, user_id: str) -> Any:
    query = select(members).where(members.c.cafe_id == cafe_id, members.c.user_id == user_id)
    return connection.execute(query).first()


def record_answer(
    connection: Connection, cafe_id: int, poll_id: str, question_id: str, user_id: str, first_name: str,
    correct: bool, day: date, streak: int,
) -> bool:  # fmt: skip
    """False when this member already answered this poll (a redelivered update)."""
    done = select(answers.c.id).where(answers.c.poll_id == poll_id, answers.c.user_id == user_id)
    if connection.execute(done).first() is not None:
        return False
    connection.execute(
        insert(answers).values(
            cafe_id=cafe_id, user_id=user_id, poll_id=poll_id, question_id=question_id, correct=correct,
            answered_on=day,
        )
    )  # fmt: skip
    values = {"first_name": first_name[:64], "streak": streak, "last_answer_on": day}
    found = member(connection, cafe_id, user_id)
    if found is None:
        connection.execute(insert(members).values(cafe_id=cafe_id, user_id=user_id, **values))
    else:
        connection.execute(update(members).where(members.c.id == found.id).values(values))
    return True


def standings(connection: Connection, cafe_id: int, since: date) -> list[Standing]:
    """Each member's right answers and answers since `since`, with their café streak."""
    return standings_of(connection, since, [cafe_id]).get(cafe_id, [])


def standings_of(
    connection: Connection, since: date, cafe_ids: Collection[int] | None = None
) -> dict[int, list[Standing]]:
    """`standings` of many cafés (every café when `cafe_ids` is None) in one grouped query, for
    Sunday's tick: one query per café took seconds with 20,000 cafés. Cafés nobody answered in
    are absent."""
    right = func.sum(func.cast(answers.c.correct, members.c.streak.type))
    query = (
        select(members.c.cafe_id, members.c.first_name, right, func.count(answers.c.id), members.c.streak)
        .join(answers, and_(answers.c.cafe_id == members.c.cafe_id, answers.c.user_id == members.c.user_id))
        .where(answers.c.answered_on >= since)
        .group_by(members.c.id, members.c.cafe_id, members.c.first_name, members.c.streak)
    )
    if cafe_ids is not None:
        query = query.where(members.c.cafe_id.in_(list(cafe_ids)))
    found: dict[int, list[Standing]] = {}
    for cafe_id, name, correct, count, streak in connection.execute(query):
        found.setdefault(cafe_id, []).append(Standing(name, int(correct or 0), int(count), int(streak)))
    return found


def set_top(connection: Connection, cafe_id: int, message_id: int | None, at: datetime) -> None:
    connection.execute(
        update(cafes).where(cafes.c.id == cafe_id).values(top_message_id=message_id, top_at=at)
    )


@dataclass(frozen=True, slots=True)
class Figures:
    cafe_id: int
    title: str
    enabled: bool
    present: bool
    members: int
    answers: int
    correct: int
    most_missed: str | None  # a question id
    joined: int


def hosted(connection: Connection, user_id: str, since: date) -> list[Figures]:
    """The cafés this person set up, with this week's figures."""
    rows = connection.execute(
        select(cafes)
        .join(hosts, hosts.c.cafe_id == cafes.c.id)
        .where(hosts.c.user_id == user_id)
        .order_by(cafes.c.id)
    ).all()
    found = []
    for row in rows:
        week = and_(answers.c.cafe_id == row.id, answers.c.answered_on >= since)
        people, total, right = connection.execute(
            select(
                func.count(func.distinct(answers.c.user_id)),
                func.count(answers.c.id),
                func.coalesce(func.sum(func.cast(answers.c.correct, members.c.streak.type)), 0),
            ).where(week)
        ).one()
        missed = connection.execute(
            select(answers.c.question_id)
            .where(week, answers.c.correct.is_(False))
            .group_by(answers.c.question_id)
            .order_by(func.count().desc(), answers.c.question_id)
            .limit(1)
        ).scalar()
        joined = connection.execute(
            select(func.count()).where(
                learners.c.cafe_code == row.code,
                learners.c.channel == row.channel,
                learners.c.bot_id == row.bot_id,
            )
        ).scalar_one()
        found.append(
            Figures(row.id, row.title, row.enabled, row.present, int(people), int(total), int(right), missed,
                    int(joined))
        )  # fmt: skip
    return found


def forget_member(connection: Connection, channel: str, user_id: str) -> None:
    """/forget: a member's answers and name go from every café of the channel."""
    of_channel = select(cafes.c.id).where(cafes.c.channel == channel).scalar_subquery()
    for table in (answers, members):
        connection.execute(delete(table).where(table.c.user_id == user_id, table.c.cafe_id.in_(of_channel)))
