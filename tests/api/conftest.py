"""An HTTP client on the app, over a seeded knowledge base shared by the read-only tests."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from app.db import Database, make_engine
from tests.conftest import app_on
from tests.databases import Databases


@pytest.fixture(scope="session")
def api_url(databases: Databases, seeded_template: str) -> str:
    """A copy of the seeded database for the shared client (templates stay unconnected)."""
    return databases.new(template=seeded_template)


@pytest.fixture(scope="session")
def api_database(api_url: str) -> Iterator[Database]:
    database = Database(make_engine(api_url))
    yield database
    database.close()


@pytest.fixture(scope="session")
def api(api_database: Database) -> Iterator[TestClient]:
    """A client of the API over the project's seed. The API never writes, so tests share it."""
    with TestClient(app_on(api_database)) as client:
        yield client
