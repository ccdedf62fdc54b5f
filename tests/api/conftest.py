"""An HTTP client on the app, over a seeded knowledge base shared by the read-only tests."""

import os
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from app.config import get_settings
from app.db import get_engine
from app.main import create_app
from tests.databases import Databases


@pytest.fixture(scope="session")
def api_url(databases: Databases, seeded_template: str) -> str:
    """A copy of the seeded database for the shared client (templates stay unconnected)."""
    return databases.new(template=seeded_template)


@pytest.fixture(scope="session")
def api(api_url: str) -> Iterator[TestClient]:
    """A client of the API over the project's seed. The API never writes, so tests share it."""
    previous = os.environ.get("ENTENTE_DATABASE_URL")
    os.environ["ENTENTE_DATABASE_URL"] = api_url
    get_settings.cache_clear()
    get_engine.cache_clear()
    try:
        with TestClient(create_app()) as client:
            yield client
    finally:
        get_engine().dispose()
        if previous is None:
            os.environ.pop("ENTENTE_DATABASE_URL", None)
        else:
            os.environ["ENTENTE_DATABASE_URL"] = previous
        get_settings.cache_clear()
        get_engine.cache_clear()
