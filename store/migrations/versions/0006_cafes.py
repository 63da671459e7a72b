"""Morning cafés: cafés, their hosts, the polls they posted, the members who answered and their
answers; a topic for outbox rows bound for a forum group; and on learners the café whose link
brought them.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_HOUR_INDEX = ("ix_learners_lesson_hour", "learners", [sa.text("coalesce(lesson_hour, 8)")])


def _id() -> sa.Column:
    return sa.Column("id", _ID, primary_key=True, autoincrement=True)


def _cafe() -> sa.Column:
    return sa.Column("cafe_id", _ID, sa.ForeignKey("cafes.id", ondelete="CASCADE"), nullable=False)


def upgrade() -> None:
    # Plain ADD COLUMN, done in place by SQLite: a batch rebuild would drop the expression index.
    op.add_column("learners", sa.Column("cafe_code", sa.String(16), nullable=True))
    op.add_column("outbox", sa.Column("thread_id", sa.BigInteger(), nullable=True))
    op.create_table(
        "cafes",
        _id(),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("bot_id", sa.String(64), nullable=False),
        sa.Column("chat_id", sa.String(64), nullable=False),
        sa.Column("thread_id", sa.BigInteger(), nullable=True),
        sa.Column("title", sa.String(128), nullable=False, server_default=""),
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("bot_username", sa.String(64), nullable=False),
        sa.Column("language", sa.String(8), nullable=False, server_default="vi"),
        sa.Column("hour", sa.SmallInteger(), nullable=False, server_default="7"),
        sa.Column("days", sa.String(12), nullable=False, server_default="daily"),
        sa.Column("focus", sa.String(12), nullable=False, server_default="all"),
        sa.Column("enabled", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("present", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("tip_cursor", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("question_cursor", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("recent_tips", sa.JSON(), nullable=False, server_default=sa.text("'[]'")),
        sa.Column("last_post_on", sa.Date(), nullable=True),
        sa.Column("previous_post_on", sa.Date(), nullable=True),
        sa.Column("top_message_id", sa.BigInteger(), nullable=True),
        sa.Column("top_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("channel", "bot_id", "chat_id", name="uq_cafes_channel_bot_chat"),
        sa.UniqueConstraint("code", name="uq_cafes_code"),
    )
    op.create_index("ix_cafes_hour", "cafes", ["hour"])
    op.create_table(
        "cafe_hosts",
        _id(),
        _cafe(),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.UniqueConstraint("cafe_id", "user_id", name="uq_cafe_hosts_cafe_user"),
    )
    op.create_index("ix_cafe_hosts_user", "cafe_hosts", ["user_id"])
    op.create_table(
        "cafe_polls",
        sa.Column("poll_id", sa.String(64), primary_key=True),
        _cafe(),
        sa.Column("question_id", sa.String(64), nullable=False),
        sa.Column("correct_place", sa.SmallInteger(), nullable=False),
        sa.Column("posted_on", sa.Date(), nullable=False),
    )
    op.create_table(
        "cafe_members",
        _id(),
        _cafe(),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("first_name", sa.String(64), nullable=False),
        sa.Column("streak", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("last_answer_on", sa.Date(), nullable=True),
        sa.UniqueConstraint("cafe_id", "user_id", name="uq_cafe_members_cafe_user"),
    )
    op.create_index("ix_cafe_members_user", "cafe_members", ["user_id"])
    op.create_table(
        "cafe_answers",
        _id(),
        _cafe(),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("poll_id", sa.String(64), nullable=False),
        sa.Column("question_id", sa.String(64), nullable=False),
        sa.Column("correct", sa.Boolean(), nullable=False),
        sa.Column("answered_on", sa.Date(), nullable=False),
        sa.UniqueConstraint("poll_id", "user_id", name="uq_cafe_answers_poll_user"),
    )
    op.create_index("ix_cafe_answers_cafe_day", "cafe_answers", ["cafe_id", "answered_on"])
    op.create_index("ix_cafe_answers_user", "cafe_answers", ["user_id"])


def downgrade() -> None:
    for table in ("cafe_answers", "cafe_members", "cafe_polls", "cafe_hosts", "cafes"):
        op.drop_table(table)
    op.drop_index(_HOUR_INDEX[0], table_name="learners")  # SQLite's rebuild cannot carry it across
    with op.batch_alter_table("learners", schema=None) as batch_op:
        batch_op.drop_column("cafe_code")
    op.create_index(*_HOUR_INDEX)
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("thread_id")
