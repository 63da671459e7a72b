"""Certificates: a table of codes anyone can check, and on each learner the lessons passed (60% or
better), the certificates earned and the name to print on them. Lessons already finished count as
passed when their kept result was 60% or better.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 09:40:00
"""

from collections import defaultdict
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_EMPTY = sa.text("'[]'")


_HOUR_INDEX = ("ix_learners_lesson_hour", "learners", [sa.text("coalesce(lesson_hour, 8)")])


def upgrade() -> None:
    # Plain ADD COLUMN, which SQLite does in place: a batch rebuild would drop the expression index.
    op.add_column("learners", sa.Column("passed", sa.JSON(), nullable=False, server_default=_EMPTY))
    op.add_column("learners", sa.Column("certificates", sa.JSON(), nullable=False, server_default=_EMPTY))
    op.add_column("learners", sa.Column("certificate_name", sa.String(64), nullable=True))
    op.create_table(
        "certificates",
        sa.Column("code", sa.String(16), primary_key=True),
        sa.Column("learner_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                  sa.ForeignKey("learners.id", ondelete="CASCADE"), nullable=False),
        sa.Column("module_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
    )  # fmt: skip
    op.create_index("ix_certificates_learner", "certificates", ["learner_id"])
    _passed_from_results()


def _passed_from_results() -> None:
    bind = op.get_bind()
    results = sa.table(
        "lesson_results", sa.column("learner_id"), sa.column("lesson_id"), sa.column("correct"),
        sa.column("total"),
    )  # fmt: skip
    learners = sa.table("learners", sa.column("id"), sa.column("passed", sa.JSON()))
    query = sa.select(results.c.learner_id, results.c.lesson_id).where(
        results.c.correct * 5 >= results.c.total * 3
    )
    passed: dict[int, list[str]] = defaultdict(list)
    for learner_id, lesson_id in bind.execute(query):
        passed[learner_id].append(lesson_id)
    update = (
        learners.update()
        .where(learners.c.id == sa.bindparam("learner"))
        .values(passed=sa.bindparam("ids", type_=sa.JSON()))
    )
    rows = [{"learner": learner, "ids": sorted(ids)} for learner, ids in passed.items()]
    for start in range(0, len(rows), 1000):
        bind.execute(update, rows[start : start + 1000])


def downgrade() -> None:
    op.drop_index("ix_certificates_learner", table_name="certificates")
    op.drop_table("certificates")
    op.drop_index(_HOUR_INDEX[0], table_name="learners")  # SQLite's rebuild cannot carry it across
    with op.batch_alter_table("learners", schema=None) as batch_op:
        batch_op.drop_column("certificate_name")
        batch_op.drop_column("certificates")
        batch_op.drop_column("passed")
    op.create_index(*_HOUR_INDEX)
