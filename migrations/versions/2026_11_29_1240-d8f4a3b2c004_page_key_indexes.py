"""page key indexes: a country's and a pair's events on one text key (SQLite)

Revision ID: d8f4a3b2c004
Revises: c7e3f2a1b003
Create Date: 2026-11-29 12:40:00.000000

SQLite only. Each index orders the rows that drive a page of a country's or a pair's events
by one text key, the date (ISO, a fixed 10 characters) followed by the event id: the order
of (date, id). A page after a cursor is then one range of one column, which SQLite seeks
and does not test again row by row, as it does a row value `(date, id) < (?, ?)`
(`app/events/service.py: _page_sql`). PostgreSQL bounds the row value in its b-tree and
needs neither index.

Outside the models (named with `app.events.models.PAGE_KEY_PREFIX`): SQLite cannot reflect an index
on an expression, so Alembic could not compare them. A later batch migration of
`event_country` or `relation_item` copies the table without them and must make them again
(`tests/test_sqlite.py` reads the plans that use them).
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
