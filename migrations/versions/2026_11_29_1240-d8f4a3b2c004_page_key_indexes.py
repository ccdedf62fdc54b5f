"""page key indexes: a country's and a pair's events on one text key (SQLite)

Revision ID: d8f4a3b2c004
Revises: c7e3f2a1b003
Create Date: 2026-11-29 12:40:00.000000

SQLite only: what they are for, and why they are outside the models, is said in
`app/events/page_keys.py`, whose text of them `tests/test_sqlite.py` compares with what
this wrote. A later batch migration of `event_country` or `relation_item` copies the table
without them and must make them again.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "d8f4a3b2c004"
down_revision: str | None = "c7e3f2a1b003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = {
    "ix_page_key_event_country": (
        "event_country (country, (start_first || event_id), start_first, event_id)"
    ),
    "ix_page_key_relation_item": "relation_item (a, b, type, (date_first || id), date_first, id)",
}


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name, on in INDEXES.items():
            op.execute(f"CREATE INDEX {name} ON {on}")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in INDEXES:
            op.execute(f"DROP INDEX IF EXISTS {name}")
