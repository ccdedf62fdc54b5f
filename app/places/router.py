"""Places: HTTP endpoints."""

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from app.claims.schemas import ClaimsQuery
from app.claims.service import with_claims
from app.deps import DatabaseDep
from app.docs import DETAIL_RESPONSES, LIST_RESPONSES
from app.pagination import Page
from app.places import service
from app.places.schemas import PlaceDetail, PlacePublic, PlaceQuery
from app.responses import detail_response, list_response
from app.values import ID_PATTERN

router = APIRouter(prefix="/places", tags=["places"])
PlaceId = Annotated[
    str,
    Path(
        max_length=200,
        pattern=ID_PATTERN,
        description="Place id (a slug).",
        examples=["fort-de-bregancon"],
    ),
]


@router.get(
    "",
    operation_id="list_places",
    summary="List places",
    response_model=Page[PlacePublic],
    responses=LIST_RESPONSES,
)
async def list_places(
    request: Request, db: DatabaseDep, query: Annotated[PlaceQuery, Query()]
) -> Response:
    """Cities, residences, fortresses and other places where events happen, by name.

    Filter by country (`country=fra` or `FR`) and by kind; a place matches every filter
    given. Each carries its coordinates when known and the citations that attest it.
    """
    return await list_response(request, db, query, service.PLACES)


@router.get(
    "/{place_id}",
    operation_id="get_place",
    summary="Get one place",
    response_model=PlaceDetail,
    responses=DETAIL_RESPONSES,
)
async def get_place(
    request: Request, db: DatabaseDep, place_id: PlaceId, claims: ClaimsQuery = None
) -> Response:
    """A place with its coordinates, notes and citations, and the events held there (by
    start date)."""
    return await detail_response(
        request,
        db,
        with_claims(
            partial(service.get_place, place_id=place_id), PlaceDetail, "place", place_id, claims
        ),
    )
