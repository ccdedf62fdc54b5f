"""An HTTP client on the app, over a seeded knowledge base shared by the read-only tests."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.config import get_settings
from app.db import get_engine
from app.main import create_app


@pytest.fixture(scope="session")
def api(seeded_template: Path) -> Iterator[TestClient]:
    """A client of the API over the project's seed. The API never writes, so tests share it."""
    previous = os.environ.get("ENTENTE_DATABASE_URL")
    os.environ["ENTENTE_DATABASE_URL"] = f"sqlite:///{seeded_template}"
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
