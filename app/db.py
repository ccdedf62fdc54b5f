"""The database: engines, and running work on a connection off the event loop.

SQLite gets foreign keys, WAL and a busy timeout on every connection. A statement of the
API has a time budget on both engines (PostgreSQL's `statement_timeout`, a SQLite progress
handler): a query that outruns it is cancelled and answered as a 503, so that no request
holds a connection, a thread or the database for long.
"""

import asyncio
import contextvars
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property, partial
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, Table, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlmodel import create_engine

from app.config import Settings, get_settings

T = TypeVar("T")
# How often (in SQLite virtual machine steps) a SQLite statement checks its deadline.
PROGRESS_STEPS = 1000


def insert_rows(connection: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Inserts `rows` (dicts by column name) through the driver in one call, each value as
    SQLAlchemy would bind it (its column type's bind processor): PostgreSQL copies them in
    (COPY, what a large load needs there), SQLite takes them in one `executemany`
    (docs/BENCHMARKS.md, "Optimisations kept"). A generated key the rows do not give (the
    audit's `seq`) is left to the database."""
    if not rows:
        return
    dialect = connection.dialect
    columns = [
        column
        for column in table.columns
        if not (column.primary_key and column.autoincrement is True and column.name not in rows[0])
    ]
    names = [column.name for column in columns]
    processors = [
        (index, process)
        for index, column in enumerate(columns)
        if (process := column.type.dialect_impl(dialect).bind_processor(dialect)) is not None
    ]
    values = []
    for row in rows:
        value = list(map(row.get, names))
        for index, process in processors:
            if value[index] is not None:
                value[index] = process(value[index])
        values.append(value)
    cursor: Any = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        if dialect.name == "postgresql":
            with cursor.copy(f"COPY {table.name} ({', '.join(names)}) FROM STDIN") as copy:
                for written in values:
                    copy.write_row(written)
        else:
            marks = ", ".join("?" * len(names))
            cursor.executemany(
                f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({marks})", values
            )
    finally:
        cursor.close()


def make_engine(url: str, settings: Settings | None = None, *, budget: bool = True) -> Engine:
    """An engine for `url`; for a SQLite file, its folder is created if missing.

    With `budget`, every statement is cancelled once it has run `statement_timeout_ms`
    (on SQLite, while a deadline is set on its connection: see `Database.run`).
    """
    settings = settings or get_settings()
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        # A request's statements are short: PostgreSQL's parallel workers take longer to
        # start than they save on them (docs/BENCHMARKS.md, "PostgreSQL's statistics").
        options = (
            f"-c statement_timeout={settings.statement_timeout_ms}"
            " -c max_parallel_workers_per_gather=0"
            if budget
            else ""
        )
        return create_engine(
            url,
            pool_pre_ping=True,
            pool_size=settings.database_pool_size,
            max_overflow=settings.database_max_overflow,
            connect_args={"options": options} if options else {},
        )
    file = parsed.database not in (None, "", ":memory:")
    if file:
        Path(str(parsed.database)).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False},
        pool_size=settings.database_threads + 2,
        max_overflow=8,
    )
    busy_timeout = int(settings.sqlite_busy_timeout_ms)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, record: Any) -> None:
        # SQLAlchemy's documented recipe: the driver starts no transaction of its own, and
        # the "begin" hook below emits BEGIN.
        dbapi_connection.isolation_level = None
        dbapi_connection.execute("PRAGMA foreign_keys=ON")
        dbapi_connection.execute(f"PRAGMA busy_timeout={busy_timeout}")
        if file:
            dbapi_connection.execute("PRAGMA journal_mode=WAL")
            dbapi_connection.execute("PRAGMA synchronous=NORMAL")
        deadline = record.info["deadline"] = _Deadline()
        dbapi_connection.set_progress_handler(deadline.passed, PROGRESS_STEPS)

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # A writer asks for IMMEDIATE, taking the write lock before it reads what it will
        # write; every other transaction begins DEFERRED.
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine


@dataclass
class _Deadline:
    """When the statements of a SQLite connection must stop (None: never)."""

    at: float | None = None

    def passed(self) -> int:
        # SQLite interrupts the statement when the progress handler returns non-zero.
        return 1 if self.at is not None and time.monotonic() > self.at else 0


@contextmanager
def statement_budget(connection: Connection, seconds: float) -> Iterator[None]:
    """SQLite: the statements run inside stop after `seconds` ("interrupted"). PostgreSQL's
    connections carry their `statement_timeout` from the start."""
    deadline = connection.info.get("deadline") if connection.dialect.name == "sqlite" else None
    if deadline is None:
        yield
        return
    deadline.at = time.monotonic() + seconds
    try:
        yield
    finally:
        deadline.at = None


@dataclass
class Database:
    """The knowledge base as the API reads it: an engine, and threads that run the work of
    requests on its connections so that the event loop never waits for the database. Each
    thread keeps a connection of its own: a request takes none from the pool."""

    engine: Engine
    threads: int = 1
    budget_seconds: float = 5.0
    _pool: ThreadPoolExecutor | None = field(default=None, init=False, repr=False)
    _local: threading.local = field(default_factory=threading.local, init=False, repr=False)
    _kept: list[Connection] = field(default_factory=list, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    @cached_property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def _executor(self) -> ThreadPoolExecutor:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self.threads, thread_name_prefix="entente-db")
        return self._pool

    def _connection(self) -> Connection:
        """This thread's connection, made on its first call (and again after a failure)."""
        connection: Connection | None = getattr(self._local, "connection", None)
        if connection is None or connection.closed or connection.invalidated:
            connection = self._local.connection = self.engine.connect()
            with self._lock:
                self._kept.append(connection)
        return connection

    def call(self, work: Callable[[Connection], T]) -> T:
        """`work(connection)` in one read transaction, each statement within the budget."""
        connection = self._connection()
        try:
            with statement_budget(connection, self.budget_seconds), connection.begin():
                return work(connection)
        except DBAPIError:
            # The connection may be unusable now (a server gone): the next call makes another.
            self._local.connection = None
            connection.close()
            raise

    async def run(self, work: Callable[[Connection], T]) -> T:
        """`call(work)` in a database thread; the request's context (its id, for the logs)
        goes along. The connection is taken and given back inside that thread call, so a
        waiting request never holds one."""
        loop = asyncio.get_running_loop()
        context = contextvars.copy_context()
        return await loop.run_in_executor(self._executor(), partial(context.run, self.call, work))

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        with self._lock:
            for connection in self._kept:
                connection.close()
            self._kept.clear()
        self.engine.dispose()


def open_database(settings: Settings | None = None) -> Database:
    settings = settings or get_settings()
    return Database(
        make_engine(settings.database_url, settings),
        threads=settings.database_threads,
        budget_seconds=settings.statement_timeout_ms / 1000,
    )
