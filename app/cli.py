"""The `entente` command: migrate, seed, validate, schema, serve."""

import socket
from pathlib import Path
from typing import Annotated
from urllib.parse import quote

import typer
from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from app import migrations
from app.auth.cli import keys
from app.config import get_settings
from app.db import make_engine
from app.seeding.errors import SeedFailed
from app.seeding.loader import seed as seed_bundles
from app.seeding.loader import unload as unload_source
from app.seeding.loader import validate as validate_bundles
from app.seeding.write import Changes
from app.server import SERVER_OPTIONS

app = typer.Typer(
    help="Entente: a knowledge base of diplomatic relations, served as a typed REST API.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

PathsArg = Annotated[
    list[Path] | None,
    typer.Argument(help="Bundle files or folders of bundles (default: the seed's bundles)."),
]


def _engine() -> Engine:
    """The settings' database, for commands that may run long (no statement budget)."""
    return make_engine(get_settings().database_url, budget=False)


def _bundles(paths: list[Path] | None) -> list[Path]:
    return paths or [get_settings().seed_dir / "bundles"]


def _fail(errors: SeedFailed) -> None:
    for error in errors.errors:
        typer.echo(str(error), err=True)
    typer.echo(f"{len(errors.errors)} error(s); nothing was written.", err=True)
    raise typer.Exit(code=1)


def _require_migrated(engine: Engine) -> None:
    try:
        at_head = migrations.is_at_head(engine)
    except OperationalError as exc:
        typer.echo(f"database unreachable: {exc.orig}", err=True)
        raise typer.Exit(code=2) from None
    if not at_head:
        typer.echo(
            "the database is not migrated to the latest schema: run `entente migrate`", err=True
        )
        raise typer.Exit(code=2)


def _migrated_engine() -> Engine:
    engine = _engine()
    _require_migrated(engine)
    return engine


# The keys commands open the database through `ctx.obj`.
app.add_typer(keys, name="keys", context_settings={"obj": _migrated_engine})


@app.command()
def migrate(
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
) -> None:
    """Upgrade the database (ENTENTE_DATABASE_URL) to the latest schema."""
    migrations.upgrade(get_settings().database_url, revision)
    typer.echo(f"database at {migrations.current_revision(_engine())}")


@app.command()
def seed(
    paths: PathsArg = None,
    timings: Annotated[
        bool, typer.Option(help="Print how long each phase of the load took (to stderr).")
    ] = False,
) -> None:
    """Load seed bundles: all of them or nothing, and a second run changes no row."""
    engine = _engine()
    _require_migrated(engine)
    try:
        changes = seed_bundles(
            engine,
            _bundles(paths),
            on_progress=(lambda line: typer.echo(f"took {line}", err=True)) if timings else None,
        )
    except SeedFailed as errors:
        _fail(errors)
        return
    _report(changes, "seeded")


def _report(changes: Changes, done: str) -> None:
    for table, changed in changes.tables.items():
        if changed.total:
            typer.echo(
                f"{table}: {changed.inserted} inserted, {changed.updated} updated, "
                f"{changed.deleted} deleted"
            )
    typer.echo(f"{done}: {changes.total} row(s) changed")


@app.command()
def unload(
    source_id: Annotated[str, typer.Argument(help="The id of the source to remove.")],
) -> None:
    """Remove one source: its claims, and every record that only it supported. Other
    sources' claims about the same records stay."""
    engine = _engine()
    _require_migrated(engine)
    try:
        changes = unload_source(engine, source_id)
    except SeedFailed as errors:
        _fail(errors)
        return
    _report(changes, "unloaded")


def _existing_database() -> Engine | None:
    """The settings' database, opened read-only, when it exists and is migrated, else None.
    Nothing is created: no SQLite file, folder or journal."""
    url = make_url(get_settings().database_url)
    if url.get_backend_name() != "sqlite":
        engine = create_engine(url, connect_args={"options": "-c default_transaction_read_only=on"})
    else:
        path = Path(url.database or "")
        if not path.is_file():
            return None
        # Read-only mode would leave a `-wal` and a `-shm` file beside a WAL database that no
        # connection holds open (no `-wal` file yet): such a database, fully written to its
        # file, is read as immutable.
        wal_open = path.with_name(path.name + "-wal").exists()
        mode = "mode=ro" if wal_open else "immutable=1"
        engine = create_engine(f"sqlite:///file:{quote(str(path.resolve()))}?{mode}&uri=true")
    try:
        return engine if migrations.is_at_head(engine) else None
    except OperationalError:
        return None


@app.command()
def validate(paths: PathsArg = None) -> None:
    """Run every check of `seed` without writing; exit 1 on any error.

    References may point at records in the other bundles given and, when the database
    exists and is migrated, at records already in it (read only: nothing is written or
    created). Every error of every file is listed, by file and line.
    """
    try:
        count = validate_bundles(_bundles(paths), _existing_database())
    except SeedFailed as errors:
        _fail(errors)
        return
    typer.echo(f"valid: {count} record(s)")


@app.command()
def extract(
    article: Annotated[Path, typer.Argument(help="The article, as UTF-8 plain text.")],
    published: Annotated[
        str, typer.Option(help="Publication date: YYYY-MM-DD (or YYYY-MM, YYYY).")
    ],
    source_id: Annotated[
        str | None, typer.Option(help="Id of the draft's source (default: the file's name).")
    ] = None,
    output: Annotated[
        Path | None, typer.Option(help="Where to write the draft (default: standard output).")
    ] = None,
) -> None:
    """Draft a seed bundle of the candidate facts an article states, each citing its words."""
    from app.extract.command import run
    from app.extract.reader import ExtractError

    try:
        typer.echo(run(article, published, source_id, output, _existing_database()), nl=False)
    except ExtractError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(code=1) from None


@app.command()
def schema(
    out: Annotated[
        Path | None, typer.Option(help="Write the JSON Schema to this file (default: print it).")
    ] = None,
    authoring: Annotated[
        Path | None,
        typer.Option(help="Rewrite the generated part of this guide (docs/AUTHORING.md) instead."),
    ] = None,
) -> None:
    """The JSON Schema of seed bundles, generated from the models (for editors); or the
    reference of every section, field and allowed value in the authoring guide."""
    from app.seeding import authoring as generated

    if authoring is not None:
        try:
            text = generated.with_reference(authoring.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            typer.echo(f"{authoring}: {getattr(exc, 'strerror', None) or exc}", err=True)
            raise typer.Exit(code=1) from None
        authoring.write_text(text, encoding="utf-8")
        typer.echo(f"{authoring}: generated part rewritten")
    elif out is not None:
        out.write_text(generated.schema_text(), encoding="utf-8")
        typer.echo(f"{out}: written")
    else:
        typer.echo(generated.schema_text(), nl=False)


@app.command()
def reindex() -> None:
    """Rebuild what derives from the records (event documents, search index) from scratch."""
    from app.revision import bump_revision
    from app.seeding.derived import refresh_derived

    engine = _engine()
    _require_migrated(engine)
    with engine.begin() as connection:
        count = refresh_derived(connection, None)
        bump_revision(connection)
    typer.echo(f"reindexed: {count} row(s)")


@app.command()
def examples() -> None:
    """Regenerate the OpenAPI examples from the seeded database (app/openapi_examples.json)."""
    from app.main import create_app
    from app.openapi_examples import write

    _require_migrated(_engine())
    write(create_app())
    typer.echo("examples written")


def listening_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to `host:port`, made as TCP (`IPPROTO_TCP`), which the sockets it
    accepts inherit: asyncio sets TCP_NODELAY only on those. uvicorn's own socket for several
    workers leaves the protocol 0, and Nagle's algorithm then holds each response of a
    keep-alive connection until the client's delayed ACK (docs/BENCHMARKS.md)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)
    return sock


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to bind.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to bind.")] = None,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
    root_path: Annotated[
        str | None,
        typer.Option(help="Path prefix a reverse proxy serves the API under (`/entente`)."),
    ] = None,
) -> None:
    """Serve the API with uvicorn."""
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    settings = get_settings()
    config = uvicorn.Config(
        "app.main:app",
        workers=workers,
        proxy_headers=True,
        access_log=False,  # the app writes its own access line, with the request id
        root_path=(settings.root_path if root_path is None else root_path).rstrip("/"),
        **SERVER_OPTIONS,
    )
    sock = listening_socket(host or settings.host, port or settings.port)
    if workers > 1:
        Multiprocess(config, sockets=[sock]).run()
    else:
        uvicorn.Server(config).run(sockets=[sock])


if __name__ == "__main__":
    app()
