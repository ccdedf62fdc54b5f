"""A killed load leaves nothing running, on SQLite (not collected when testing PostgreSQL;
tests/seeding/test_killed_loads_postgres.py is its counterpart there).

`entente seed` is killed with SIGKILL at random moments, 20 times: after each, no process of
it remains, the database passes `PRAGMA integrity_check`, its schema is unchanged, its counts
are all those before the load or all those after it, its journal mode is still WAL and
nobody holds its write lock; then the next `entente seed` completes."""

import sqlite3
import time
from contextlib import closing
from pathlib import Path

from sqlalchemy.engine import make_url

from tests.conftest import SEED_BUNDLES
from tests.databases import Databases
from tests.seeding.kills import kill, moments, seed_process, seed_to_the_end
from tests.seeding.test_large_loads import events_bundle

# The schema (every table, index and trigger) and the rows of every table.
State = tuple[list[tuple[str, str]], dict[str, int]]
# Events of the NDJSON bundle: a load of about 3 s, half of it or more in its transaction.
EVENTS = 4000


def _connect(path: Path) -> closing[sqlite3.Connection]:
    """A connection of the test's own, that waits for no lock."""
    return closing(sqlite3.connect(path, timeout=0, isolation_level=None))


def _state(connection: sqlite3.Connection) -> State:
    """The schema, and the rows of every table (FTS5's own storage, `<table>_data`...,
    aside)."""
    schema = connection.execute(
        "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY 1, 2"
    ).fetchall()
    tables = connection.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ).fetchall()
    virtual = [name for name, sql in tables if sql.upper().startswith("CREATE VIRTUAL")]
    return schema, {
        name: connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
        for name, _ in tables
        if not any(name.startswith(f"{table}_") for table in virtual)
    }


def _write_lock_held(path: Path) -> bool:
    """Whether a connection (the load's) holds the write lock: ours cannot take it."""
    with _connect(path) as connection:
        try:
            connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            assert "locked" in str(exc)
            return True
        connection.execute("ROLLBACK")
        return False


def _check(path: Path) -> State:
    """What a killed load must leave: an intact database in WAL mode, whose write lock
    anyone may take at once. Returns its state."""
    with _connect(path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("ROLLBACK")
        return _state(connection)


def test_a_load_killed_at_random_moments_leaves_nothing_behind(
    databases: Databases, migrated_template: str, tmp_path: Path
):
    bundle = events_bundle(tmp_path, EVENTS)
    paths = [SEED_BUNDLES, bundle]
    url = databases.new(template=migrated_template)
    database = Path(make_url(url).database or "")
    seed_to_the_end(url, [SEED_BUNDLES])
    old = _check(database)
    # The same load to its end, on a copy: how long it takes, and what it leaves.
    copy = databases.new(template=url)
    expected_s = seed_to_the_end(copy, paths)
    new = _check(Path(make_url(copy).database or ""))
    assert old[0] == new[0]
    assert old[1]["event"] > 0
    assert new[1]["event"] == old[1]["event"] + EVENTS

    seen: list[State] = []
    caught_writing = 0
    for moment in moments(expected_s):
        with seed_process(url, paths) as process:
            time.sleep(moment)
            if process.poll() is None:
                caught_writing += _write_lock_held(database)
            kill(process)
        state = _check(database)
        assert state in (old, new), state
        # Once committed, a load stays: a later one changes nothing.
        assert state == new or new not in seen
        seen.append(state)

    seed_to_the_end(url, paths)
    assert _check(database) == new
    # Some kills fell inside the load's transaction, not all before it (about half do).
    assert caught_writing >= 3, caught_writing
