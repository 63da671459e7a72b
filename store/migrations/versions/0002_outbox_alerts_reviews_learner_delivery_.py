"""outbox, alerts, reviews; learner delivery fields

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 01:28:12.276848
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "alerts",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("title", sa.JSON(), nullable=True),
        sa.Column("text", sa.JSON(), nullable=False),
        sa.Column("image", sa.String(length=300), nullable=True),
        sa.Column("audience", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "outbox",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("bot_id", sa.BigInteger(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("campaign", sa.String(length=100), nullable=False),
        sa.Column("priority", sa.SmallInteger(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("attempts", sa.SmallInteger(), nullable=False),
        sa.Column("not_before", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.String(length=300), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("campaign", "chat_id", "bot_id", name="uq_outbox_campaign_chat"),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_campaign_state", ["campaign", "state"], unique=False)
        batch_op.create_index(
            "ix_outbox_claim", ["bot_id", "state", "priority", "not_before", "id"], unique=False
        )

    op.create_table(
        "reviews",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("learner_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("question_id", sa.String(length=64), nullable=False),
        sa.Column("box", sa.SmallInteger(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["learner_id"], ["learners.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("learner_id", "question_id", name="uq_reviews_learner_question"),
    )
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.create_index("ix_reviews_due", ["due_on"], unique=False)

    with op.batch_alter_table("learners", schema=None) as batch_op:
        batch_op.add_column(sa.Column("freeze_used_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("last_opened_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("timezone", sa.String(length=40), nullable=True))
        batch_op.add_column(
            sa.Column("reminders_sent", sa.SmallInteger(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("last_reminder_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("tip_cursor", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("tip_cycle_started", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("learners", schema=None) as batch_op:
        batch_op.drop_column("tip_cycle_started")
        batch_op.drop_column("tip_cursor")
        batch_op.drop_column("last_reminder_on")
        batch_op.drop_column("reminders_sent")
        batch_op.drop_column("timezone")
        batch_op.drop_column("last_opened_on")
        batch_op.drop_column("freeze_used_on")

    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.drop_index("ix_reviews_due")

    op.drop_table("reviews")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_claim")
        batch_op.drop_index("ix_outbox_campaign_state")

    op.drop_table("outbox")
    op.drop_table("alerts")
