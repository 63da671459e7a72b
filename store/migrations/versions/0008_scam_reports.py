"""Scam reports, an admin's alert in the making (kept so that nothing typed is lost), and the
spot-the-scam drills each learner did (how many, how many right). A
report is a message a person chose to report (their phone numbers and name already
removed), what the checker found, and what the admins decided. Confirmed ones teach the checker
(similar messages get the same verdict).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 10:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN, done in place by SQLite: a batch rebuild would drop the expression index.
    op.add_column("learners", sa.Column("drills_done", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("learners", sa.Column("drills_right", sa.Integer(), nullable=False, server_default="0"))
    op.create_table(
        "scam_reports",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True, autoincrement=True
        ),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("bot_id", sa.String(64), nullable=False),
        sa.Column("chat_id", sa.String(64), nullable=True),  # None once the reporter asked to be forgotten
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("light", sa.String(8), nullable=False),
        sa.Column("signals", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False, server_default="pending"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(64), nullable=True),
    )
    op.create_index("ix_scam_reports_status", "scam_reports", ["status", "id"])
    op.create_table(
        "alert_drafts",
        sa.Column("user_id", sa.String(64), primary_key=True),
        sa.Column("step", sa.String(12), nullable=False),
        sa.Column("text_vi", sa.Text(), nullable=True),
        sa.Column("text_en", sa.Text(), nullable=True),
        sa.Column("image", sa.String(250), nullable=True),
        sa.Column("audience", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_scam_reports_reporter", "scam_reports", ["channel", "bot_id", "chat_id"])


_HOUR_INDEX = ("ix_learners_lesson_hour", "learners", [sa.text("coalesce(lesson_hour, 8)")])


def downgrade() -> None:
    op.drop_table("alert_drafts")
    op.drop_table("scam_reports")
    op.drop_index(_HOUR_INDEX[0], table_name="learners")  # SQLite's rebuild cannot carry it across
    with op.batch_alter_table("learners", schema=None) as batch_op:
        batch_op.drop_column("drills_right")
        batch_op.drop_column("drills_done")
    op.create_index(*_HOUR_INDEX)
