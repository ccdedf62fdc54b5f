"""Dependencies every route shares: the database, and the refusal of control characters.

Tests point the API at a database of their own with
`app.dependency_overrides[get_database] = lambda: database`.
"""

from functools import lru_cache
from typing import Annotated

from fastapi import Depends, Request
from fastapi.exceptions import RequestValidationError

from app.db import Database, open_database
from app.values import has_control_characters


@lru_cache(maxsize=1)
def default_database() -> Database:
    """The database of the settings, opened on first use and kept for the process."""
    return open_database()


async def get_database() -> Database:
    # A coroutine: FastAPI runs a plain function dependency in a thread of its own.
    return default_database()


DatabaseDep = Annotated[Database, Depends(get_database)]


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
