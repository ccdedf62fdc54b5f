"""Events: HTTP endpoints."""

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from app.claims.schemas import ClaimsQuery
from app.claims.service import with_claims
from app.deps import DatabaseDep
from app.docs import DETAIL_RESPONSES, LIST_RESPONSES
from app.events import service
from app.events.schemas import EventDetail, EventPublic, EventQuery
from app.pagination import FacetedPage
from app.responses import detail_response, list_response
from app.values import ID_PATTERN

router = APIRouter(prefix="/events", tags=["events"])
EventId = Annotated[
    str,
    Path(
        max_length=200,
        pattern=ID_PATTERN,
        description="Event id (a slug).",
        examples=["2019-08-19-putin-official-visit-france"],
    ),
]


@router.get(
    "",
    operation_id="list_events",
    summary="List events",
    response_model=FacetedPage[EventPublic],
    responses=LIST_RESPONSES,
)
async def list_events(
    request: Request, db: DatabaseDep, query: Annotated[EventQuery, Query()]
) -> Response:
    """Visits, meetings, talks, press conferences and summits, newest first by default.

    Filter by the countries involved (`country=RU&country=FR`: both), host or guest country,
    participants, kinds, topics discussed, place and dates (an event matches when its dates
    overlap `date_from`..`date_to`). Each event carries its participants with their roles,
    its topics and the citations that attest it.
    """
    return await list_response(request, db, query, service.EVENTS)


@router.get(
    "/{event_id}",
    operation_id="get_event",
    summary="Get one event",
    response_model=EventDetail,
    responses=DETAIL_RESPONSES,
)
async def get_event(
    request: Request, db: DatabaseDep, event_id: EventId, claims: ClaimsQuery = None
) -> Response:
    """An event with its participants and roles, place, duration, format, outcomes, parent
    and child events, topics, the statements made at it, and its citations."""
    return await detail_response(
        request,
        db,
        with_claims(
            partial(service.get_event, event_id=event_id), EventDetail, "event", event_id, claims
        ),
    )
