"""Sources: HTTP endpoints."""

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from app.deps import DatabaseDep
from app.docs import DETAIL_RESPONSES, LIST_RESPONSES
from app.pagination import Page
from app.responses import detail_response, list_response
from app.sources import service
from app.sources.schemas import SourceDetail, SourcePublic, SourceQuery
from app.values import ID_PATTERN

router = APIRouter(prefix="/sources", tags=["sources"])
SourceId = Annotated[
    str,
    Path(
        max_length=200,
        pattern=ID_PATTERN,
        description="Source id (a slug).",
        examples=["improving-russia-france-relations"],
    ),
]


@router.get(
    "",
    operation_id="list_sources",
    summary="List sources",
    response_model=Page[SourcePublic],
    responses=LIST_RESPONSES,
)
async def list_sources(
    request: Request, db: DatabaseDep, query: Annotated[SourceQuery, Query()]
) -> Response:
    """The documents that facts are cited from, by id: title, publisher, publication date
    (with how it is known when it is not printed), address, language and credits. The text
    is left out of lists; ask for one source to get it."""
    return await list_response(request, db, query, service.SOURCES)


@router.get(
    "/{source_id}",
    operation_id="get_source",
    summary="Get one source",
    response_model=SourceDetail,
    responses=DETAIL_RESPONSES,
)
async def get_source(request: Request, db: DatabaseDep, source_id: SourceId) -> Response:
    """A source with its whole text, credits, and every fact citing it (events, people,
    figures, statements, assessments, ...), each with a label and the excerpts it cites,
    ordered by type then id."""
    return await detail_response(request, db, partial(service.get_source, source_id=source_id))
