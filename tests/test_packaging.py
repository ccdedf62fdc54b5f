"""A normal install works: the wheel holds the application with everything it reads at run
time (migrations, the seed's bundles and source texts, the OpenAPI examples) and nothing
else, and the installed package migrates and seeds a database from any folder.

The wheel is built from a copy of the project, without build isolation and without an index
(no network): the build backend is the venv's setuptools (pinned in the dev extras)."""

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from contextlib import closing
from importlib.metadata import version
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT

PACKAGE = PROJECT_ROOT / "app"
MIGRATIONS = PROJECT_ROOT / "migrations"
SEED = PROJECT_ROOT / "seed"
# Beside app/ in the project, never in the wheel (migrations/ and seed/ only through the
# links under app/).
NOT_SHIPPED = ("tests", "bench", "docs", "migrations", "seed")
# Large or machine-made folders the copy leaves out (bench/ keeps its own files).
IGNORED = shutil.ignore_patterns(
    ".git", ".venv*", "out", "build", "dist", "*.egg-info", ".*_cache", ".hypothesis"
)


def _copy_project(destination: Path) -> Path:
    """The files a build reads, and the folders it must leave out, with the links under app/
    kept as links. A stray bytecode file shows that __pycache__ is not packaged."""
    for name in ("pyproject.toml", "README.md", "constraints.txt"):
        shutil.copy2(PROJECT_ROOT / name, destination / name)
    for name in ("app", *NOT_SHIPPED):
        shutil.copytree(PROJECT_ROOT / name, destination / name, symlinks=True, ignore=IGNORED)
    assert (destination / "app" / "_migrations").is_symlink()
    assert (destination / "app" / "_seed").is_symlink()
    for folder in ("app", "migrations/versions", "seed/bundles"):
        stray = destination / folder / "__pycache__" / "stray.cpython-311.pyc"
        stray.parent.mkdir(exist_ok=True)
        stray.write_bytes(b"\0")
    return destination


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    major, minor = (int(part) for part in version("setuptools").split(".")[:2])
    assert (major, minor) >= (70, 1), (
        "building the wheel needs setuptools>=70.1 (bdist_wheel built in): "
        "pip install -c constraints.txt -e '.[dev]'"
    )
    source = _copy_project(tmp_path_factory.mktemp("source"))
    out = tmp_path_factory.mktemp("wheel")
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation"]
    command += ["--no-index", "--disable-pip-version-check", "-q", "-w", str(out), str(source)]
    build = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert build.returncode == 0, build.stdout + build.stderr
    (built,) = out.glob("entente-*.whl")
    return built


@pytest.fixture(scope="module")
def names(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def _shipped(folder: Path, pattern: str) -> set[str]:
    return {path.relative_to(folder).as_posix() for path in folder.glob(pattern)}


def test_the_wheel_holds_every_migration(names: set[str]):
    versions = _shipped(MIGRATIONS, "versions/*.py")
    assert len(versions) >= 9
    expected = {"env.py", "script.py.mako", *versions}
    assert {f"app/_migrations/{name}" for name in expected} <= names
    assert {name for name in names if name.startswith("app/_migrations/")} == {
        f"app/_migrations/{name}" for name in expected
    }


def test_the_wheel_holds_the_seed_bundles_and_their_source_texts(wheel: Path, names: set[str]):
    expected = _shipped(SEED, "bundles/*.yaml") | _shipped(SEED, "sources/*.txt")
    assert "bundles/improving-russia-france-relations.yaml" in expected
    assert "sources/improving-russia-france-relations.txt" in expected
    assert {name for name in names if name.startswith("app/_seed/")} == {
        f"app/_seed/{name}" for name in expected
    }
    with zipfile.ZipFile(wheel) as archive:
        for name in expected:
            assert archive.read(f"app/_seed/{name}") == (SEED / name).read_bytes(), name


def test_the_wheel_holds_the_modules_and_the_openapi_examples(wheel: Path, names: set[str]):
    modules = {
        f"app/{path.relative_to(PACKAGE).as_posix()}"
        for path in PACKAGE.rglob("*.py")
        if not path.relative_to(PACKAGE).parts[0].startswith(("_migrations", "_seed"))
        and "__pycache__" not in path.parts
    }
    assert {"app/__init__.py", "app/cli.py", "app/main.py", "app/seeding/loader.py"} <= modules
    assert modules <= names
    assert "app/openapi_examples.json" in names
    with zipfile.ZipFile(wheel) as archive:
        examples = json.loads(archive.read("app/openapi_examples.json"))
        entry_points = next(
            archive.read(name).decode() for name in names if name.endswith("entry_points.txt")
        )
    assert examples
    assert "entente = app.cli:app" in entry_points


def test_the_wheel_holds_nothing_else(names: set[str]):
    tops = {name.split("/", 1)[0] for name in names}
    assert {top for top in tops if not top.endswith(".dist-info")} == {"app"}
    assert not [name for name in names if "__pycache__" in name or name.endswith(".pyc")]
    assert not [name for name in names if set(name.split("/")[:-1]) & set(NOT_SHIPPED)]


def test_the_installed_package_migrates_and_seeds_from_any_folder(wheel: Path, tmp_path: Path):
    """The wheel's files, first on the path, run `entente migrate` and `entente seed` in an
    empty folder: the database is made under that folder's data/."""
    installed = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(installed)
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    env = {key: value for key, value in os.environ.items() if not key.startswith("ENTENTE_")}
    env["PYTHONPATH"] = str(installed)

    def entente(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "app.cli", *args],
            cwd=folder,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    where = subprocess.run(
        [sys.executable, "-c", "import app.config as c; print(c.MIGRATIONS_DIR, c.SEED_DIR)"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert where.split() == [
        str(installed / "app" / "_migrations"),
        str(installed / "app" / "_seed"),
    ]

    assert "database at " in entente("migrate")
    assert "seeded: " in entente("seed")
    database = folder / "data" / "entente.sqlite3"
    with closing(sqlite3.connect(database)) as connection:
        (events,) = connection.execute("SELECT count(*) FROM event").fetchone()
    assert events > 0
