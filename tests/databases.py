"""Test databases on the engine under test: SQLite files, or PostgreSQL databases.

`ENTENTE_TEST_ENGINE=postgres` (with `ENTENTE_TEST_POSTGRES_URL` naming a server and a
database to connect to for administration) runs the whole suite on PostgreSQL; each run
creates databases of its own, named after the process, and drops them at the end.
"""

import os
import shutil
import uuid
from pathlib import Path

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

ENGINE = os.environ.get("ENTENTE_TEST_ENGINE", "sqlite")
POSTGRES_URL = os.environ.get("ENTENTE_TEST_POSTGRES_URL", "")
if ENGINE not in ("sqlite", "postgres"):
    raise RuntimeError(f"ENTENTE_TEST_ENGINE must be sqlite or postgres, not {ENGINE!r}")
if ENGINE == "postgres" and not POSTGRES_URL:
    raise RuntimeError("ENTENTE_TEST_ENGINE=postgres needs ENTENTE_TEST_POSTGRES_URL")


class Databases:
    """Creates fresh databases for one test run and removes them all at the end."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.prefix = f"entente_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        self.created: list[str] = []
        self._admin: Engine | None = None

    @property
    def admin(self) -> Engine:
        if self._admin is None:
            self._admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
        return self._admin

    def new(self, template: str | None = None) -> str:
        """The URL of a new empty database, or of a copy of `template` (a URL from here)."""
        name = f"{self.prefix}_{len(self.created)}"
        self.created.append(name)
        if ENGINE == "sqlite":
            path = self.folder / f"{name}.sqlite3"
            if template is not None:
                shutil.copy(make_url(template).database or "", path)
            return f"sqlite:///{path}"
        # C collation: text sorts by code point, as on SQLite, so answers match exactly.
        source = f'TEMPLATE "{make_url(template).database}"' if template else "TEMPLATE template0"
        with self.admin.connect() as connection:
            connection.execute(
                text(
                    f"CREATE DATABASE \"{name}\" {source} ENCODING 'UTF8' "
                    "LC_COLLATE 'C' LC_CTYPE 'C'"
                )
            )
        return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        if ENGINE != "postgres" or self._admin is None:
            return
        with self.admin.connect() as connection:
            for name in self.created:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.admin.dispose()
