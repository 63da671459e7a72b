"""learners and outbox addressed by (channel, bot, chat) with string ids: Zalo's ids are hex
strings, and one deployment may serve Telegram and Zalo bots side by side. Today's rows are
Telegram's; their numeric ids become their decimal strings. Learners remember the choices last
offered to them (`offered`), so a typed number answers like a button.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 06:20:00
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.String(64)


def _to_strings(batch_op: object, table: str) -> None:
    dialect = op.get_bind().dialect.name
    for column in ("bot_id", "chat_id"):
        extra = {"postgresql_using": f"{column}::text"} if dialect == "postgresql" else {}
        batch_op.alter_column(  # type: ignore[attr-defined]
            column, existing_type=sa.BigInteger(), type_=_ID, existing_nullable=False, **extra
        )


_HOUR_INDEX = ("ix_learners_lesson_hour", "learners", [sa.text("coalesce(lesson_hour, 8)")])


def upgrade() -> None:
    # SQLite's batch mode rebuilds the table and cannot carry an expression index across.
    op.drop_index(_HOUR_INDEX[0], table_name="learners")
    with op.batch_alter_table("learners", schema=None) as batch_op:
        batch_op.add_column(sa.Column("channel", sa.String(16), nullable=False, server_default="telegram"))
        batch_op.add_column(sa.Column("offered", sa.JSON(), nullable=False, server_default=sa.text("'[]'")))
        batch_op.drop_constraint("uq_learners_bot_chat", type_="unique")
        _to_strings(batch_op, "learners")
        batch_op.create_unique_constraint("uq_learners_channel_bot_chat", ["channel", "bot_id", "chat_id"])
    op.create_index(*_HOUR_INDEX)
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("channel", sa.String(16), nullable=False, server_default="telegram"))
        batch_op.drop_constraint("uq_outbox_chat_campaign", type_="unique")
        batch_op.drop_index("ix_outbox_claim")
        _to_strings(batch_op, "outbox")
        batch_op.create_unique_constraint(
            "uq_outbox_chat_campaign", ["channel", "bot_id", "chat_id", "campaign"]
        )
        batch_op.create_index(
            "ix_outbox_claim", ["channel", "bot_id", "state", "priority", "not_before", "id"]
        )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.drop_index(_HOUR_INDEX[0], table_name="learners")
    for table, unique, columns in (
        ("outbox", "uq_outbox_chat_campaign", ["bot_id", "chat_id", "campaign"]),
        ("learners", "uq_learners_bot_chat", ["bot_id", "chat_id"]),
    ):
        op.execute(sa.text(f"DELETE FROM {table} WHERE channel <> 'telegram'"))
        with op.batch_alter_table(table, schema=None) as batch_op:
            if table == "outbox":
                batch_op.drop_index("ix_outbox_claim")
                batch_op.drop_constraint("uq_outbox_chat_campaign", type_="unique")
            else:
                batch_op.drop_constraint("uq_learners_channel_bot_chat", type_="unique")
                batch_op.drop_column("offered")
            for column in ("bot_id", "chat_id"):
                extra: dict[str, Any] = (
                    {"postgresql_using": f"{column}::bigint"} if dialect == "postgresql" else {}
                )
                batch_op.alter_column(column, existing_type=_ID, type_=sa.BigInteger(), **extra)
            batch_op.drop_column("channel")
            batch_op.create_unique_constraint(unique, columns)
            if table == "outbox":
                batch_op.create_index("ix_outbox_claim", ["bot_id", "state", "priority", "not_before", "id"])
    op.create_index(*_HOUR_INDEX)
