"""outbox: parts_sent, so a row with several parts resumes from the first unsent one; the unique
key led by (bot_id, chat_id), so it also finds one chat's rows (/forget, /mydata, delivery);
learners indexed by their lesson hour, so a tick costs what its due learners cost

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
        batch_op.drop_constraint("uq_outbox_campaign_chat", type_="unique")
        batch_op.create_unique_constraint("uq_outbox_chat_campaign", ["bot_id", "chat_id", "campaign"])
    op.create_index("ix_learners_lesson_hour", "learners", [sa.text("coalesce(lesson_hour, 8)")])


def downgrade() -> None:
    op.drop_index("ix_learners_lesson_hour", table_name="learners")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_constraint("uq_outbox_chat_campaign", type_="unique")
        batch_op.create_unique_constraint("uq_outbox_campaign_chat", ["campaign", "chat_id", "bot_id"])
        batch_op.drop_column("parts_sent")
