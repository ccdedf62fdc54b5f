"""Relations between two countries: HTTP endpoints."""

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from app.deps import DatabaseDep
from app.docs import DETAIL_RESPONSES, LIST_RESPONSES
from app.errors import NOT_FOUND_DOC
from app.pagination import Page
from app.relations import service, timeline
from app.relations.schemas import RelationsDossier, RelationsQuery, TimelineItem, TimelineQuery
from app.responses import detail_response, list_response

router = APIRouter(prefix="/relations", tags=["relations"])
CountryA = Annotated[
    str,
    Path(
        min_length=2,
        max_length=3,
        pattern="^[A-Za-z]+$",
        description="One country of the pair: ISO 3166-1 alpha-2 or alpha-3, any case. An "
        "unknown code is a 404.",
        examples=["RU"],
    ),
]
CountryB = Annotated[
    str,
    Path(
        min_length=2,
        max_length=3,
        pattern="^[A-Za-z]+$",
        description="The other country of the pair (the order does not matter): another "
        "country than `a` (`FR/fra` names France twice, a 422). An unknown code is a 404.",
        examples=["FR"],
    ),
]


@router.get(
    "/{a}/{b}",
    operation_id="get_relations",
    summary="Get the dossier of two countries' relations",
    response_model=RelationsDossier,
    responses=DETAIL_RESPONSES,
)
async def get_relations(
    request: Request,
    db: DatabaseDep,
    a: CountryA,
    b: CountryB,
    query: Annotated[RelationsQuery, Query()],
) -> Response:
    """Everything the knowledge base holds about the relations of a pair of countries, the
    same whichever order they are given in: engagements counted by year and by kind, the
    first, last and most recent ones, the cooperation mechanisms of both with their status
    (current, or on the date `valid_at`), the latest figure of each metric, counts of leader
    meetings a source claims beside the meetings recorded for the same period, the 20 topics
    most discussed, the latest statements made at the pair's events, and the latest
    assessment of the climate with the history of assessments. Every count lists the ids of
    its latest 10 items as evidence (all of them when there are no more; the rest through
    the filters of `/events`, or this pair's timeline); every fact carries its citations. It
    costs the same whatever the pair's history: it is read from tables every load keeps in
    step. An unknown country is a 404; the same country twice is a 422."""
    return await detail_response(
        request,
        db,
        partial(service.get_relations, a=a, b=b, valid_at=query.valid_at),
        costly=True,
    )


@router.get(
    "/{a}/{b}/timeline",
    operation_id="get_relations_timeline",
    summary="List everything dated about two countries, in date order",
    response_model=Page[TimelineItem],
    responses={**LIST_RESPONSES, 404: NOT_FOUND_DOC},
)
async def get_relations_timeline(
    request: Request,
    db: DatabaseDep,
    a: CountryA,
    b: CountryB,
    query: Annotated[TimelineQuery, Query()],
) -> Response:
    """Events, status changes of mechanisms, figures, statements and assessments about the
    pair (in either order), merged by date: oldest first by default, ties broken by type then
    id. An item dated to a month or a year sorts at the first day of its interval and says
    so (`approximate`). Filters combine: `type` (repeatable: any of these types) and
    `date_from`/`date_to` (an item matches when its dates overlap the range). Each item has
    its date and precision, a title, the API path to fetch it and its citations."""
    return await list_response(request, db, query, timeline.timeline_listing(a, b))
