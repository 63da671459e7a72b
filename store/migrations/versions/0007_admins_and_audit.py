"""Admins and their record: roles granted in chat or from the command line, the audit log of
every admin action, the one-time links and sessions of the web dashboard, the salt that hashes
learner ids in exports, and on alerts who wrote them.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 12:00:00
"""

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    # Plain ADD COLUMN, done in place by SQLite: no table rebuild.
    op.add_column("alerts", sa.Column("author", sa.String(64), nullable=True))
    op.create_table(
        "admin_roles",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("provinces", sa.JSON(), nullable=False, server_default=sa.text("'[]'")),
        sa.Column("granted_by", sa.String(64), nullable=True),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("user_id", "role", name="uq_admin_roles_user_role"),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_table(
        "dashboard_links",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "dashboard_sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    salt = op.create_table(
        "dashboard_salt",
        sa.Column("id", sa.SmallInteger(), primary_key=True),
        sa.Column("salt", sa.String(64), nullable=False),
    )
    # One random value per deployment, made here so that no setting has to carry it: hashed ids
    # in exports stay the same from one export to the next, and mean nothing elsewhere.
    op.bulk_insert(salt, [{"id": 1, "salt": secrets.token_hex(32)}])


def downgrade() -> None:
    for table in ("dashboard_salt", "dashboard_sessions", "dashboard_links"):
        op.drop_table(table)
    op.drop_index("ix_audit_log_at", table_name="audit_log")
    op.drop_table("audit_log")
    op.drop_table("admin_roles")
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.drop_column("author")
