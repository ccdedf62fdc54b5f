"""claims: every source's record of an entity kept beside the others'; aliases

Revision ID: a1c7d9e3f007
Revises: f0b6c8d2e006
Create Date: 2026-12-05 14:00:00.000000

`claim` holds each source's record of each entity, `claim_dispute` the facts on which they
differ; people, organizations, places, topics and mechanisms gain `aliases`. A database
seeded before this revision has no claims yet: its next `entente seed` writes them (the
entities' rows are unchanged by it).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a1c7d9e3f007"
down_revision: str | None = "f0b6c8d2e006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WITH_ALIASES = ("person", "organization", "place", "topic", "mechanism")


def upgrade() -> None:
    op.create_table(
        "claim",
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("entity_id", sa.String(length=200), nullable=False),
        sa.Column("source_id", sa.String(), nullable=False),
        sa.Column("rank", sa.String(length=10), nullable=False),
        sa.Column("bundle", sa.String(length=200), nullable=False),
        sa.Column("record", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["source.id"],
            name="fk_claim_source_id_source",
            deferrable=True,
            initially="DEFERRED",
        ),
        sa.PrimaryKeyConstraint("kind", "entity_id", "source_id", name="pk_claim"),
    )
    op.create_index("ix_claim_source_id_bundle", "claim", ["source_id", "bundle"])
    op.create_table(
        "claim_dispute",
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("entity_id", sa.String(length=200), nullable=False),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("kind", "entity_id", "field", name="pk_claim_dispute"),
    )
    for table in WITH_ALIASES:
        # Rows already there get no alias; the code writes the column of every new row.
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column("aliases", sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
            )
        with op.batch_alter_table(table) as batch:
            batch.alter_column("aliases", server_default=None)


def downgrade() -> None:
    for table in WITH_ALIASES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("aliases")
    op.drop_table("claim_dispute")
    op.drop_index("ix_claim_source_id_bundle", table_name="claim")
    op.drop_table("claim")
