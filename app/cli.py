"""The `entente` command: migrate, seed, validate, serve."""

from pathlib import Path
from typing import Annotated, Any

import typer
from sqlalchemy.exc import OperationalError

from app import migrations
from app.config import get_settings
from app.db import get_engine
from app.seeding.errors import SeedFailed
from app.seeding.loader import seed as seed_bundles
from app.seeding.loader import validate as validate_bundles

app = typer.Typer(
    help="Entente: a knowledge base of diplomatic relations, served as a typed REST API.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

PathsArg = Annotated[
    list[Path] | None,
    typer.Argument(help="Bundle files or folders of bundles (default: the seed folder)."),
]


def _fail(errors: SeedFailed) -> None:
    for error in errors.errors:
        typer.echo(str(error), err=True)
    typer.echo(f"{len(errors.errors)} error(s); nothing was written.", err=True)
    raise typer.Exit(code=1)


def _require_migrated() -> None:
    try:
        at_head = migrations.is_at_head(get_engine())
    except OperationalError as exc:
        typer.echo(f"database unreachable: {exc.orig}", err=True)
        raise typer.Exit(code=2) from None
    if not at_head:
        typer.echo(
            "the database is not migrated to the latest schema: run `entente migrate`", err=True
        )
        raise typer.Exit(code=2)


@app.command()
def migrate(
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
) -> None:
    """Upgrade the database (ENTENTE_DATABASE_URL) to the latest schema."""
    migrations.upgrade(get_settings().database_url, revision)
    typer.echo(f"database at {migrations.current_revision(get_engine())}")


@app.command()
def seed(
    paths: PathsArg = None,
    timings: Annotated[
        bool, typer.Option(help="Print how long each phase of the load took (to stderr).")
    ] = False,
) -> None:
    """Load seed bundles: all of them or nothing, and a second run changes no row."""
    _require_migrated()
    try:
        report = seed_bundles(
            get_engine(),
            paths or [get_settings().seed_dir / "bundles"],
            on_progress=(lambda line: typer.echo(f"took {line}", err=True)) if timings else None,
        )
    except SeedFailed as errors:
        _fail(errors)
        return
    for table, changes in report.tables.items():
        if changes.inserted or changes.updated or changes.deleted:
            typer.echo(
                f"{table}: {changes.inserted} inserted, {changes.updated} updated, "
                f"{changes.deleted} deleted"
            )
    typer.echo(f"seeded: {report.total} row(s) changed")


@app.command()
def validate(paths: PathsArg = None) -> None:
    """Run every check of `seed` without writing; exit 1 on any error.

    References may point at records already in the database when it is migrated.
    """
    engine = get_engine()
    try:
        usable = migrations.is_at_head(engine)
    except OperationalError:
        usable = False
    try:
        count = validate_bundles(
            paths or [get_settings().seed_dir / "bundles"], engine if usable else None
        )
    except SeedFailed as errors:
        _fail(errors)
        return
    typer.echo(f"valid: {count} record(s)")


@app.command()
def reindex() -> None:
    """Rebuild the tables derived from the records (the search index, ...) from scratch."""
    from app.revision import bump_revision
    from app.seeding.derived import refresh_derived

    _require_migrated()
    with get_engine().begin() as connection:
        count = refresh_derived(connection, None)
        bump_revision(connection)
    typer.echo(f"reindexed: {count} row(s)")


@app.command()
def examples() -> None:
    """Regenerate the OpenAPI examples from the seeded database (app/openapi_examples.json)."""
    from app.main import create_app
    from app.openapi_examples import write

    _require_migrated()
    write(create_app())
    typer.echo("examples written")


# The event loop and HTTP parser uvicorn serves with (bench/floor.py serves the same way).
# Python's own loop, not uvloop: under 256 connections uvloop left some requests waiting
# past 2 s (p99 about 1 s, the framework floor's constant endpoint included), where
# Python's loop answered every one within 150 ms; at 32 connections Entente answers 2% fewer
# requests/s on it (docs/BENCHMARKS.md). httptools parses HTTP in C.
SERVER_OPTIONS: dict[str, Any] = {"loop": "asyncio", "http": "httptools"}


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to bind.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to bind.")] = None,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
) -> None:
    """Serve the API with uvicorn."""
    import uvicorn

    settings = get_settings()
    uvicorn.run(
        "app.main:app",
        host=host or settings.host,
        port=port or settings.port,
        workers=workers,
        proxy_headers=True,
        access_log=False,  # the app writes its own access line, with the request id
        **SERVER_OPTIONS,
    )


if __name__ == "__main__":
    app()
