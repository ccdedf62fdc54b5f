"""`entente keys create|list|revoke`: API keys, managed on the server's command line."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, TypeVar

import typer
from sqlalchemy import Connection

from app.auth import service
from app.auth.models import Role

T = TypeVar("T")

keys = typer.Typer(
    help="API keys: each made once, stored as a hash only, revoked by name.",
    no_args_is_help=True,
)


@contextmanager
def _transaction() -> Iterator[Connection]:
    # app.cli imports this module: its helpers are imported when a command runs.
    from app.cli import _engine, _require_migrated

    engine = _engine()
    _require_migrated(engine)
    try:
        with (
            engine.connect() as connection,
            connection.execution_options(sqlite_begin="IMMEDIATE").begin(),
        ):
            yield connection
    finally:
        engine.dispose()


def _run(work: Callable[[Connection], T]) -> T:
    """`work` in one transaction of the settings' database; a refusal exits 1, nothing
    written."""
    try:
        with _transaction() as connection:
            return work(connection)
    except service.KeyRefused as refused:
        typer.echo(str(refused), err=True)
        raise typer.Exit(code=1) from None


@keys.command()
def create(
    name: Annotated[str, typer.Option(help=f"Who holds the key: {service.NAME_RULE}.")],
    role: Annotated[Role, typer.Option(help="What the key may do.")],
) -> None:
    """Make a key and print it: it is shown this once, and only its hash is stored."""
    key = _run(lambda connection: service.create_key(connection, name=name, role=role))
    typer.echo(key)
    typer.echo(f"key '{name}' ({role}) created; it will not be shown again", err=True)


def _when(moment: object) -> str:
    return "-" if moment is None else f"{moment:%Y-%m-%d %H:%M:%S}"


@keys.command("list")
def list_() -> None:
    """Every key's name, role, and when it was made and revoked (never the key)."""
    records = _run(service.list_keys)
    typer.echo(f"{'name':<24} {'role':<12} {'created':<20} revoked")
    for record in records:
        typer.echo(
            f"{record.name:<24} {record.role:<12} {_when(record.created_at):<20} "
            f"{_when(record.revoked_at)}"
        )


@keys.command()
def revoke(name: Annotated[str, typer.Argument(help="The name of the key.")]) -> None:
    """Revoke a key: requests with it are answered 401 from now on. Its name stays taken."""
    record = _run(lambda connection: service.revoke_key(connection, name=name))
    typer.echo(f"key '{record.name}' revoked at {_when(record.revoked_at)}")
