"""Dependencies every route shares: the database, and the refusal of control characters.

Tests point the API at a database of their own with
`app.dependency_overrides[get_database] = lambda: database`.
"""

import datetime as dt
from functools import lru_cache
from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError

from app.db import Database, open_database
from app.errors import InvalidInput
from app.patterns import ISO_MOMENT
from app.values import as_utc, has_control_characters


@lru_cache(maxsize=1)
def default_database() -> Database:
    """The database of the settings, opened on first use and kept for the process."""
    return open_database()


async def get_database() -> Database:
    # A coroutine: FastAPI runs a plain function dependency in a thread of its own.
    return default_database()


async def database_then(
    live: Annotated[Database, Depends(get_database)],
    known_at: Annotated[
        str | None,
        Query(
            pattern=ISO_MOMENT,
            description="Answer as the knowledge base stood at this moment (ISO 8601, a date "
            "or a date and time to the minute, second or microsecond, with `Z` or an offset; no "
            "zone: UTC): what was recorded by then, before any later "
            "change or withdrawal.",
            examples=["2026-12-01T12:00:00Z"],
        ),
    ] = None,
) -> Database:
    """The database a read reads: the live one, or with `known_at` the knowledge base as it
    stood then (`app.curation.snapshot`). Writes take the live one (`LiveDatabaseDep`)."""
    if known_at is None:
        return live
    try:
        moment = dt.datetime.fromisoformat(known_at)
    except ValueError as exc:
        raise InvalidInput(("query", "known_at"), f"not a moment: {exc}") from None
    from app.curation.snapshot import SNAPSHOTS, last_change_at  # the write side, on demand

    upto = await live.run(lambda connection: last_change_at(connection, as_utc(moment)))
    return await run_in_threadpool(SNAPSHOTS.at, live, upto)


DatabaseDep = Annotated[Database, Depends(database_then)]
# The live database whatever the request asks: the probes, the keys.
LiveDatabaseDep = Annotated[Database, Depends(get_database)]


async def reject_control_characters(request: Request) -> None:
    """NUL and other control characters are never valid input (PostgreSQL refuses NUL in
    text): a 422 naming each parameter that holds one."""
    errors = [
        {
            "loc": (where, name),
            "msg": "control characters are not allowed",
            "type": "value_error",
            "input": value,
        }
        for where, items in (
            ("query", request.query_params.multi_items()),
            ("path", request.path_params.items()),
        )
        for name, value in items
        if isinstance(value, str)
        and (has_control_characters(value) or has_control_characters(name))
    ]
    if errors:
        raise RequestValidationError(errors)
