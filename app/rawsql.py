"""Hot statements run through the database driver, compiled once per shape.

Each SQL statement run through SQLAlchemy's Core costs about ten times what SQLite spends
on a page of the events list (building the statement, its cache key, result processing;
`docs/BENCHMARKS.md`). A hot list builds its SQL text from fragments whose text depends only
on which filters a query uses (its *shape*); the text is compiled for the engine once per
shape and run on the driver's own cursor with the query's values.
"""

import datetime as dt
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass, field
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


def _driver_value(dialect: str, value: Any) -> Any:
    # SQLite stores dates as ISO text (SQLAlchemy's Date type); psycopg adapts dates itself.
    if dialect == "sqlite" and isinstance(value, dt.date):
        return value.isoformat()
    return value


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
    values: Any = (
        tuple(_driver_value(dialect, params[name]) for name in positions)
        if positions is not None
        else {name: _driver_value(dialect, value) for name, value in params.items()}
    )
    return sql, values


def fetch(
    connection: Connection,
    shape: Hashable,
    build_sql: Callable[[], str],
    params: dict[str, Any],
) -> list[tuple[Any, ...]]:
    """The rows of the statement of `shape` (its text made by `build_sql` the first time)."""
    sql, values = driver_statement(connection, shape, build_sql, params)
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql, values)
        return list(cursor.fetchall())
    except connection.dialect.loaded_dbapi.Error as exc:
        # As SQLAlchemy would raise it (an OperationalError answers 503, see app/errors.py).
        raise DBAPIError.instance(
            sql, values, exc, connection.dialect.loaded_dbapi.Error, dialect=connection.dialect
        ) from exc
    finally:
        cursor.close()


_INSERTS: dict[tuple[str, str, tuple[str, ...]], tuple[str, tuple[str, ...] | None]] = {}


def execute_many(connection: Connection, insert: Insert, rows: list[dict[str, Any]]) -> int:
    """Inserts `rows` (dicts with the same keys) with the driver's `executemany`."""
    if not rows:
        return 0
    dialect = connection.dialect.name
    keys = tuple(rows[0])
    cache_key = (dialect, insert.table.name, keys)  # type: ignore[attr-defined]
    compiled = _INSERTS.get(cache_key)
    if compiled is None:
        statement = insert.compile(dialect=connection.dialect, column_keys=list(keys))
        order = statement.positiontup
        compiled = _INSERTS[cache_key] = (
            statement.string,
            tuple(order) if order is not None else None,
        )
    sql, positions = compiled
    values: list[Any] = (
        [tuple(_driver_value(dialect, row[name]) for name in positions) for row in rows]
        if positions is not None
        else [{name: _driver_value(dialect, value) for name, value in row.items()} for row in rows]
    )
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.executemany(sql, values)
    except connection.dialect.loaded_dbapi.Error as exc:
        raise DBAPIError.instance(
            sql, values[:1], exc, connection.dialect.loaded_dbapi.Error, dialect=connection.dialect
        ) from exc
    finally:
        cursor.close()
    return len(rows)


def stream(connection: Connection, sql: str, batch: int = 2000) -> Iterator[tuple[Any, ...]]:
    """The rows of `sql` (no parameters), read in batches: a server-side cursor on
    PostgreSQL, so that a million rows are never all in memory."""
    driver = connection.connection.driver_connection
    if connection.dialect.name == "postgresql":
        global _STREAMS
        _STREAMS += 1
        cursor = driver.cursor(name=f"entente_stream_{_STREAMS}")  # type: ignore[union-attr]
        cursor.itersize = batch
    else:
        cursor = driver.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql)
        while rows := cursor.fetchmany(batch):
            yield from rows
    finally:
        cursor.close()


_STREAMS = 0
