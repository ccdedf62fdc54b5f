"""The PostgreSQL side of a run: a database of the run's own on the server `--postgres`
names (dropped and created again for each load), and what it holds."""

from __future__ import annotations

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def database_name(n: int) -> str:
    return f"entente_bench_{n}"


def url_of(server_url: str, database: str) -> str:
    """The SQLAlchemy URL of `database` on the server of `server_url`."""
    return make_url(server_url).set(database=database).render_as_string(hide_password=False)


def _conninfo(url: str) -> str:
    """A libpq URL for psycopg from a SQLAlchemy one (no `+psycopg`)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def recreate(server_url: str, database: str) -> str:
    """Drops `database` (its connections too) and creates it empty; returns its URL."""
    with psycopg.connect(_conninfo(server_url), autocommit=True, connect_timeout=10) as admin:
        name = sql.Identifier(database)
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(name))
    return url_of(server_url, database)


def exists(server_url: str, database: str) -> bool:
    with psycopg.connect(_conninfo(server_url), autocommit=True, connect_timeout=10) as admin:
        found = admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (database,)
        ).fetchone()
    return found is not None


def size_mb(url: str) -> float:
    with psycopg.connect(_conninfo(url), autocommit=True, connect_timeout=10) as conn:
        row = conn.execute("SELECT pg_database_size(current_database())").fetchone()
    return round((row[0] if row else 0) / 2**20, 1)


def server_version(server_url: str) -> str:
    try:
        with psycopg.connect(_conninfo(server_url), autocommit=True, connect_timeout=5) as conn:
            row = conn.execute("SHOW server_version").fetchone()
        return str(row[0]) if row else "?"
    except psycopg.Error as exc:
        return f"unreachable ({type(exc).__name__})"
