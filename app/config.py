"""Settings, read from the environment with the ENTENTE_ prefix (or a .env file)."""

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PACKAGE_DIR = Path(__file__).resolve().parent
# Shipped inside the package (in a source checkout, links to the top-level folders).
MIGRATIONS_DIR = PACKAGE_DIR / "_migrations"
SEED_DIR = PACKAGE_DIR / "_seed"


def _default_database_url() -> str:
    return f"sqlite:///{Path.cwd() / 'data' / 'entente.sqlite3'}"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ENTENTE_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default_factory=_default_database_url,
        description="SQLAlchemy URL of the knowledge base (default: `data/entente.sqlite3` "
        "under the folder the command runs in).",
    )
    seed_dir: Path = Field(
        default=SEED_DIR,
        description="Folder whose `bundles/` `entente seed` loads when given no paths "
        "(default: the seed shipped with the package).",
    )
    sources_dir: Path | None = Field(
        default=None,
        description="A folder that a source's `text_file` may also name a file in, besides "
        "the bundle's folder (and those below it) and the `sources/` folder beside it.",
    )
    seed_max_file_bytes: int = Field(
        default=1 << 30, ge=1, description="The largest bundle file a load reads."
    )
    seed_max_depth: int = Field(
        default=32,
        ge=4,
        le=200,
        description="How deep a bundle's lists and mappings may nest (YAML from the root "
        "mapping, NDJSON from each line's object).",
    )
    seed_max_alias_nodes: int = Field(
        default=100_000,
        ge=0,
        description="Values that YAML aliases (`*name`) may repeat in one bundle file, in all "
        "(a 'billion laughs' is refused).",
    )
    seed_max_string_chars: int = Field(
        default=10_000_000,
        ge=1000,
        description="The longest string in a bundle (a YAML scalar; an NDJSON line).",
    )
    seed_max_source_bytes: int = Field(
        default=16 << 20, ge=1, description="The largest source text a `text_file` may hold."
    )
    database_pool_size: int = Field(
        default=10, ge=1, description="PostgreSQL: connections each process keeps open."
    )
    database_max_overflow: int = Field(
        default=20, ge=0, description="PostgreSQL: extra connections a process may open at peaks."
    )
    database_threads: int = Field(
        default=2,
        ge=1,
        le=64,
        description="Threads per process that run the database work of requests; a slow "
        "request holds only its own. More threads contend for the interpreter with the event "
        'loop (docs/BENCHMARKS.md, "Database threads").',
    )
    statement_timeout_ms: int = Field(
        default=5000,
        ge=100,
        description="The time budget of each statement an API request runs; past it the "
        "statement is cancelled and the request answered 503 with `Retry-After`.",
    )
    computed_cache_entries: int = Field(
        default=512,
        ge=0,
        le=100_000,
        description="Answers of the costly aggregates (the relations dossier) kept in memory "
        "per process until the next load changes the knowledge base; 0 keeps none.",
    )
    sqlite_busy_timeout_ms: int = Field(
        default=5000, ge=0, description="How long a SQLite connection waits for a lock."
    )
    host: str = Field(default="127.0.0.1", description="Address `entente serve` binds to.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port `entente serve` binds to.")
    root_path: str = Field(
        default="",
        pattern=r"^(/[^/\s]+)*$",
        description="The path prefix a reverse proxy serves the API under (`/entente`, say): "
        "`entente serve` passes it to uvicorn as its root path, and the docs pages and "
        "every link the API writes start with it.",
    )
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default=[],
        description="Origins whose browser pages may call the API (CORS), separated by "
        "commas (`https://a.example,https://b.example`, or `*` for any); none by default.",
    )
    metrics_token: SecretStr | None = Field(
        default=None,
        description="When set, `GET /metrics` answers only requests that send "
        "`Authorization: Bearer <this token>` (others get a 401); unset, it answers anyone.",
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = Field(
        default="INFO",
        description="Least severe level of Entente's own log lines (any case); other "
        "libraries write warnings and above.",
    )
    log_format: Literal["json", "text"] = Field(
        default="json",
        description=(
            "`json`: one JSON object a line (timestamp, level, logger, message, request_id), "
            "for log collectors; `text`: readable lines, for development."
        ),
    )

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_case_level(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value


@lru_cache
def get_settings() -> Settings:
    return Settings()
