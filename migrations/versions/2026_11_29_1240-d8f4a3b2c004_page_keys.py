"""page keys: an integer key for event documents, held by the pair items, and SQLite's
indexes of a country's and a pair's events on one text key

Revision ID: d8f4a3b2c004
Revises: c7e3f2a1b003
Create Date: 2026-11-29 12:40:00.000000

`event_document` is made again with an integer key (`doc_id`), its documents copied over,
and `relation_item.doc_id` filled from it for the event items. On SQLite only, the page key
indexes: what they are for, and why they are outside the models, is said in
`app/events/page_keys.py`, whose text of them `tests/test_sqlite.py` compares with what this
wrote. A later batch migration of `event_country` or `relation_item` copies the table
without them and must make them again.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "d8f4a3b2c004"
down_revision: str | None = "c7e3f2a1b003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = {
    "ix_page_key_event_country": (
        "event_country (country, (start_first || event_id), start_first, event_id)"
    ),
    "ix_page_key_relation_item": (
        "relation_item (a, b, type, (date_first || id), date_first, id, doc_id)"
    ),
}


def _documents(keyed: bool) -> None:
    """`event_document` made again, with or without its integer key, its rows kept."""
    op.execute("CREATE TABLE event_document_copy AS SELECT event_id, body FROM event_document")
    op.drop_table("event_document")
    columns = [sa.Column("doc_id", sa.Integer(), autoincrement=True, nullable=False)]
    if not keyed:
        columns = []
    constraints = (
        [
            sa.PrimaryKeyConstraint("doc_id", name=op.f("pk_event_document")),
            sa.UniqueConstraint("event_id", name=op.f("uq_event_document_event_id")),
        ]
        if keyed
        else [sa.PrimaryKeyConstraint("event_id", name=op.f("pk_event_document"))]
    )
    op.create_table(
        "event_document",
        *columns,
        sa.Column("event_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("body", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["event.id"], name=op.f("fk_event_document_event_id_event")
        ),
        *constraints,
    )
    op.execute(
        "INSERT INTO event_document (event_id, body) "
        "SELECT event_id, body FROM event_document_copy ORDER BY event_id"
    )
    op.drop_table("event_document_copy")


def upgrade() -> None:
    _documents(keyed=True)
    with op.batch_alter_table("relation_item", schema=None) as batch_op:
        batch_op.add_column(sa.Column("doc_id", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE relation_item SET doc_id = (SELECT d.doc_id FROM event_document AS d "
        "WHERE d.event_id = relation_item.id) WHERE type = 'event'"
    )
    if op.get_bind().dialect.name == "sqlite":
        for name, on in INDEXES.items():
            op.execute(f"CREATE INDEX {name} ON {on}")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in INDEXES:
            op.execute(f"DROP INDEX IF EXISTS {name}")
    with op.batch_alter_table("relation_item", schema=None) as batch_op:
        batch_op.drop_column("doc_id")
    _documents(keyed=False)
