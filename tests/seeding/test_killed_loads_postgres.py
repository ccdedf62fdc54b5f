"""A killed load leaves nothing running, on PostgreSQL (collected only when testing
PostgreSQL; tests/seeding/test_killed_loads.py is its counterpart on SQLite).

`entente seed` is killed with SIGKILL at random moments, 20 times: after each, no process of
it remains, on this machine or on the server (its backend ends and its advisory lock goes
with it), the schema is unchanged and the counts are all those before the load or all those
after it; then the next `entente seed` completes."""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, create_engine, text
from sqlalchemy.pool import NullPool

from app.seeding.loader import SEED_LOCK_KEY
from tests.conftest import SEED_BUNDLES
from tests.databases import Databases
from tests.seeding.kills import kill, moments, seed_process, seed_to_the_end
from tests.seeding.test_large_loads import events_bundle

# The schema (every table and index) and the rows of every table.
State = tuple[list[tuple[str, str]], dict[str, int]]
# Events of the NDJSON bundle: a load of about 4 s, half of it or more in its transaction.
EVENTS = 2500
# How long the server may take to see that a killed client's connection is gone.
BACKEND_ENDS_WITHIN_S = 30


@contextmanager
def _connect(url: str) -> Iterator[Connection]:
    """A connection of the test's own, each statement a transaction, closed (not pooled) at
    the end."""
    engine = create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            yield connection
    finally:
        engine.dispose()


def _state(connection: Connection) -> State:
    schema = connection.execute(
        text(
            "SELECT tablename, indexname FROM pg_indexes WHERE schemaname = 'public' "
            "UNION ALL SELECT table_name, '' FROM information_schema.tables "
            "WHERE table_schema = 'public' ORDER BY 1, 2"
        )
    ).all()
    tables = [table for table, index in schema if not index]
    return [tuple(row) for row in schema], {
        name: connection.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one()
        for name in tables
    }


def _lock_held(connection: Connection) -> bool:
    """Whether another session (the load) holds the loads' advisory lock (ours, taken if
    free, goes with the statement's own transaction)."""
    free = connection.execute(
        text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": SEED_LOCK_KEY}
    ).scalar_one()
    return not free


def _others(connection: Connection) -> int:
    """Sessions on this database other than ours: the load's backends."""
    return connection.execute(
        text(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    ).scalar_one()


def _check(url: str) -> State:
    """What a killed load must leave on the server: no backend of its own (they end once
    the server sees the connection gone), no advisory lock held. Returns the state."""
    with _connect(url) as connection:
        deadline = time.monotonic() + BACKEND_ENDS_WITHIN_S
        while _others(connection) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _others(connection) == 0
        advisory = connection.execute(
            text(
                "SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database "
                "WHERE l.locktype = 'advisory' AND d.datname = current_database()"
            )
        ).scalar_one()
        assert advisory == 0
        assert not _lock_held(connection)
        return _state(connection)


def test_a_load_killed_at_random_moments_leaves_nothing_behind(
    databases: Databases, migrated_template: str, tmp_path: Path
):
    bundle = events_bundle(tmp_path, EVENTS)
    paths = [SEED_BUNDLES, bundle]
    url = databases.new(template=migrated_template)
    seed_to_the_end(url, [SEED_BUNDLES])
    old = _check(url)
    # The same load to its end, on a copy: how long it takes, and what it leaves.
    copy = databases.new(template=url)
    expected_s = seed_to_the_end(copy, paths)
    new = _check(copy)
    assert old[0] == new[0]
    assert old[1]["event"] > 0
    assert new[1]["event"] == old[1]["event"] + EVENTS

    seen: list[State] = []
    caught_writing = 0
    for moment in moments(expected_s):
        with seed_process(url, paths) as process:
            time.sleep(moment)
            if process.poll() is None:
                with _connect(url) as connection:
                    caught_writing += _lock_held(connection)
            kill(process)
        state = _check(url)
        assert state in (old, new), state
        # Once committed, a load stays: a later one changes nothing.
        assert state == new or new not in seen
        seen.append(state)

    seed_to_the_end(url, paths)
    assert _check(url) == new
    # Some kills fell inside the load's transaction, not all before it (about half do).
    assert caught_writing >= 3, caught_writing
