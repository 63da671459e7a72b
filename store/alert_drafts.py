"""Alerts being composed in chat: one draft per admin, saved after every step."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Table, delete, select

from store.database import insert_or_update
from store.models import AlertDraftRow

drafts: Table = AlertDraftRow.__table__  # type: ignore[assignment]


@dataclass(frozen=True, slots=True)
class AlertDraft:
    user_id: str
    step: str
    text_vi: str | None = None
    text_en: str | None = None
    image: str | None = None
    audience: dict[str, Any] = field(default_factory=dict)


def find(connection: Connection, user_id: str) -> AlertDraft | None:
    row = connection.execute(select(drafts).where(drafts.c.user_id == user_id)).first()
    if row is None:
        return None
    return AlertDraft(row.user_id, row.step, row.text_vi, row.text_en, row.image, dict(row.audience or {}))


def save(connection: Connection, draft: AlertDraft) -> None:
    values = {
        "step": draft.step, "text_vi": draft.text_vi, "text_en": draft.text_en, "image": draft.image,
        "audience": draft.audience, "updated_at": datetime.now(UTC),
    }  # fmt: skip
    statement = insert_or_update(connection, drafts).values(user_id=draft.user_id, **values)
    connection.execute(statement.on_conflict_do_update(index_elements=["user_id"], set_=values))


def drop(connection: Connection, user_id: str) -> None:
    connection.execute(delete(drafts).where(drafts.c.user_id == user_id))
