"""Topics: HTTP endpoints."""

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from app.claims.schemas import ClaimsQuery
from app.claims.service import with_claims
from app.deps import DatabaseDep
from app.docs import DETAIL_RESPONSES, LIST_RESPONSES
from app.pagination import Page
from app.responses import detail_response, list_response
from app.topics import service
from app.topics.schemas import TopicDetail, TopicPublic, TopicQuery
from app.values import ID_PATTERN

router = APIRouter(prefix="/topics", tags=["topics"])
TopicId = Annotated[
    str,
    Path(
        max_length=200,
        pattern=ID_PATTERN,
        description="Topic id (a slug).",
        examples=["libya-crisis"],
    ),
]


@router.get(
    "",
    operation_id="list_topics",
    summary="List topics",
    response_model=Page[TopicPublic],
    responses=LIST_RESPONSES,
)
async def list_topics(
    request: Request, db: DatabaseDep, query: Annotated[TopicQuery, Query()]
) -> Response:
    """Crises, security questions, agreements and other subjects that leaders discuss, by
    name.

    Filter by `category` and by words in the name or description (`q`); filters combine
    with AND. Each topic carries its description, Wikidata id and citations.
    """
    return await list_response(request, db, query, service.TOPICS)


@router.get(
    "/{topic_id}",
    operation_id="get_topic",
    summary="Get one topic",
    response_model=TopicDetail,
    responses=DETAIL_RESPONSES,
)
async def get_topic(
    request: Request, db: DatabaseDep, topic_id: TopicId, claims: ClaimsQuery = None
) -> Response:
    """A topic with its citations, the events that discussed it (by start date) and the
    statements made about it (by date)."""
    return await detail_response(
        request,
        db,
        with_claims(
            partial(service.get_topic, topic_id=topic_id), TopicDetail, "topic", topic_id, claims
        ),
    )
