"""What only the embedded SQLite engine does (not collected when testing PostgreSQL)."""

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine

from app import migrations, rawsql
from app.db import make_engine
from app.events import page_keys
from app.events.schemas import EventQuery
from app.events.service import EVENTS
from app.main import create_app
from app.seeding import bulk
from app.seeding.errors import SeedFailed
from app.seeding.loader import seed
from tests.conftest import SEED_BUNDLES


def test_connections_use_wal_foreign_keys_and_a_busy_timeout(empty_engine: Engine):
    with empty_engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000


def test_the_database_folder_is_created(tmp_path: Path):
    engine = make_engine(f"sqlite:///{tmp_path / 'data' / 'kb.sqlite3'}")
    with engine.connect() as connection:
        connection.exec_driver_sql("CREATE TABLE t (x)")
    assert (tmp_path / "data" / "kb.sqlite3").exists()
    engine.dispose()


def query_plan(
    engine: Engine,
    query: EventQuery,
    monkeypatch: pytest.MonkeyPatch,
    *,
    cursor: list | None = None,
) -> str:
    """SQLite's plan for the statement the API runs for a page of the events list."""
    ran: list[tuple[str, Any]] = []
    real_fetch = rawsql.fetch

    def spy(connection: Any, shape: Any, build_sql: Any, params: dict) -> list:
        ran.append(rawsql.driver_statement(connection, shape, build_sql, params))
        return real_fetch(connection, shape, build_sql, params)

    monkeypatch.setattr(rawsql, "fetch", spy)
    with engine.connect() as connection:
        EVENTS.page_at_revision(connection, query=query, after=cursor, limit=50)
        ((sql, values),) = ran
        plan = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", values)
        return "\n".join(row[3] for row in plan)


@pytest.mark.parametrize(
    ("params", "index"),
    [
        ({}, "ix_event_start_first_id"),
        ({"sort": "start"}, "ix_event_start_first_id"),
        ({"country": ["RU", "FR"]}, "ix_page_key_relation_item"),
        ({"country": ["RU", "FR", "DE"]}, "ix_page_key_relation_item"),
        ({"country": ["FR"]}, "ix_page_key_event_country"),
        ({"country": ["FR"], "kind": ["official_visit"]}, "ix_page_key_event_country"),
    ],
    ids=["newest", "oldest", "pair", "three-countries", "country", "country-and-kind"],
)
def test_hot_event_lists_read_an_index_in_order(
    seeded_engine: Engine, params: dict, index: str, monkeypatch: pytest.MonkeyPatch
):
    query = EventQuery(**params)
    for cursor in (None, ["2019-08-19", "2019-08-19-putin-official-visit-france"]):
        plan = query_plan(seeded_engine, query, monkeypatch, cursor=cursor)
        assert "TEMP B-TREE" not in plan, plan  # no sort of the matching rows
        assert "LIST SUBQUERY" not in plan, plan  # no list of all of a country's events
        assert index in plan, plan
        # No full table scan: a SCAN of a table is through an index (the statement's other
        # SCANs read the rows of its own subqueries, the CO-ROUTINEs, or its one row with no
        # table, the CONSTANT ROW).
        lines = plan.splitlines()
        subqueries = {line.removeprefix("CO-ROUTINE ") for line in lines if "CO-ROUTINE" in line}
        subqueries.add("CONSTANT ROW")
        scans = [
            line
            for line in lines
            if line.startswith("SCAN") and line.removeprefix("SCAN ") not in subqueries
        ]
        assert all("INDEX" in line for line in scans), plan
        assert index in plan, plan
        # After a cursor, the index is sought by one column (a pair's or a country's text
        # key, or the event table's first key): SQLite would test a row value
        # `(k0,k1)<(?,?)` again on every row it reads.
        assert ",id)" not in plan and ",event_id)" not in plan, plan
        # A pair's documents are found by their integer key, which its index holds: one
        # b-tree descent each, not the event id's index and then the table.
        if index == "ix_page_key_relation_item":
            assert "SEARCH doc USING INTEGER PRIMARY KEY" in plan, plan


_PAGE_KEY_INDEXES = {name: page_keys.create_sql(name) for name in page_keys.INDEXES}


def _page_key_indexes(engine: Engine) -> dict[str, str]:
    with engine.connect() as connection:
        rows = connection.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index'"
        )
        return {name: sql for name, sql in rows if name.startswith(page_keys.PREFIX)}


def test_the_page_key_indexes_survive_a_bulk_load_that_sets_them_aside(
    empty_engine: Engine, monkeypatch: pytest.MonkeyPatch
):
    """The migration's indexes are the ones `app.events.page_keys` knows (Alembic cannot
    compare them), and a bulk load, which drops them while it writes the rows and the pair
    tables, builds them again (the plans above then use them)."""
    assert _page_key_indexes(empty_engine) == _PAGE_KEY_INDEXES
    modes = _journal_modes_during_loads(monkeypatch)

    seed(empty_engine, [SEED_BUNDLES])

    assert modes == ["delete"]  # the bulk load ran
    assert _page_key_indexes(empty_engine) == _PAGE_KEY_INDEXES


def test_a_read_on_the_event_loop_recovers_from_a_database_error(fresh_url, use_database):
    """A page read on the event loop's own connection (`app.db.run_inline`): a database
    not yet migrated is a 503 problem, and once it is, the next request is answered."""
    url = fresh_url()
    use_database(url)
    path = "/api/v1/events?country=RU&country=FR"
    with TestClient(create_app()) as client:
        failed = client.get(path)
        assert failed.status_code == 503
        assert failed.headers["content-type"] == "application/problem+json"

        migrations.upgrade(url)
        engine = make_engine(url)
        seed(engine, [SEED_BUNDLES])
        engine.dispose()
        answered = client.get(path)

    assert answered.status_code == 200
    assert len(answered.json()["items"]) >= 3


def _journal_modes_during_loads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The journal mode each bulk load ran in, as its own connection saw it."""
    seen: list[str] = []
    load = bulk.load

    def recording(connection: Connection, paths: list[Path]) -> Any:
        seen.append(connection.exec_driver_sql("PRAGMA journal_mode").scalar())
        return load(connection, paths)

    monkeypatch.setattr(bulk, "load", recording)
    return seen


def test_a_bulk_load_writes_through_a_rollback_journal_then_wal_comes_back(
    empty_engine: Engine, monkeypatch: pytest.MonkeyPatch
):
    modes = _journal_modes_during_loads(monkeypatch)

    assert seed(empty_engine, [SEED_BUNDLES]).diffed is False

    assert modes == ["delete"]
    database = Path(str(empty_engine.url.database))
    assert not Path(f"{database}-journal").exists()
    raw = sqlite3.connect(database)  # a connection of its own, not one the load used
    try:
        assert raw.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert raw.execute("SELECT count(*) FROM event").fetchone()[0] > 0
    finally:
        raw.close()


def test_a_failed_bulk_load_leaves_the_file_empty_and_in_wal_mode(
    empty_engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    modes = _journal_modes_during_loads(monkeypatch)
    bad = tmp_path / "bad.ndjson"
    bad.write_text('{"places": {"id": "x", "name": "X", "country": "ZZ"}}\n', encoding="utf-8")

    with pytest.raises(SeedFailed):
        seed(empty_engine, [SEED_BUNDLES, bad])

    assert modes == ["delete"]
    raw = sqlite3.connect(Path(str(empty_engine.url.database)))
    try:
        assert raw.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert raw.execute("SELECT count(*) FROM event").fetchone() == (0,)
    finally:
        raw.close()
    # The page key indexes it set aside while writing came back with the rollback.
    assert _page_key_indexes(empty_engine) == _PAGE_KEY_INDEXES


def test_a_bulk_load_beside_a_reader_stays_in_wal_mode_and_the_reader_reads_on(
    empty_engine: Engine, monkeypatch: pytest.MonkeyPatch
):
    modes = _journal_modes_during_loads(monkeypatch)
    reader = sqlite3.connect(Path(str(empty_engine.url.database)), isolation_level=None)
    try:
        reader.execute("BEGIN")
        assert reader.execute("SELECT count(*) FROM event").fetchone() == (0,)

        assert seed(empty_engine, [SEED_BUNDLES]).diffed is False

        assert modes == ["wal"]  # the switch was refused: the reader has the file open
        assert reader.execute("SELECT count(*) FROM event").fetchone() == (0,)  # its snapshot
        reader.execute("COMMIT")
        assert reader.execute("SELECT count(*) FROM event").fetchone()[0] > 0
    finally:
        reader.close()
