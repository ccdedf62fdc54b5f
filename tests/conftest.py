"""Fixtures: a freshly migrated database per test, seeded or empty, on the engine under test
(SQLite by default; PostgreSQL with ENTENTE_TEST_ENGINE=postgres, see tests/databases.py)."""

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import Connection, Engine, insert

from app import migrations
from app.config import SEED_DIR, get_settings
from app.db import Database, make_engine
from app.deps import get_database
from app.main import create_app
from app.mechanisms.models import MechanismStatusChange
from app.seeding.loader import seed
from tests.databases import ENGINE, Databases

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SEED_BUNDLES = SEED_DIR / "bundles"
SOURCE_ID = "improving-russia-france-relations"
# The first article's bundle: most tests read the knowledge base it alone makes (the other
# sources' tests load theirs: tests/seeding/test_three_sources.py).
FIRST_BUNDLE = SEED_BUNDLES / f"{SOURCE_ID}.yaml"


# Tests of one engine's own behaviour are not collected when testing the other.
SQLITE_ONLY = ["test_sqlite.py", "seeding/test_killed_loads.py"]
POSTGRES_ONLY = ["test_postgres.py", "seeding/test_killed_loads_postgres.py"]
collect_ignore = SQLITE_ONLY if ENGINE == "postgres" else POSTGRES_ONLY


def pytest_report_header() -> str:
    return f"database engine under test: {ENGINE}"


_skipped: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped:
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    # A skipped test on PostgreSQL would hide an engine difference: the run fails instead.
    if ENGINE == "postgres" and _skipped and exitstatus == 0:
        session.exitstatus = 1
        print(f"\n{len(_skipped)} test(s) skipped on PostgreSQL: {_skipped}")


@pytest.fixture(scope="session")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Databases]:
    made = Databases(tmp_path_factory.mktemp("databases"))
    yield made
    made.drop_all()


@pytest.fixture
def fresh_url(databases: Databases) -> Callable[[], str]:
    """Makes URLs of new, empty (unmigrated) databases."""
    return databases.new


@pytest.fixture(scope="session")
def migrated_template(databases: Databases) -> str:
    """An empty database at head, migrated once and copied for each test that needs one."""
    url = databases.new()
    migrations.upgrade(url)
    return url


@pytest.fixture(scope="session")
def seeded_template(databases: Databases, migrated_template: str) -> str:
    url = databases.new(template=migrated_template)
    engine = make_engine(url)
    seed(engine, [FIRST_BUNDLE])
    engine.dispose()
    return url


def _engine_on_copy(databases: Databases, template: str) -> Iterator[Engine]:
    engine = make_engine(databases.new(template=template))
    yield engine
    engine.dispose()


@pytest.fixture
def empty_engine(databases: Databases, migrated_template: str) -> Iterator[Engine]:
    """A migrated database with no data, for this test alone."""
    yield from _engine_on_copy(databases, migrated_template)


@pytest.fixture
def fresh_engine(databases: Databases, migrated_template: str) -> Iterator[Engine]:
    """A second migrated database with no data, to compare with `empty_engine`."""
    yield from _engine_on_copy(databases, migrated_template)


@pytest.fixture
def seeded_engine(databases: Databases, seeded_template: str) -> Iterator[Engine]:
    """A database holding the project's seed, for this test alone."""
    yield from _engine_on_copy(databases, seeded_template)


@pytest.fixture
def use_database(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[Any], None]]:
    """Points the settings (and so the `entente` command) at an engine's or a URL's
    database."""

    def point(target: Engine | str) -> None:
        url = (
            target if isinstance(target, str) else target.url.render_as_string(hide_password=False)
        )
        monkeypatch.setenv("ENTENTE_DATABASE_URL", url)
        get_settings.cache_clear()

    yield point
    get_settings.cache_clear()


def app_on(database: Database) -> FastAPI:
    """The API, answering from `database` (FastAPI's dependency override)."""
    app = create_app()

    async def the_database() -> Database:
        return database

    app.dependency_overrides[get_database] = the_database
    return app


@pytest.fixture
def app_for() -> Iterator[Callable[[Engine | str], FastAPI]]:
    """Makes the API answer from an engine's or a URL's database; closed at the end."""
    opened: list[Database] = []

    def make(target: Engine | str) -> FastAPI:
        engine = make_engine(target) if isinstance(target, str) else target
        database = Database(engine, budget_seconds=get_settings().statement_timeout_ms / 1000)
        opened.append(database)
        return app_on(database)

    yield make
    for database in opened:
        database.close()


def copy_seed(folder: Path) -> Path:
    """A copy of the seed (bundle and source text) under `folder`, to edit and load again."""
    (folder / "sources").mkdir()
    source = SEED_BUNDLES.parent / "sources" / f"{SOURCE_ID}.txt"
    (folder / "sources" / f"{SOURCE_ID}.txt").write_text(
        source.read_text(encoding="utf-8"), encoding="utf-8"
    )
    bundle = folder / "bundles" / "kb.yaml"
    bundle.parent.mkdir()
    bundle.write_text(
        (SEED_BUNDLES / f"{SOURCE_ID}.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    return bundle


SECURITY = "security-cooperation-committee"


def suspend_security_committee_in_march_2022(connection: Connection) -> None:
    """A hypothetical entry in the seeded committee's history, after its resumption."""
    table = MechanismStatusChange.__table__  # type: ignore[attr-defined]
    connection.execute(
        insert(table).values(
            id=f"{SECURITY}--2-suspended",
            mechanism_id=SECURITY,
            ordinal=2,
            status="suspended",
            date_first=dt.date(2022, 3, 1),
            date_last=dt.date(2022, 3, 31),
            date_precision="month",
        )
    )
