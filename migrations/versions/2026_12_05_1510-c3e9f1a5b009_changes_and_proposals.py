"""changes and proposals: the audit of every change of a claim or a source, and the
proposals awaiting review

Revision ID: c3e9f1a5b009
Revises: b2d8e0f4a008
Create Date: 2026-12-05 15:10:00.000000

A database seeded before this revision has no audit of its past loads: its changes are
recorded from the next one.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c3e9f1a5b009"
down_revision: str | None = "b2d8e0f4a008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEY = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "change",
        sa.Column("seq", KEY, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("entity_id", sa.String(length=200), nullable=False),
        sa.Column("source_id", sa.String(length=200), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("seq", name="pk_change"),
    )
    op.create_index("ix_change_at", "change", ["at"])
    op.create_table(
        "proposal",
        sa.Column("id", KEY, primary_key=True, autoincrement=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("summary", sa.String(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reviewer", sa.String(length=200), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_proposal"),
    )
    op.create_index("ix_proposal_status", "proposal", ["status"])


def downgrade() -> None:
    op.drop_index("ix_proposal_status", table_name="proposal")
    op.drop_table("proposal")
    op.drop_index("ix_change_at", table_name="change")
    op.drop_table("change")
