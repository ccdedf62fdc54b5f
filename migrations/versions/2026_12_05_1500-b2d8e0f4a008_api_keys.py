"""api keys: a name, a role and the hash of each key

Revision ID: b2d8e0f4a008
Revises: a1c7d9e3f007
Create Date: 2026-12-05 15:00:00.000000

`api_key` holds the keys `entente keys create` makes: never the key, only its SHA-256.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "b2d8e0f4a008"
down_revision: str | None = "a1c7d9e3f007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "api_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("revoked_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.CheckConstraint(
            "role IN ('contributor', 'reviewer', 'admin')", name=op.f("ck_api_key_role")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_key")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_api_key_key_hash")),
        sa.UniqueConstraint("name", name=op.f("uq_api_key_name")),
    )


def downgrade() -> None:
    op.drop_table("api_key")
