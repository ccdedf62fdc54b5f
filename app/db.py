"""Engine and sessions. SQLite gets foreign keys, WAL and a busy timeout on every connection."""

import asyncio
import contextlib
import contextvars
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache, partial
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlmodel import create_engine

from app.config import get_settings


def make_engine(url: str, *, busy_timeout_ms: int | None = None) -> Engine:
    """An engine for `url`; for a SQLite file, its folder is created if missing."""
    parsed = make_url(url)
    settings = get_settings()
    if parsed.get_backend_name() != "sqlite":
        return create_engine(
            url,
            pool_pre_ping=True,
            pool_size=settings.database_pool_size,
            max_overflow=settings.database_max_overflow,
        )
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    timeout = settings.sqlite_busy_timeout_ms if busy_timeout_ms is None else busy_timeout_ms
    # A kept connection for each database thread and then some: none is opened per request
    # (a new SQLite connection parses the whole schema before its first query).
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False},
        pool_size=settings.database_threads + 4,
        max_overflow=8,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # The driver's own transaction handling starts transactions late and never for
        # reads; SQLAlchemy's documented recipe hands BEGIN to the "begin" hook below.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(timeout)}")
        if parsed.database and parsed.database != ":memory:":
            # Refused while a bulk load holds the file in rollback mode; it sets WAL back.
            with contextlib.suppress(sqlite3.OperationalError):
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # A writer asks for IMMEDIATE to take the write lock before it reads what it will
        # write; everything else begins DEFERRED (a consistent snapshot for reads).
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        if connection.connection.driver_connection.in_transaction:  # type: ignore[union-attr]
            return  # a read already begun through the driver (`app.rawsql.begin_read`)
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine


@lru_cache
def get_engine() -> Engine:
    return make_engine(get_settings().database_url)


T = TypeVar("T")


def _in_connection(work: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    with get_engine().connect() as connection:
        return work(connection, *args, **kwargs)


async def run_in_connection(work: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    """Runs `work(connection, ...)` in a database thread on a connection of its own.

    The connection is taken and given back inside that one thread call, so no request ever
    holds a pooled connection while it waits for a thread: the pool and the thread pool
    cannot starve each other, however many requests arrive at once (they queue for a
    thread, in order). The request's context variables (its id, for logs) go along.
    """
    loop = asyncio.get_running_loop()
    call = partial(contextvars.copy_context().run, _in_connection, work, *args, **kwargs)
    return await loop.run_in_executor(_database_threads(), call)


# The event loop thread's own connection, for `run_inline`: (engine, connection).
_INLINE = threading.local()


def run_inline(work: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    """Runs `work(connection, ...)` right here, on the event loop's thread, on a connection
    that thread keeps; SQLite only, and only for work bounded by the page it reads.

    A page read through an index, row for row what it returns, costs SQLite about 100 µs:
    less than handing it to a database thread and back (measured in docs/BENCHMARKS.md).
    The read transaction `work` begins is ended here.
    """
    engine = get_engine()
    held = getattr(_INLINE, "held", None)
    if held is None or held[0] is not engine:
        if held is not None:
            held[1].close()
        held = _INLINE.held = (engine, engine.connect())
    connection: Connection = held[1]
    try:
        return work(connection, *args, **kwargs)
    except DBAPIError:
        # A database error may leave the kept connection unusable: the next request opens
        # a new one rather than failing on this one for ever.
        _INLINE.held = None
        connection.invalidate()
        raise
    finally:
        if not connection.invalidated:
            if connection.in_transaction():
                connection.rollback()
            else:
                connection.connection.driver_connection.rollback()  # type: ignore[union-attr]


def inline_capable() -> bool:
    """Whether the database is one `run_inline` may read (a local SQLite file)."""
    return get_engine().dialect.name == "sqlite"


@lru_cache
def _database_threads() -> ThreadPoolExecutor:
    # Few threads: on SQLite the work is mostly Python under the GIL, and forty threads taking
    # turns with the event loop starve it (requests waited seconds to be read); measured
    # here on Python's asyncio loop, 1 thread answers more requests/s than 2 or 4, with a
    # shorter tail (see the README's settings).
    # asyncio's executor hand-off costs the event loop less than anyio's worker threads.
    return ThreadPoolExecutor(
        max_workers=get_settings().database_threads, thread_name_prefix="entente-db"
    )
