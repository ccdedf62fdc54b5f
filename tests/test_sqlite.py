"""What only the embedded SQLite engine does (not collected when testing PostgreSQL)."""

import asyncio
import sqlite3
import threading
import time
from pathlib import Path

import httpx
from sqlalchemy import Engine

from app.db import make_engine

READS = [
    "/api/v1/events?country=RU&country=FR",
    "/api/v1/events/2019-08-19-putin-official-visit-france",
    "/api/v1/relations/RU/FR",
    "/api/v1/people",
]


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


def _hold_the_file(path: str, seconds: float, held: threading.Event) -> None:
    """Another connection that locks the whole file (exclusive locking mode, a write
    transaction): every reader waits, as it would behind a writer without WAL."""
    other = sqlite3.connect(path, isolation_level=None)
    try:
        other.execute("PRAGMA locking_mode=EXCLUSIVE")
        other.execute("BEGIN EXCLUSIVE")
        other.execute("UPDATE kb_revision SET revision = revision WHERE id = 1")
        held.set()
        time.sleep(seconds)
        other.execute("COMMIT")
    finally:
        other.close()


def test_a_locked_database_stalls_no_other_request(seeded_engine: Engine, app_for):
    """While another connection holds the file for 3 s, the probe answers at once (the reads
    wait in database threads, not on the event loop), and every read is answered after the
    lock goes, or refused as a 503 problem with Retry-After: never a hang."""
    app = app_for(seeded_engine)
    held = threading.Event()
    holder = threading.Thread(
        target=_hold_the_file, args=(str(seeded_engine.url.database), 3.0, held)
    )

    async def meanwhile() -> tuple[list[httpx.Response], list[float], float]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            # The app has answered before, as a served one has: FastAPI builds the routes of
            # an included router on the first request that reaches it (about 50 ms for all
            # of them, once a process), which is not what this test measures.
            assert (await client.get("/healthz")).status_code == 200
            started = time.monotonic()
            reads = [asyncio.create_task(client.get(path)) for path in READS]
            await asyncio.sleep(0.5)  # the reads are waiting for the lock by now
            probes = []
            for _ in range(5):
                sent = time.monotonic()
                assert (await client.get("/healthz")).status_code == 200
                probes.append(time.monotonic() - sent)
            answered = await asyncio.wait_for(asyncio.gather(*reads), timeout=20)
            return answered, probes, time.monotonic() - started

    holder.start()
    assert held.wait(5)
    try:
        answered, probes, took = asyncio.run(meanwhile())
    finally:
        holder.join()

    assert max(probes) < 0.05, probes
    for response in answered:
        if response.status_code == 503:
            assert response.headers["content-type"] == "application/problem+json"
            assert response.headers["retry-after"]
        else:
            assert response.status_code == 200, response.text
    assert 2.0 < took < 15, took  # they waited for the lock, then were answered
