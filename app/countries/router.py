"""Countries: HTTP endpoints."""

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from app.countries import service
from app.countries.schemas import CountryDetail, CountryPublic, CountryQuery
from app.deps import DatabaseDep
from app.docs import DETAIL_RESPONSES, LIST_RESPONSES
from app.pagination import Page
from app.responses import detail_response, list_response
from app.values import ID_PATTERN

router = APIRouter(prefix="/countries", tags=["countries"])
# A plain string, not `CountryCode`: an unknown or malformed code is a missing country (404).
CountryCodePath = Annotated[
    str,
    Path(
        max_length=200,
        pattern=ID_PATTERN,
        description="ISO 3166-1 alpha-2 or alpha-3 code, in any case (`fr`, `FRA`).",
        examples=["FR", "rus"],
    ),
]


@router.get(
    "",
    operation_id="list_countries",
    summary="List countries",
    response_model=Page[CountryPublic],
    responses=LIST_RESPONSES,
)
async def list_countries(
    request: Request, db: DatabaseDep, query: Annotated[CountryQuery, Query()]
) -> Response:
    """All ISO 3166-1 countries, by name (or by code with `sort=code`).

    `q` keeps the countries whose name begins with it; `in_kb=true` keeps those that some
    fact of the knowledge base refers to, `in_kb=false` the others. Filters combine: a
    country matches every one given.
    """
    return await list_response(request, db, query, service.COUNTRIES)


@router.get(
    "/{code}",
    operation_id="get_country",
    summary="Get one country",
    response_model=CountryDetail,
    responses=DETAIL_RESPONSES,
)
async def get_country(request: Request, db: DatabaseDep, code: CountryCodePath) -> Response:
    """A country, always answered with its alpha-2 code: whether the knowledge base refers
    to it, how many events, mechanisms, figures and assessments involve it, and its people
    and places. An unknown code is a 404."""
    return await detail_response(request, db, partial(service.get_country, code=code))
