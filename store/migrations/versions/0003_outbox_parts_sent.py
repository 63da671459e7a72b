"""outbox: parts_sent, so a row with several parts resumes from the first unsent one

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 03:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("parts_sent", sa.SmallInteger(), nullable=False, server_default="0"))
        batch_op.create_index("ix_outbox_chat", ["bot_id", "chat_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_chat")
        batch_op.drop_column("parts_sent")
