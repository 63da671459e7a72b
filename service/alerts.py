"""Admins' scam alerts: read an alert file, choose the audience, enqueue one outbox row per learner.

The smallest alert file is `text: {vi: "...", en: "..."}`; `title` (text or per language) and
`image` (a picture file) are optional. Rows are inserted by one INSERT ... SELECT per language, so
an alert to a million learners is a few statements, and the campaign key makes a repeat a no-op.
Alerts have the highest priority and are the only messages sent during quiet hours.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import JSON, Connection, Table, and_, func, insert, literal, select, true, update

from content.library import Library
from content.markup import escape, markup_problems, visible_length
from flows.replies import Media, Message, Reply
from store import learners
from store.address import BotRef
from store.models import AlertRow
from store.outbox import CANCELLED, PENDING, URGENT, campaign_counts, cancel, outbox
from store.payload import to_payload

alerts: Table = AlertRow.__table__  # type: ignore[assignment]
table: Table = learners.learners_table
MESSAGE_LIMIT = 4096


class AlertError(Exception):
    """A problem with the alert file or the request, in one line for the operator."""


@dataclass(frozen=True)
class Audience:
    """Who gets an alert. Empty tuples mean no restriction; all empty means everyone."""

    languages: tuple[str, ...] = ()
    provinces: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    bots: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()  # "telegram", "zalo"

    def describe(self) -> dict[str, Any]:
        return {k: list(v) for k, v in self.__dict__.items() if v}


@dataclass(frozen=True)
class Draft:
    text: dict[str, str]
    title: dict[str, str] = field(default_factory=dict)
    image: str | None = None


def read_alert(path: Path, library: Library) -> Draft:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise AlertError(f"cannot read {path}: {error}") from None
    if not isinstance(data, dict) or not isinstance(data.get("text"), dict):
        raise AlertError(f'{path}: needs `text: {{vi: "...", en: "..."}}`')
    text = {str(k): str(v).strip() for k, v in data["text"].items() if str(v).strip()}
    missing = set(library.languages) - set(text)
    if missing:
        raise AlertError(f"{path}: text missing in {', '.join(sorted(missing))}")
    raw_title = data.get("title")
    title = {lang: str(raw_title).strip() for lang in text} if isinstance(raw_title, str) else {}
    if isinstance(raw_title, dict):
        title = {str(k): str(v).strip() for k, v in raw_title.items()}
    image = data.get("image")
    if image is not None:
        image_path = (path.parent / str(image)).resolve()
        if not image_path.is_file():
            raise AlertError(f"{path}: image {image} not found")
        image = str(image_path)
    draft = Draft(text, title, image)
    for language in text:
        body = render(draft, language, library)
        problems = markup_problems(body)
        if problems:
            raise AlertError(f"{path}: {language} text: {problems[0]}")
        if visible_length(body) > MESSAGE_LIMIT:
            raise AlertError(
                f"{path}: {language} text is {visible_length(body)} characters, over {MESSAGE_LIMIT}"
            )
    return draft


def render(draft: Draft, language: str, library: Library) -> str:
    header = library.ui[language]["alert.header"]
    title = draft.title.get(language)
    parts = [header, f"<b>{escape(title)}</b>" if title else "", draft.text[language]]
    return "\n".join(part for part in parts if part)


def _replies(draft: Draft, language: str, library: Library) -> list[Reply]:
    replies: list[Reply] = [Media("photo", draft.image)] if draft.image else []
    return [*replies, Message(render(draft, language, library))]


def _who(audience: Audience) -> Any:
    language = func.coalesce(table.c.language, table.c.language_hint)
    conditions = [learners.reachable(table), table.c.step != "new"]  # alerts reach the half-onboarded too
    if audience.languages:
        conditions.append(language.in_(audience.languages))
    if audience.provinces:
        conditions.append(table.c.province.in_(audience.provinces))
    if audience.groups:
        conditions.append(table.c.group_id.in_(audience.groups))
    if audience.bots:
        conditions.append(table.c.bot_id.in_(audience.bots))
    if audience.channels:
        conditions.append(table.c.channel.in_(audience.channels))
    return and_(*conditions)


def reach(connection: Connection, audience: Audience) -> int:
    return int(connection.execute(select(func.count()).select_from(table).where(_who(audience))).scalar_one())


def create(
    connection: Connection,
    draft: Draft,
    audience: Audience,
    library: Library,
    now: datetime,
    image_bot: BotRef | None = None,
) -> tuple[int, int]:
    """Store the alert and enqueue it for its audience; returns (alert id, rows enqueued).

    `image_bot`: the picture is a Telegram file id that only this bot can send ("tg:..."), so
    only its learners get it; everyone else gets the text alone."""
    alert_id = connection.execute(
        insert(alerts)
        .values(title=draft.title or None, text=draft.text, image=draft.image, audience=audience.describe(),
                state="sending", total=0, created_at=now)
        .returning(alerts.c.id)
    ).scalar_one()  # fmt: skip
    campaign = campaign_of(alert_id)
    language = func.coalesce(table.c.language, table.c.language_hint)
    text_only = replace(draft, image=None)
    parts: list[tuple[Draft, Any]]
    if image_bot is None:
        parts = [(draft, true())]
    else:
        own = and_(table.c.channel == image_bot.channel, table.c.bot_id == image_bot.bot_id)
        parts = [(draft, own), (text_only, ~own)]
    total = 0
    written = [lang for lang in library.languages if lang in draft.text]
    for lang in written:
        # Anyone whose language has no text of its own reads the Vietnamese one.
        speaks = language == lang if lang != "vi" else ~language.in_([x for x in written if x != "vi"])
        for shown, whose in parts:
            payload = literal(to_payload(_replies(shown, lang, library)), JSON)
            rows = select(
                table.c.channel, table.c.bot_id, table.c.chat_id, literal(campaign), literal(URGENT), payload,
                literal(PENDING), literal(0), literal(now), literal(now),
            ).where(_who(audience), speaks, whose)  # fmt: skip
            result = connection.execute(insert(outbox).from_select(_OUTBOX_COLUMNS, rows))
            total += max(result.rowcount, 0)
    connection.execute(update(alerts).where(alerts.c.id == alert_id).values(total=total))
    return alert_id, total


_OUTBOX_COLUMNS = [
    "channel", "bot_id", "chat_id", "campaign", "priority", "payload", "state", "attempts", "not_before",
    "created_at",
]  # fmt: skip


def campaign_of(alert_id: int) -> str:
    return f"alert:{alert_id}"


@dataclass(frozen=True)
class Progress:
    total: int
    counts: dict[str, int]

    @property
    def waiting(self) -> int:
        return self.counts.get("pending", 0) + self.counts.get("sending", 0)

    @property
    def done(self) -> int:
        return self.total - self.waiting


def progress(connection: Connection, alert_id: int) -> Progress:
    total = connection.execute(select(alerts.c.total).where(alerts.c.id == alert_id)).scalar_one_or_none()
    if total is None:
        raise AlertError(f"no alert {alert_id}")
    return Progress(int(total), campaign_counts(connection, campaign_of(alert_id)))


def cancel_alert(connection: Connection, alert_id: int) -> int:
    progress(connection, alert_id)  # raises for an unknown id
    stopped = cancel(connection, campaign_of(alert_id))
    connection.execute(update(alerts).where(alerts.c.id == alert_id).values(state=CANCELLED))
    return stopped
