"""Running Alembic from code: the CLI, the tests and the readiness probe share these."""

from functools import lru_cache

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

from app.config import MIGRATIONS_DIR, get_settings
from app.search.models import UNMANAGED_PREFIXES


def alembic_config(url: str | None = None) -> Config:
    """Alembic's settings for the migrations shipped with the package (the top-level
    `alembic.ini` serves the `alembic` command in a source checkout)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    config.attributes["configure_logging"] = False
    if url is not None:
        config.attributes["database_url"] = url
    return config


def database_url(config: Config) -> str:
    """`-x url=...` on the command line, else the URL set from code, else the settings."""
    x_args = (config.cmd_opts and getattr(config.cmd_opts, "x", None)) or []
    for arg in x_args:
        if arg.startswith("url="):
            return str(arg.removeprefix("url="))
    return str(config.attributes.get("database_url") or get_settings().database_url)


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(url), revision)


def current_revision(bind: Engine | Connection) -> str | None:
    if isinstance(bind, Connection):
        return MigrationContext.configure(bind).get_current_revision()
    with bind.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


@lru_cache(maxsize=1)
def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def is_at_head(engine: Engine) -> bool:
    return current_revision(engine) == head_revision()


def include_name(name: str | None, type_: str, _parent_names: object) -> bool:
    """Autogenerate compares only what the models declare, not FTS5's tables and triggers."""
    return not (name and name.startswith(UNMANAGED_PREFIXES))
