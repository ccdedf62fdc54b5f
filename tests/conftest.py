"""Fixtures: a freshly migrated database per test, seeded or empty."""

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from app import migrations
from app.config import PROJECT_ROOT, get_settings
from app.db import get_engine, make_engine
from app.seeding.loader import seed

SEED_BUNDLES = PROJECT_ROOT / "seed" / "bundles"
SOURCE_ID = "improving-russia-france-relations"


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty database at head, migrated once and copied for each test that needs one."""
    path = tmp_path_factory.mktemp("template") / "migrated.sqlite3"
    migrations.upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory: pytest.TempPathFactory, migrated_template: Path) -> Path:
    path = tmp_path_factory.mktemp("template") / "seeded.sqlite3"
    shutil.copy(migrated_template, path)
    engine = make_engine(f"sqlite:///{path}")
    seed(engine, [SEED_BUNDLES])
    engine.dispose()
    return path


def _engine_on_copy(template: Path, tmp_path: Path) -> Iterator[Engine]:
    path = tmp_path / "entente.sqlite3"
    shutil.copy(template, path)
    engine = make_engine(f"sqlite:///{path}")
    yield engine
    engine.dispose()


@pytest.fixture
def empty_engine(migrated_template: Path, tmp_path: Path) -> Iterator[Engine]:
    """A migrated database with no data, for this test alone."""
    yield from _engine_on_copy(migrated_template, tmp_path)


@pytest.fixture
def seeded_engine(seeded_template: Path, tmp_path: Path) -> Iterator[Engine]:
    """A database holding the project's seed, for this test alone."""
    yield from _engine_on_copy(seeded_template, tmp_path)


@pytest.fixture
def use_database(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """Points the settings (and so the CLI and the app) at a given engine's database."""

    def point(engine: Engine) -> None:
        monkeypatch.setenv("ENTENTE_DATABASE_URL", engine.url.render_as_string(hide_password=False))
        get_settings.cache_clear()
        get_engine.cache_clear()

    yield point
    get_settings.cache_clear()
    get_engine.cache_clear()
