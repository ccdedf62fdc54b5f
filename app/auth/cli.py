"""`entente keys create|list|revoke`: API keys, managed on the server's command line."""

from collections.abc import Callable
from typing import Annotated, TypeVar

import typer
from sqlalchemy import Connection, Engine

from app.auth import service
from app.auth.models import Role

T = TypeVar("T")

keys = typer.Typer(
    help="API keys: each made once, stored as a hash only, revoked by name.",
    no_args_is_help=True,
)


def _run(ctx: typer.Context, work: Callable[[Connection], T]) -> T:
    """`work` in one transaction of the database `ctx.obj()` opens (the main command's:
    migrated, or it exits); a refusal exits 1, nothing written."""
    engine: Engine = ctx.obj()
    try:
        with (
            engine.connect() as connection,
            connection.execution_options(sqlite_begin="IMMEDIATE").begin(),
        ):
            return work(connection)
    except service.KeyRefused as refused:
        typer.echo(str(refused), err=True)
        raise typer.Exit(code=1) from None
    finally:
        engine.dispose()


@keys.command()
def create(
    ctx: typer.Context,
    name: Annotated[str, typer.Option(help=f"Who holds the key: {service.NAME_RULE}.")],
    role: Annotated[Role, typer.Option(help="What the key may do.")],
) -> None:
    """Make a key and print it: it is shown this once, and only its hash is stored."""
    key = _run(ctx, lambda connection: service.create_key(connection, name=name, role=role))
    typer.echo(key)
    typer.echo(f"key '{name}' ({role}) created; it will not be shown again", err=True)


def _when(moment: object) -> str:
    return "-" if moment is None else f"{moment:%Y-%m-%d %H:%M:%S}"


@keys.command("list")
def list_(ctx: typer.Context) -> None:
    """Every key's name, role, and when it was made and revoked (never the key)."""
    records = _run(ctx, service.list_keys)
    typer.echo(f"{'name':<24} {'role':<12} {'created':<20} revoked")
    for record in records:
        typer.echo(
            f"{record.name:<24} {record.role:<12} {_when(record.created_at):<20} "
            f"{_when(record.revoked_at)}"
        )


@keys.command()
def revoke(
    ctx: typer.Context, name: Annotated[str, typer.Argument(help="The name of the key.")]
) -> None:
    """Revoke a key: requests with it are answered 401 from now on. Its name stays taken."""
    record = _run(ctx, lambda connection: service.revoke_key(connection, name=name))
    typer.echo(f"key '{record.name}' revoked at {_when(record.revoked_at)}")
