"""Engine and sessions. SQLite gets foreign keys, WAL and a busy timeout on every connection."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache, partial
from pathlib import Path
from typing import Any, TypeVar

from anyio import to_thread
from sqlalchemy import Engine, event
from sqlalchemy.engine import make_url
from sqlmodel import Session, create_engine

from app.config import get_settings


def make_engine(url: str, *, busy_timeout_ms: int | None = None) -> Engine:
    """An engine for `url`; for a SQLite file, its folder is created if missing."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    timeout = get_settings().sqlite_busy_timeout_ms if busy_timeout_ms is None else busy_timeout_ms
    # More connections than the thread pool has threads (40), so no thread ever waits for one.
    engine = create_engine(
        url, connect_args={"check_same_thread": False}, pool_size=8, max_overflow=48
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(timeout)}")
        if parsed.database and parsed.database != ":memory:":
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return engine


@lru_cache
def get_engine() -> Engine:
    return make_engine(get_settings().database_url)


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """One unit of work: commits when the block ends normally, rolls back on any error."""
    with Session(engine or get_engine()) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


T = TypeVar("T")


def _in_connection(work: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    with get_engine().connect() as connection:
        return work(connection, *args, **kwargs)


async def run_in_connection(work: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    """Runs `work(connection, ...)` in a worker thread on a connection of its own.

    The connection is taken and given back inside that one thread call, so no request ever
    holds a pooled connection while it waits for a thread: the pool and the thread pool
    cannot starve each other, however many requests arrive at once.
    """
    return await to_thread.run_sync(partial(_in_connection, work, *args, **kwargs))
