"""The versioned API: every resource router under /api/v1."""

import re

from fastapi import APIRouter, Depends, Request
from fastapi.exceptions import RequestValidationError

from app.assessments.router import router as assessments_router
from app.countries.router import router as countries_router
from app.events.router import router as events_router
from app.figures.router import router as figures_router
from app.mechanisms.router import router as mechanisms_router
from app.organizations.router import router as organizations_router
from app.people.router import router as people_router
from app.places.router import router as places_router
from app.relations.router import router as relations_router
from app.search.router import router as search_router
from app.sources.router import router as sources_router
from app.statements.router import router as statements_router
from app.topics.router import router as topics_router

API_PREFIX = "/api/v1"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def reject_control_characters(request: Request) -> None:
    """NUL and other control characters are never valid input (PostgreSQL refuses NUL)."""
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
        if isinstance(value, str) and (_CONTROL.search(value) or _CONTROL.search(name))
    ]
    if errors:
        raise RequestValidationError(errors)


api_router = APIRouter(prefix=API_PREFIX, dependencies=[Depends(reject_control_characters)])
for router in (
    countries_router,
    organizations_router,
    people_router,
    places_router,
    events_router,
    mechanisms_router,
    figures_router,
    topics_router,
    statements_router,
    assessments_router,
    sources_router,
    relations_router,
    search_router,
):
    api_router.include_router(router)
