"""SQLite's page key indexes: a country's and a pair's events on one text key.

Each index orders the rows that drive a page of a country's or a pair's events by the date
(ISO, a fixed 10 characters) followed by the event id, the order of (date, id): a page after
a cursor is one range of one column, which SQLite seeks and does not test again on every row
it reads, as it does a row value (`app/events/service.py: _page_sql`). A pair's index also
holds each event's document key, which the page joins by. PostgreSQL bounds the row value
in its b-tree and has none of them.

The migration d8f4a3b2c004 made them, outside the models: SQLite cannot reflect an index on
an expression, so Alembic could not compare them (`app.migrations.include_name` leaves their
names alone, and `tests/test_sqlite.py` checks that the database holds exactly these).
"""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection

PREFIX = "ix_page_key_"
# name -> (table, the indexed expressions), as the migration wrote them.
INDEXES = {
    "ix_page_key_event_country": (
        "event_country",
        "country, (start_first || event_id), start_first, event_id",
    ),
    "ix_page_key_relation_item": (
        "relation_item",
        "a, b, type, (date_first || id), date_first, id, doc_id",
    ),
}


def create_sql(name: str) -> str:
    table, expressions = INDEXES[name]
    return f"CREATE INDEX {name} ON {table} ({expressions})"


@contextmanager
def set_aside(connection: Connection, table: str) -> Iterator[None]:
    """SQLite: the table's page key index dropped while its rows are written in bulk and
    built once after (one sort, where inserting a million keys at random places took several
    times longer); inside the caller's transaction, so a failed write keeps the index."""
    names = [name for name, (on, _) in INDEXES.items() if on == table]
    if connection.dialect.name != "sqlite" or not names:
        yield
        return
    for name in names:
        connection.exec_driver_sql(f"DROP INDEX IF EXISTS {name}")
    yield
    for name in names:
        connection.exec_driver_sql(create_sql(name))
