"""/alert in a private chat: a national or province admin writes an urgent scam warning step by
step: the Vietnamese text, the English one or a skip, an optional picture, then a preview exactly
as learners will see it with its audience, reach and how long sending will take. "✅ Send" queues
it; while it goes out one message is edited with its progress and carries a stop button.

The draft is saved after every step (nothing typed is lost to a restart). An admin's plain text
is escaped; text that uses the bot's markup correctly (<b>, <i>, <a href>) passes as written.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection

from content.library import Library
from content.markup import escape, has_markup, markup_problems, visible_length
from flows.events import Command, Event, Picture, Press, Text
from flows.outcome import Outcome
from flows.replies import Choice, Media, Message, Reply
from flows.state import LearnerState
from flows.texts import Texts
from flows.tokens import make, parse, record_id
from service import admins, alert_admin, alerts
from store import alert_drafts
from store.address import BotRef
from store.alert_drafts import AlertDraft
from store.database import Database

MESSAGE_LIMIT = 3500  # room for the alert's header within Telegram's 4,096
ADMIN_CACHE = 60.0  # seconds: who may have a draft, so a learner's text costs no lookup
PROGRESS_EVERY = 5.0  # seconds between edits of the progress message
FILTERS = ("groups", "languages", "channels")
QUOTE_LIMIT = 600  # of a reported message, quoted in an alert drafted from it


def is_composer_command(event: Event) -> bool:
    return (isinstance(event, Command) and event.name == "alert") or (
        isinstance(event, Press) and event.token.startswith("alr:")
    )


@dataclass(frozen=True, slots=True)
class Watch:
    """An alert going out: the adapter edits the message it just sent with `text()` until done."""

    alert_id: int
    language: str


class AlertComposer:
    def __init__(
        self,
        database: Database,
        library: Library,
        bot: BotRef,
        admin_ids: tuple[int, ...],
        rate: Callable[[], Awaitable[float]],
    ) -> None:
        self.database = database
        self.library = library
        self.bot = bot
        self.admin_ids = admin_ids
        self.rate = rate
        self._staff: set[str] = set()
        self._staff_at = 0.0

    async def wants(self, user_id: str, event: Event) -> bool:
        """Is this turn the composer's: /alert, its buttons, or the text or picture a draft awaits?"""
        if is_composer_command(event):
            return True
        if not isinstance(event, Text | Picture) or user_id not in await self._senders():
            return False
        draft: AlertDraft | None = await self.database.run(lambda c: alert_drafts.find(c, user_id))
        return draft is not None and draft.step in ("vi", "en", "image", "audience")

    async def _senders(self) -> set[str]:
        if time.monotonic() - self._staff_at > ADMIN_CACHE:
            listed = await self.database.run(lambda c: admins.everyone(c, self.admin_ids))
            self._staff = {a.user_id for a in listed if admins.can_send_alerts(a.roles)}
            self._staff_at = time.monotonic()
        return self._staff

    async def take(self, user_id: str, event: Event, language: str) -> tuple[Outcome, Watch | None]:
        t = Texts(self.library, language)
        nobody = LearnerState(user_id, language_hint=language)
        roles = await admins.roles_of(self.database, user_id, self.admin_ids)
        if not admins.can_send_alerts(roles):
            return Outcome(nobody, [Message(t("admin.not_allowed"))], persist=False, settled=True), None
        if isinstance(event, Command):
            await self._save(AlertDraft(user_id, "vi", audience=self._default_audience(roles)))
            return self._reply(nobody, [self._ask(t, "alert.ask_vi")]), None
        draft: AlertDraft | None = await self.database.run(lambda c: alert_drafts.find(c, user_id))
        if isinstance(event, Press):
            return await self._press(nobody, t, roles, draft, event.token)
        if draft is None:
            return self._reply(nobody, [Message(t("alert.gone"))]), None
        if isinstance(event, Picture):
            if draft.step != "image":
                return self._reply(nobody, [Message(t("alert.no_picture_now"))]), None
            return await self._to_audience(nobody, t, roles, replace(draft, image=f"tg:{event.file_id}"))
        assert isinstance(event, Text)
        return await self._text(nobody, t, roles, draft, event.text)

    async def from_report(self, user_id: str, text: str, language: str) -> list[Reply]:
        """ "Turn into alert": a draft whose Vietnamese text is a warning written from a reported
        message (quoted, cut short), at the step that offers the English text."""
        t = Texts(self.library, language)
        quoted = text if len(text) <= QUOTE_LIMIT else text[:QUOTE_LIMIT] + "…"
        warning = Texts(self.library, "vi")("alert.from_report", quote=escape(quoted))
        roles = await admins.roles_of(self.database, user_id, self.admin_ids)
        draft = AlertDraft(user_id, "en_ask", text_vi=warning, audience=self._default_audience(roles))
        await self._save(draft)
        buttons = ((Choice(t("alert.add_en"), make("alr", "en", "add")),
                    Choice(t("alert.skip"), make("alr", "en", "skip"))),)  # fmt: skip
        return [
            Message(t("alert.drafted_from_report")),
            Message(warning),
            Message(t("alert.ask_en"), choices=buttons),
        ]

    # -- steps ------------------------------------------------------------------------------

    async def _text(
        self, nobody: LearnerState, t: Texts, roles: admins.Roles, draft: AlertDraft, text: str
    ) -> tuple[Outcome, Watch | None]:
        if draft.step in ("vi", "en"):
            body, problem = _admin_text(t, text)
            if problem:
                return self._reply(nobody, [Message(problem)]), None
            if draft.step == "vi":
                draft = replace(draft, text_vi=body, step="en_ask")
                await self._save(draft)
                buttons = ((Choice(t("alert.add_en"), make("alr", "en", "add")),
                            Choice(t("alert.skip"), make("alr", "en", "skip"))),)  # fmt: skip
                return self._reply(nobody, [Message(t("alert.ask_en"), choices=buttons)]), None
            return await self._ask_picture(nobody, t, replace(draft, text_en=body, step="image"))
        if draft.step == "audience":
            return await self._provinces_typed(nobody, t, roles, draft, text)
        return self._reply(nobody, [Message(t("alert.use_buttons"))]), None

    async def _ask_picture(
        self, nobody: LearnerState, t: Texts, draft: AlertDraft
    ) -> tuple[Outcome, Watch | None]:
        await self._save(draft)
        buttons = ((Choice(t("alert.skip"), make("alr", "img", "skip")),),)
        return self._reply(nobody, [Message(t("alert.ask_picture"), choices=buttons)]), None

    async def _to_audience(
        self, nobody: LearnerState, t: Texts, roles: admins.Roles, draft: AlertDraft
    ) -> tuple[Outcome, Watch | None]:
        draft = replace(draft, step="audience")
        await self._save(draft)
        return self._reply(nobody, await self._preview(t, roles, draft)), None

    async def _preview(self, t: Texts, roles: admins.Roles, draft: AlertDraft) -> list[Reply]:
        """The alert as learners will see it, then who gets it, how many and how long it takes."""
        shown = self._draft(draft)
        replies: list[Reply] = [Message(t("alert.preview"))]
        for language in shown.text:
            if shown.image:
                replies.append(Media("photo", shown.image))
            replies.append(Message(alerts.render(shown, language, self.library)))
        audience = _audience(draft.audience)
        reach = await self.database.run(lambda c: alerts.reach(c, audience))
        seconds = math.ceil(reach / max(await self.rate(), 0.1))
        summary = t(
            "alert.summary",
            audience=escape(self._describe(t, draft.audience)),
            reach=reach,
            minutes=max(1, math.ceil(seconds / 60)),
        )
        replies.append(Message(summary, choices=self._audience_buttons(t, roles, draft)))
        return replies

    def _audience_buttons(
        self, t: Texts, roles: admins.Roles, draft: AlertDraft
    ) -> tuple[tuple[Choice, ...], ...]:
        chosen = draft.audience
        rows: list[tuple[Choice, ...]] = []
        scope = admins.send_scope(roles)
        if scope is None:
            rows.append(
                (Choice(_mark(t("alert.everyone"), not chosen.get("provinces")), make("alr", "prov", "all")),)
            )
        else:
            rows.append(tuple(
                Choice(_mark(self._province(p), p in chosen.get("provinces", ())), make("alr", "prov", p))
                for p in scope[:6]
            ))  # fmt: skip
        rows.append(tuple(
            Choice(_mark(self._group(g.id), g.id in chosen.get("groups", ())), make("alr", "grp", g.id))
            for g in self.library.groups
        ))  # fmt: skip
        languages, channels = chosen.get("languages", ()), chosen.get("channels", ())
        rows.append(tuple(
            Choice(_mark(t(f"language.{code}"), code in languages), make("alr", "lang", code))
            for code in self.library.offered
        ))  # fmt: skip
        rows.append(tuple(
            Choice(_mark(t(f"alert.channel.{name}"), name in channels), make("alr", "chan", name))
            for name in ("telegram", "zalo")
        ))  # fmt: skip
        rows.append(
            (
                Choice(t("alert.send"), make("alr", "send", 1)),
                Choice(t("alert.cancel"), make("alr", "cancel", 1)),
            )
        )
        return tuple(rows)

    async def _provinces_typed(
        self, nobody: LearnerState, t: Texts, roles: admins.Roles, draft: AlertDraft, text: str
    ) -> tuple[Outcome, Watch | None]:
        """A national admin may type province names for the audience ("Huế, Đà Nẵng")."""
        wanted = [self._province_id(name) for name in text.split(",") if name.strip()]
        if not wanted or None in wanted:
            return self._reply(nobody, [Message(t("alert.unknown_province"))]), None
        allowed = admins.send_scope(roles)
        chosen = [p for p in wanted if p is not None and (allowed is None or p in allowed)]
        draft = replace(draft, audience={**draft.audience, "provinces": chosen})
        return await self._to_audience(nobody, t, roles, draft)

    async def _press(
        self, nobody: LearnerState, t: Texts, roles: admins.Roles, draft: AlertDraft | None, token: str
    ) -> tuple[Outcome, Watch | None]:
        parsed = parse(token)
        if parsed is None:
            return Outcome(nobody, ack=t("button.stale_notice"), persist=False), None
        what, value = parsed.arg(0), parsed.arg(1)
        if what == "stop":
            return await self._stop(nobody, t, value), None
        if draft is None:
            return self._reply(nobody, [Message(t("alert.gone"))], settled=True), None
        if what == "cancel":
            await self.database.run(lambda c: alert_drafts.drop(c, draft.user_id))
            return self._reply(nobody, [Message(t("alert.dropped"))], settled=True), None
        if what == "en" and draft.step == "en_ask":
            if value == "add":
                await self._save(replace(draft, step="en"))
                return self._reply(nobody, [self._ask(t, "alert.ask_en_text")], settled=True), None
            return await self._ask_picture(nobody, t, replace(draft, step="image"))
        if what == "img" and draft.step == "image":
            return await self._to_audience(nobody, t, roles, draft)
        if draft.step != "audience":
            return Outcome(nobody, ack=t("button.stale_notice"), persist=False), None
        if what == "send":
            return await self._send(nobody, t, roles, draft)
        changed = self._choose(roles, draft.audience, what, value)
        if changed is None:
            return Outcome(nobody, ack=t("button.stale_notice"), persist=False), None
        return await self._to_audience(nobody, t, roles, replace(draft, audience=changed))

    def _choose(
        self, roles: admins.Roles, audience: dict[str, Any], what: str, value: str
    ) -> dict[str, Any] | None:
        """The audience after one press: a filter's value toggled on or off."""
        scope = admins.send_scope(roles)
        field, known = {
            "prov": ("provinces", set(scope) if scope is not None else {"all"}),
            "grp": ("groups", {g.id for g in self.library.groups}),
            "lang": ("languages", set(self.library.offered)),
            "chan": ("channels", {"telegram", "zalo"}),
        }.get(what, ("", set()))
        if not field or value not in known:
            return None
        if value == "all":
            return {**audience, "provinces": []}
        current = list(audience.get(field, ()))
        updated = [v for v in current if v != value] if value in current else [*current, value]
        if field == "provinces" and scope is not None and not updated:
            return None  # a province admin always sends within at least one of their provinces
        return {**audience, field: updated}

    async def _send(
        self, nobody: LearnerState, t: Texts, roles: admins.Roles, draft: AlertDraft
    ) -> tuple[Outcome, Watch | None]:
        audience = _audience(draft.audience)
        scope = admins.send_scope(roles)
        if scope is not None and not (audience.provinces and set(audience.provinces) <= set(scope)):
            return self._reply(nobody, [Message(t("admin.not_allowed"))], settled=True), None
        shown = self._draft(draft)
        now = datetime.now(UTC)
        image_bot = self.bot if shown.image else None

        def work(connection: Connection) -> tuple[int, int]:
            alert_id, total = alerts.create(connection, shown, audience, self.library, now, image_bot)
            alert_admin.created(connection, alert_id, draft.user_id, audience.describe(), total)
            alert_drafts.drop(connection, draft.user_id)
            return alert_id, total

        alert_id, _ = await self.database.run(work)
        progress = await self.progress(alert_id, t.language)
        return self._reply(nobody, [progress], settled=True), Watch(alert_id, t.language)

    async def _stop(self, nobody: LearnerState, t: Texts, value: str) -> Outcome:
        alert_id = record_id(value)
        if alert_id is None:
            return Outcome(nobody, ack=t("button.stale_notice"), persist=False)
        code, stopped = await alert_admin.cancel_alert(
            self.database, nobody.chat_id, self.admin_ids, alert_id
        )
        if code != "ok":
            return Outcome(nobody, ack=t(f"alert.stop.{code}"), persist=False)
        return Outcome(
            nobody,
            [Message(t("alert.stopped", stopped=stopped))],
            ack=t("alert.stopped_notice"),
            persist=False,
        )

    # -- progress ---------------------------------------------------------------------------

    async def progress(self, alert_id: int, language: str) -> Message:
        """Sent, failed, blocked, waiting and the time left; a stop button while it goes out."""
        t = Texts(self.library, language)
        state = await self.database.run(lambda c: alerts.progress(c, alert_id))
        counts = state.counts
        sent = counts.get("sent", 0)
        failed = counts.get("failed", 0)
        blocked = counts.get("blocked", 0) + counts.get("dropped", 0)
        stopped = counts.get("cancelled", 0)
        if state.waiting == 0:
            key = "alert.progress_stopped" if stopped else "alert.progress_done"
            return Message(t(key, id=alert_id, sent=sent, failed=failed, blocked=blocked, stopped=stopped))
        seconds = math.ceil(state.waiting / max(await self.rate(), 0.1))
        text = t(
            "alert.progress", id=alert_id, sent=sent, failed=failed, blocked=blocked, waiting=state.waiting,
            minutes=max(1, math.ceil(seconds / 60)),
        )  # fmt: skip
        return Message(text, choices=((Choice(t("alert.stop_button"), make("alr", "stop", alert_id)),),))

    async def watch(self, watch: Watch, edit: Callable[[Message], Awaitable[None]], shown: str) -> None:
        """Edit the progress message (now showing `shown`) every few seconds until the alert is
        out or stopped; an unchanged count is not edited again."""
        while True:
            await _sleep(PROGRESS_EVERY)
            message = await self.progress(watch.alert_id, watch.language)
            if message.text != shown:
                await edit(message)
                shown = message.text
            if not message.choices:
                await self.database.run(lambda c: alert_admin.sent(c, "bot", watch.alert_id))
                return

    # -- helpers ----------------------------------------------------------------------------

    def _ask(self, t: Texts, key: str) -> Message:
        return Message(t(key), choices=((Choice(t("alert.cancel"), make("alr", "cancel", 1)),),))

    @staticmethod
    def _reply(nobody: LearnerState, replies: list[Reply], settled: bool = False) -> Outcome:
        return Outcome(nobody, replies, settled=settled, persist=False)

    async def _save(self, draft: AlertDraft) -> None:
        await self.database.run(lambda c: alert_drafts.save(c, draft))

    def _draft(self, draft: AlertDraft) -> alerts.Draft:
        text = {"vi": draft.text_vi or ""}
        if draft.text_en:
            text["en"] = draft.text_en
        return alerts.Draft(text=text, image=draft.image)

    @staticmethod
    def _default_audience(roles: admins.Roles) -> dict[str, Any]:
        scope = admins.send_scope(roles)
        return {"provinces": list(scope) if scope else []}

    def _describe(self, t: Texts, audience: dict[str, Any]) -> str:
        parts = [", ".join(self._province(p) for p in audience.get("provinces", ())) or t("alert.everyone")]
        parts += [self._group(g) for g in audience.get("groups", ())]
        parts += [t(f"language.{code}") for code in audience.get("languages", ())]
        parts += [t(f"alert.channel.{c}") for c in audience.get("channels", ())]
        return " · ".join(parts)

    def _province(self, province_id: str) -> str:
        found = self.library.province_ids.get(province_id)
        return found.name("vi") if found is not None else province_id

    def _province_id(self, typed: str) -> str | None:
        wanted = typed.strip().casefold()
        return next(
            (
                pid
                for pid, named in self.library.province_ids.items()
                if wanted in (pid, named.name("vi").casefold())
            ),
            None,
        )

    def _group(self, group_id: str) -> str:
        found = next((g for g in self.library.groups if g.id == group_id), None)
        return found.name("vi") if found is not None else group_id


def _mark(label: str, chosen: bool) -> str:
    return f"✓ {label}" if chosen else label


def _audience(described: dict[str, Any]) -> alerts.Audience:
    return alerts.Audience(
        languages=tuple(described.get("languages", ())),
        provinces=tuple(described.get("provinces", ())),
        groups=tuple(described.get("groups", ())),
        channels=tuple(described.get("channels", ())),
    )


def _admin_text(t: Texts, text: str) -> tuple[str, str | None]:
    """(the text as learners will get it, or a problem to tell the admin)."""
    body = text.strip()
    # written in the bot's markup, correctly: kept as written; anything else is plain text
    shown = body if has_markup(body) and not markup_problems(body) else escape(body)
    if not body:
        return "", t("alert.empty")
    if visible_length(shown) > MESSAGE_LIMIT:
        return "", t("alert.too_long", limit=MESSAGE_LIMIT)
    return shown, None


async def _sleep(seconds: float) -> None:
    await asyncio.sleep(seconds)
