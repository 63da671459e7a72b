"""The dashboard's summary: learners, lessons finished and live streaks counted per province by the
scheduler (`scheduler.dashboard_refresh`), so the overview and provinces pages read a few hundred
rows instead of a million learners and their lessons (`store.summaries`). Empty until the first
refresh; the pages count from the tables until then.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "dashboard_refresh",
        sa.Column("id", sa.SmallInteger(), primary_key=True),
        sa.Column("refreshed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
    )
    op.create_table(
        "dashboard_learners",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("province", sa.String(32), nullable=True),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("learners", sa.Integer(), nullable=False),
        sa.Column("onboarded", sa.Integer(), nullable=False),
        sa.Column("active", sa.Integer(), nullable=False),
        sa.Column("lessons_done", sa.BigInteger(), nullable=False),
    )
    op.create_table(
        "dashboard_lesson_days",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("province", sa.String(32), nullable=True),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("lessons", sa.Integer(), nullable=False),
    )
    op.create_table(
        "dashboard_streaks",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("province", sa.String(32), nullable=True),
        sa.Column("streak", sa.Integer(), nullable=False),
        sa.Column("learners", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    for table in ("dashboard_streaks", "dashboard_lesson_days", "dashboard_learners", "dashboard_refresh"):
        op.drop_table(table)
