"""What only the embedded SQLite engine does (not collected when testing PostgreSQL)."""

from pathlib import Path

from sqlalchemy import Engine

from app.db import make_engine


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
