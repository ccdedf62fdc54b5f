"""Hot statements run through the database driver, compiled once per shape.

Each SQL statement run through SQLAlchemy's Core costs about ten times what SQLite spends
on a page of the events list (building the statement, its cache key, result processing;
`docs/BENCHMARKS.md`). A hot list builds its SQL text from fragments whose text depends only
on which filters a query uses (its *shape*); the text is compiled for the engine once per
shape and run on the driver's own cursor with the query's values.
"""

import datetime as dt
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import count
from typing import Any

from sqlalchemy import Connection, Insert, text
from sqlalchemy.exc import DBAPIError

# (dialect name, shape) -> (driver SQL, parameter names in positional order or None)
_COMPILED: dict[tuple[str, Hashable], tuple[str, tuple[str, ...] | None]] = {}


@dataclass
class Fragment:
    """A piece of SQL with named parameters (`:name`); `{id}` stands for the event id
    expression of the statement it goes in."""

    sql: str
    params: dict[str, Any] = field(default_factory=dict)
    # The fragment reads columns of the main table itself (not only its id).
    needs_row: bool = False


def _compile(connection: Connection, sql: str) -> tuple[str, tuple[str, ...] | None]:
    compiled = text(sql).compile(dialect=connection.dialect)
    positions = compiled.positiontup  # set for positional paramstyles (SQLite's qmark)
    return compiled.string, tuple(positions) if positions is not None else None


def _driver_values(dialect: str, params: dict[str, Any]) -> dict[str, Any]:
    # SQLite stores dates as ISO text (SQLAlchemy's Date type); psycopg adapts dates itself.
    if dialect != "sqlite":
        return params
    return {
        name: value.isoformat() if isinstance(value, dt.date) else value
        for name, value in params.items()
    }


def begin_read(connection: Connection) -> None:
    """Starts a transaction for reads: the statements that follow, run through SQLAlchemy or
    the driver, see one snapshot. On SQLite a plain `BEGIN` through the driver (SQLAlchemy's
    own costs more than the page's query); the pool's rollback on return ends it. psycopg
    begins a transaction itself with the first statement."""
    if connection.dialect.name != "sqlite" or connection.in_transaction():
        return
    driver = connection.connection.driver_connection
    if not driver.in_transaction:  # type: ignore[union-attr]
        driver.execute("BEGIN")  # type: ignore[union-attr]


def _bind(dialect: str, positions: tuple[str, ...] | None, params: dict[str, Any]) -> Any:
    """`params` as the driver takes them: in order for a positional paramstyle, else by name
    (each value converted once, however often the statement uses it)."""
    values = _driver_values(dialect, params)
    if positions is not None:
        return tuple([values[name] for name in positions])
    return values


def driver_statement(
    connection: Connection,
    shape: Hashable,
    build_sql: Callable[[], str],
    params: dict[str, Any],
) -> tuple[str, Any]:
    """The driver's SQL for `shape` (made by `build_sql` the first time) and its values."""
    dialect = connection.dialect.name
    key = (dialect, shape)
    compiled = _COMPILED.get(key)
    if compiled is None:
        compiled = _COMPILED[key] = _compile(connection, build_sql())
    sql, positions = compiled
    return sql, _bind(dialect, positions, params)


@contextmanager
def _driver_cursor(
    connection: Connection, sql: str, values: Any, name: str | None = None
) -> Iterator[Any]:
    """A cursor of the connection's driver, closed after use; a driver error is raised as
    SQLAlchemy would raise it (an OperationalError answers 503, see app/errors.py)."""
    driver = connection.connection.driver_connection
    cursor = driver.cursor(name=name) if name else driver.cursor()  # type: ignore[union-attr]
    try:
        yield cursor
    except connection.dialect.loaded_dbapi.Error as exc:
        raise DBAPIError.instance(
            sql, values, exc, connection.dialect.loaded_dbapi.Error, dialect=connection.dialect
        ) from exc
    finally:
        cursor.close()


def fetch(
    connection: Connection,
    shape: Hashable,
    build_sql: Callable[[], str],
    params: dict[str, Any],
) -> list[tuple[Any, ...]]:
    """The rows of the statement of `shape` (its text made by `build_sql` the first time)."""
    sql, values = driver_statement(connection, shape, build_sql, params)
    with _driver_cursor(connection, sql, values) as cursor:
        cursor.execute(sql, values)
        return list(cursor.fetchall())


_INSERTS: dict[tuple[str, type, str, tuple[str, ...]], tuple[str, tuple[str, ...] | None]] = {}


def execute_many(connection: Connection, insert: Insert, rows: list[dict[str, Any]]) -> int:
    """Inserts `rows` (dicts with the same keys) with the driver's `executemany`.

    The SQL is compiled once per engine, statement type, table and keys: a table has one
    statement of each type (`event_document`'s upsert is the only engine-specific one)."""
    if not rows:
        return 0
    dialect = connection.dialect.name
    keys = tuple(rows[0])
    # An engine's own INSERT (an upsert) is a type of its own: not the plain one's SQL.
    cache_key = (dialect, type(insert), insert.table.name, keys)  # type: ignore[attr-defined]
    compiled = _INSERTS.get(cache_key)
    if compiled is None:
        statement = insert.compile(dialect=connection.dialect, column_keys=list(keys))
        order = statement.positiontup
        compiled = _INSERTS[cache_key] = (
            statement.string,
            tuple(order) if order is not None else None,
        )
    sql, positions = compiled
    values = [_bind(dialect, positions, row) for row in rows]
    with _driver_cursor(connection, sql, values[:1]) as cursor:
        cursor.executemany(sql, values)
    return len(rows)


_STREAMS = count(1)


def stream(connection: Connection, sql: str, batch: int = 2000) -> Iterator[tuple[Any, ...]]:
    """The rows of `sql` (no parameters), read in batches: a server-side cursor on
    PostgreSQL, so that a million rows are never all in memory."""
    postgres = connection.dialect.name == "postgresql"
    name = f"entente_stream_{next(_STREAMS)}" if postgres else None
    with _driver_cursor(connection, sql, None, name) as cursor:
        if postgres:
            cursor.itersize = batch
        cursor.execute(sql)
        while rows := cursor.fetchmany(batch):
            yield from rows
