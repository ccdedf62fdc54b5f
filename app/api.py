"""The versioned API: every resource router under /api/v1."""

import re

from fastapi import APIRouter, Depends, Request
from fastapi.exceptions import RequestValidationError

from app.events.router import router as events_router

API_PREFIX = "/api/v1"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def reject_control_characters(request: Request) -> None:
    """NUL and other control characters are never valid input (PostgreSQL refuses NUL)."""
    errors = [
        {"loc": (where, name), "msg": "control characters are not allowed",
         "type": "value_error", "input": value}
        for where, items in (("query", request.query_params.multi_items()),
                             ("path", request.path_params.items()))
        for name, value in items
        if isinstance(value, str) and (_CONTROL.search(value) or _CONTROL.search(name))
    ]
    if errors:
        raise RequestValidationError(errors)


api_router = APIRouter(prefix=API_PREFIX, dependencies=[Depends(reject_control_characters)])
for router in (events_router,):
    api_router.include_router(router)
