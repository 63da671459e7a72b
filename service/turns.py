"""One learner turn: lock the chat, load the learner, let the flow decide, save the state and its
effects, all or nothing.

Every channel calls `take` inside `send_line` and then shows the outcome its own way. The chat
lock (Redis when several processes answer) covers only the read and write of the learner's row;
the send line, an in-process lock per chat, keeps one chat's replies in the order of its turns
while they go out. Sending happens after the commit, so a crash before sending loses replies,
never progress.
"""

from __future__ import annotations

import json
import secrets
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Connection
from sqlalchemy.engine import RowMapping

from content.library import Library
from flows.certificates import code_in
from flows.context import Context
from flows.conversation import handle
from flows.daily import next_box
from flows.effects import (
    CertificateIssued,
    DrillAnswered,
    Effect,
    ForgetLearner,
    LessonFinished,
    QuestionAnswered,
    ReportFiled,
    ReviewAnswered,
)
from flows.events import Blocked, Command, Event, Press
from flows.outcome import Outcome
from flows.replies import PersonalData
from flows.state import LearnerState
from flows.texts import Texts
from service.admin_desk import AdminDesk, is_admin_event
from service.alert_composer import AlertComposer, Watch
from service.cafes import CafeDesk
from service.scam_tools import Checker, HeldTexts
from store import cafes, certificates, learners, outbox, scam_reports
from store.address import BotRef
from store.chat_locks import ChatLocks, LocalChatLocks
from store.database import Database


@dataclass(slots=True)
class Turn:
    outcome: Outcome
    personal_data: bytes | None = None
    watch: Watch | None = None  # an alert just sent: its last reply is edited with the progress


class Turns:
    """The turns of one bot. `first_message_starts`: the channel has no start button (Zalo), so
    whatever a new person writes first begins onboarding."""

    def __init__(
        self,
        database: Database,
        library: Library,
        zone: ZoneInfo,
        locks: ChatLocks,
        bot: BotRef,
        first_message_starts: bool = False,
    ) -> None:
        self.database = database
        self.library = library
        self.zone = zone
        self.locks = locks
        self.bot = bot
        self.first_message_starts = first_message_starts
        self._send_lines = LocalChatLocks()
        # The café desk of this bot, where it can be in groups (Telegram): /host goes there.
        self.cafes: CafeDesk | None = None
        self.checker = Checker(database)
        self.held = HeldTexts()
        # Admins' private commands (/reports, /grant, ...), where the channel has admins (Telegram).
        self.admin: AdminDesk | None = None
        self.composer: AlertComposer | None = None  # /alert, where admins are

    def lock(self, chat_id: str) -> AbstractAsyncContextManager[None]:
        return self.locks.hold(f"{self.bot}:{chat_id}")

    def send_line(self, chat_id: str) -> AbstractAsyncContextManager[None]:
        """Hold while taking a turn and showing its outcome: one chat's replies stay in order."""
        return self._send_lines.hold(chat_id)

    def context(self) -> Context:
        return Context(self.library, datetime.now(self.zone), self.first_message_starts)

    async def take(
        self,
        chat_id: str,
        event: Event,
        update_key: str | None,
        language_hint: str = "vi",
        display_name: str | None = None,
    ) -> Turn | None:
        """Handle one event; None when this update was already handled (platforms redeliver).
        `display_name`: the chat's first name, offered when a certificate asks for a name."""
        if self.cafes is not None and _for_hosts(event):
            return await self._host(self.cafes, chat_id, event, language_hint)
        if self.composer is not None and await self.composer.wants(chat_id, event):
            language = await self.language_of(chat_id, language_hint)
            outcome, watch = await self.composer.take(chat_id, event, language)
            return Turn(outcome, watch=watch)
        if self.admin is not None and is_admin_event(event):
            return Turn(await self.admin.take(chat_id, event, await self.language_of(chat_id, language_hint)))

        scam = await self.checker.tools()
        held = self.held.get(chat_id)

        def work(connection: Connection) -> Turn | None:
            row = learners.find(connection, self.bot, chat_id, for_update=True)
            if learners.is_duplicate(row, update_key):
                return None
            state = learners.to_state(row) if row else LearnerState(chat_id, language_hint=language_hint)
            code = code_in(event)
            ctx = Context(
                self.library,
                datetime.now(self.zone),
                self.first_message_starts,
                display_name=display_name,
                entropy=secrets.token_bytes(16),
                certificate=certificates.find(connection, code) if code else None,
                scam=scam,
                held=held,
            )
            outcome = handle(state, event, ctx)
            personal_data = None
            if any(isinstance(reply, PersonalData) for reply in outcome.replies):
                document = learners.export(connection, row)
                personal_data = json.dumps(document, ensure_ascii=False, indent=2).encode()
            save_outcome(connection, row, self.bot, outcome, update_key)
            return Turn(outcome, personal_data)

        async with self.lock(chat_id):
            turn = await self.database.run(work)
        if turn is not None and turn.outcome.hold is not None:
            self.held.put(chat_id, turn.outcome.hold)
        if turn is not None and any(isinstance(e, ReportFiled) for e in turn.outcome.effects):
            self.held.drop(chat_id)  # reported: it is in the database now, as the reporter agreed
        return turn

    async def _host(self, desk: CafeDesk, chat_id: str, event: Event, language_hint: str) -> Turn:
        """A café host's /host and its buttons: about their cafés, not their learning, so the
        learner's state is neither read for the flow nor written (a private chat's id is the
        person's id on Telegram)."""
        language = await self.language_of(chat_id, language_hint)
        nobody = LearnerState(chat_id, language_hint=language)
        if isinstance(event, Press):
            pressed = await desk.host_press(chat_id, event.token, language)
            if pressed is None:
                return Turn(
                    Outcome(nobody, ack=Texts(self.library, language)("button.stale_notice"), persist=False)
                )
            notice, report = pressed
            return Turn(Outcome(nobody, list(report), ack=notice, settled=True, persist=False))
        return Turn(Outcome(nobody, list(await desk.host(chat_id, language)), persist=False))

    async def unreachable(self, chat_id: str) -> None:
        """A reply was refused because the learner blocked the bot: the flows decide the rest."""
        now = datetime.now(self.zone)
        async with self.lock(chat_id):
            await self.database.run(
                lambda connection: learner_unreachable(connection, self.library, self.bot, chat_id, now)
            )

    async def language_of(self, chat_id: str, hint: str) -> str:
        """The language a host's or an admin's answer is in: theirs as a learner, if they are one."""
        learner = await self.find(chat_id)
        return learner.lang if learner is not None else hint

    async def find(self, chat_id: str) -> LearnerState | None:
        """The learner as stored now, for operators and tests."""
        row = await self.database.run(lambda connection: learners.find(connection, self.bot, chat_id))
        return learners.to_state(row) if row else None


def _for_hosts(event: Event) -> bool:
    if isinstance(event, Command):
        return event.name == "host"
    return isinstance(event, Press) and event.token.startswith("host:")


# A turn's effects are written next to its state, in the same transaction: answers, results,
# reviews and the right to be forgotten. The rules (which box a review moves to) are the flows';
# these functions apply them to rows.


def save_outcome(
    connection: Connection, row: RowMapping | None, bot: BotRef, outcome: Outcome, update_key: str | None
) -> None:
    """Write the new state and the effects; a forgotten learner leaves no row behind."""
    if any(isinstance(effect, ForgetLearner) for effect in outcome.effects):
        if row is not None:
            learners.forget(connection, row["id"])
        outbox.forget_chat(connection, bot, outcome.state.chat_id)
        # their name and answers in group cafés go too (a private chat's id is the person's id)
        cafes.forget_member(connection, bot.channel, outcome.state.chat_id)
        scam_reports.forget_reporter(connection, bot, outcome.state.chat_id)
        return
    if not outcome.persist:
        return
    learner_id = learners.save(connection, row, bot, outcome.state, update_key, changed=bool(outcome.effects))
    for effect in outcome.effects:
        if isinstance(effect, ReportFiled):
            chat = outcome.state.chat_id
            scam_reports.file(connection, bot, chat, effect.text, effect.light, effect.signals, effect.at)
        else:
            apply(connection, learner_id, effect)


def apply(connection: Connection, learner_id: int, effect: Effect) -> None:
    match effect:
        case QuestionAnswered():
            learners.record_answer(
                connection, learner_id, effect.lesson_id, effect.question_id, effect.option, effect.correct,
                effect.at,
            )  # fmt: skip
            if not effect.correct:  # a wrong answer comes back tomorrow, in the first box
                box, due = next_box(1, False, effect.at.date())
                learners.put_review(connection, learner_id, effect.question_id, box, due)
        case LessonFinished():
            learners.record_result(
                connection, learner_id, effect.lesson_id, effect.correct, effect.total, effect.at
            )
        case CertificateIssued():
            certificates.add(connection, learner_id, effect.record)
        case DrillAnswered():  # a drill got wrong comes back like a quiz question
            box = learners.review_box(connection, learner_id, effect.drill_id)
            if box is None and not effect.correct:
                learners.put_review(
                    connection, learner_id, effect.drill_id, *next_box(1, False, effect.at.date())
                )
            elif box is not None:
                learners.put_review(
                    connection, learner_id, effect.drill_id, *next_box(box, effect.correct, effect.at.date())
                )
        case ReviewAnswered():
            box = learners.review_box(connection, learner_id, effect.question_id)
            if box is not None:  # not under review (an old or forged button): feedback was all
                new_box, due = next_box(box, effect.correct, effect.at.date())
                learners.put_review(connection, learner_id, effect.question_id, new_box, due)


def learner_unreachable(
    connection: Connection, library: Library, bot: BotRef, chat_id: str, now: datetime
) -> None:
    """A learner the bot can no longer reach (they blocked it): the flows' `Blocked` event decides
    what that means for them, and their waiting messages are dropped. One path for both ways it is
    found out: a reply refused during a turn, or an outbox row refused by the platform."""
    row = learners.find(connection, bot, chat_id, for_update=True)
    if row is not None:
        outcome = handle(learners.to_state(row), Blocked(), Context(library, now))
        save_outcome(connection, row, bot, outcome, None)
    outbox.drop_chat(connection, bot, chat_id)
