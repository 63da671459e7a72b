"""The café desk: everything that happens in a group with the bot in it, and a host's /host.

Channel adapters turn a group's updates into these calls and show what comes back; the desk
loads and stores cafés and asks flows/cafe what to say. Nothing here knows a chat library.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Connection

from content.library import Library
from flows import course
from flows.cafe import group_texts, host_report, setup_menu
from flows.cafe.model import Cafe, CafeSettings
from flows.cafe.scores import leaderboard, streak_after, week_start
from flows.replies import Message, Reply
from flows.texts import Texts
from flows.tokens import parse, record_id
from service.cafe_posts import post_today
from store import cafes, outbox
from store.address import BotRef
from store.database import Database

TOP_EVERY = timedelta(seconds=60)  # at most one new leaderboard a minute per group
CODE_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"

IsAdmin = Callable[[], Awaitable[bool]]


@dataclass(frozen=True, slots=True)
class GroupCommand:
    """A command someone sent in a group. `as_group`: an anonymous admin, writing as the group."""

    chat_id: str
    title: str
    thread_id: int | None
    user_id: str | None
    name: str
    as_group: bool = False


@dataclass(slots=True)
class GroupReply:
    """What to show in the group. `edit`: the id of the bot's message to edit with the first
    reply instead of sending it; `is_top`: the reply is a leaderboard (its id is kept)."""

    replies: list[Reply] = field(default_factory=list)
    thread_id: int | None = None
    edit: int | None = None
    is_top: bool = False


@dataclass(slots=True)
class PressReply:
    """A button pressed in a group: a notice for the presser, and what the pressed message becomes."""

    notice: str | None = None
    becomes: Message | None = None


class CafeDesk:
    def __init__(
        self, database: Database, library: Library, zone: ZoneInfo, bot: BotRef, username: str
    ) -> None:
        self.database = database
        self.library = library
        self.zone = zone
        self.bot = bot
        self.username = username
        self._boards: dict[str, str] = {}  # the leaderboard last shown in each group, to skip same edits
        self._top_at: dict[str, datetime] = {}  # when each group's leaderboard was last posted

    def _today(self) -> datetime:
        return datetime.now(self.zone)

    def _language(self, stored: cafes.Stored | None) -> str:
        return stored.cafe.settings.language if stored is not None else "vi"

    async def _find(self, chat_id: str) -> cafes.Stored | None:
        return await self.database.run(lambda c: cafes.find(c, self.bot, chat_id))

    # -- the bot's membership ---------------------------------------------------------------

    async def added(self, chat_id: str) -> list[Reply]:
        """Added (or added back): a café the group had resumes; everyone gets the hello."""
        stored = await self._find(chat_id)
        await self.database.run(lambda c: cafes.set_present(c, self.bot, chat_id, True))
        return [group_texts.hello(self.library, self._language(stored))]

    async def removed(self, chat_id: str) -> None:
        """Removed or kicked: the café pauses and nothing more is sent there."""

        def work(connection: Connection) -> None:
            if cafes.set_present(connection, self.bot, chat_id, False):
                outbox.drop_chat(connection, self.bot, chat_id)

        await self.database.run(work)

    async def migrated(self, old_chat: str, new_chat: str) -> None:
        await self.database.run(lambda c: cafes.migrate(c, self.bot, old_chat, new_chat))

    # -- commands ---------------------------------------------------------------------------

    async def command(self, command: GroupCommand, is_admin: IsAdmin) -> GroupReply:
        """/cafe and /cafe_now for admins, /top for everyone, the hello again for /help; other
        commands (/start, which the add-to-group link sends after the hello) get nothing."""
        stored = await self._find(command.chat_id)
        language = self._language(stored)
        if command.name == "help":
            return GroupReply([group_texts.hello(self.library, language)], command.thread_id)
        if command.name == "start":  # sent by the add-to-group link, right after the hello
            return GroupReply()
        if command.name == "top":
            return await self._top(command, stored)
        if command.name not in ("cafe", "cafe_now"):
            return GroupReply()
        if not (command.as_group or await is_admin()):
            return GroupReply([group_texts.admins_only(self.library, language)], command.thread_id)
        if command.name == "cafe":
            return await self._setup(command, stored)
        return await self._post_now(command, stored)

    async def _setup(self, command: GroupCommand, stored: cafes.Stored | None) -> GroupReply:
        def work(connection: Connection) -> CafeSettings:
            found = cafes.find(connection, self.bot, command.chat_id)
            if found is None:
                found = self._create(connection, command)
            else:
                settings = found.cafe.settings
                cafes.save_settings(connection, found.id, settings, command.thread_id, command.title)
            if command.user_id is not None:
                cafes.add_host(connection, found.id, command.user_id)
            return found.cafe.settings

        settings = await self.database.run(work)
        return GroupReply([setup_menu.menu(settings, self.library)], command.thread_id)

    def _create(self, connection: Connection, command: GroupCommand) -> cafes.Stored:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
        cafe = Cafe(command.chat_id, code, self.username, thread_id=command.thread_id)
        cafe_id = cafes.create(connection, self.bot, cafe, command.title, datetime.now(UTC))
        found = cafes.find_by_id(connection, cafe_id)
        assert found is not None
        return found

    async def _post_now(self, command: GroupCommand, stored: cafes.Stored | None) -> GroupReply:
        """Today's post at once (a café with default settings is made if there is none); it goes
        through the outbox under today's key, so the scheduled one will not follow it."""
        now = self._today()

        def work(connection: Connection) -> tuple[bool, str]:
            found = cafes.find(connection, self.bot, command.chat_id) or self._create(connection, command)
            if command.user_id is not None:
                cafes.add_host(connection, found.id, command.user_id)
            if not found.cafe.present:
                cafes.set_present(connection, self.bot, command.chat_id, True)
            queued = post_today(connection, self.library, self.bot, found, now.date(), now.astimezone(UTC))
            return queued, found.cafe.settings.language

        queued, language = await self.database.run(work)
        if queued:
            return GroupReply()
        return GroupReply([group_texts.already_posted(self.library, language)], command.thread_id)

    async def _top(self, command: GroupCommand, stored: cafes.Stored | None) -> GroupReply:
        """At most one new leaderboard a minute: a /top within the minute refreshes the one
        shown (when the scores moved) or is ignored. The minute is claimed before anything is
        awaited, so a burst handled concurrently still posts once."""
        if stored is None:
            return GroupReply([group_texts.hello(self.library)], command.thread_id)
        now = datetime.now(UTC)
        chat = command.chat_id
        last = self._top_at.get(chat) or (_aware(stored.top_at) if stored.top_at else None)
        recent = last is not None and now - last < TOP_EVERY
        if not recent:
            self._top_at[chat] = now
        monday = week_start(self._today().date())
        standings = await self.database.run(lambda c: cafes.standings(c, stored.id, monday))
        board = leaderboard(standings, stored.cafe.settings.language, self.library)
        if recent:
            if self._boards.get(chat) == board.text or stored.top_message_id is None:
                return GroupReply()  # nothing new, or the one of this minute is still on its way
            self._boards[chat] = board.text
            return GroupReply([board], stored.cafe.thread_id, edit=stored.top_message_id)
        self._boards[chat] = board.text
        await self.database.run(lambda c: cafes.set_top(c, stored.id, None, now))
        return GroupReply([board], command.thread_id or stored.cafe.thread_id, is_top=True)

    async def top_sent(self, chat_id: str, message_id: int) -> None:
        """The leaderboard just posted: a /top within the minute edits this one."""
        stored = await self._find(chat_id)
        if stored is not None:
            await self.database.run(lambda c: cafes.set_top(c, stored.id, message_id, datetime.now(UTC)))

    # -- the setup menu's buttons -----------------------------------------------------------

    async def press(self, chat_id: str, token: str, as_group: bool, is_admin: IsAdmin) -> PressReply:
        parsed = parse(token)
        stored = await self._find(chat_id)
        language = self._language(stored)
        if parsed is None or parsed.action != "cafe" or stored is None:
            return PressReply(Texts(self.library, language)("button.stale_notice"))
        if not (as_group or await is_admin()):
            return PressReply(group_texts.notice(self.library, language, "admins_only_notice"))
        field_name, value = parsed.arg(0), parsed.arg(1)
        if field_name == "done":
            return PressReply(
                group_texts.notice(self.library, language, "saved_notice"),
                setup_menu.summary(stored.cafe.settings, self.library),
            )
        changed = setup_menu.apply(stored.cafe.settings, self.library, field_name, value)
        if changed is None:
            return PressReply(Texts(self.library, language)("button.stale_notice"))
        await self.database.run(
            lambda c: cafes.save_settings(c, stored.id, changed, stored.cafe.thread_id, _title(stored))
        )
        return PressReply(
            group_texts.notice(self.library, changed.language, "saved_notice"),
            setup_menu.menu(changed, self.library),
        )

    # -- answers ----------------------------------------------------------------------------

    async def poll_answer(self, poll_id: str, user_id: str, first_name: str, places: list[int]) -> bool:
        """Credit a member's answer to a café poll; they need not have started the bot. False
        when it is not a café poll, a vote was withdrawn, or it was counted already."""
        if not places:
            return False
        today = self._today().date()

        def work(connection: Connection) -> bool:
            poll = cafes.poll(connection, self.bot, poll_id)
            if poll is None:
                return False
            found = cafes.member(connection, poll.cafe_id, user_id)
            streak = streak_after(
                found.streak if found else 0,
                found.last_answer_on if found else None,
                poll.previous_post_on,
                today,
            )
            right = places[0] == poll.correct_place
            return cafes.record_answer(
                connection, poll.cafe_id, poll_id, poll.question_id, user_id, first_name, right, today, streak
            )

        return await self.database.run(work)

    # -- a host's private view --------------------------------------------------------------

    async def host(self, user_id: str, language: str) -> list[Message]:
        monday = week_start(self._today().date())
        figures = await self.database.run(lambda c: cafes.hosted(c, user_id, monday))
        shown = [
            host_report.CafeFigures(
                f.cafe_id, f.title, f.enabled, f.present, f.members, f.answers, f.correct,
                self._question_text(language, f.most_missed), f.joined,
            )
            for f in figures
        ]  # fmt: skip
        return host_report.report(shown, language, self.library, self.username)

    def _question_text(self, language: str, question_id: str | None) -> str | None:
        if question_id is None:
            return None
        question = course.question(self.library, language, question_id)
        return question.question if question is not None else None

    async def host_press(self, user_id: str, token: str, language: str) -> tuple[str, list[Message]] | None:
        """Pause or resume one of the person's cafés; None for a token that is not theirs."""
        parsed = parse(token)
        if parsed is None or parsed.action != "host" or parsed.arg(0) not in ("pause", "resume"):
            return None
        cafe_id = record_id(parsed.arg(1))
        if cafe_id is None:
            return None
        enable = parsed.arg(0) == "resume"

        def work(connection: Connection) -> bool:
            if not cafes.is_host(connection, cafe_id, user_id):
                return False
            cafes.set_enabled(connection, cafe_id, enable)
            return True

        if not await self.database.run(work):
            return None
        key = "host.resumed_notice" if enable else "host.paused_notice"
        return Texts(self.library, language)(key), await self.host(user_id, language)


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; they were written in UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _title(stored: cafes.Stored) -> str:
    return stored.title
