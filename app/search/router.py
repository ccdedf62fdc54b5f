"""Full-text search: HTTP endpoint."""

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from app.deps import DatabaseDep
from app.docs import LIST_RESPONSES
from app.pagination import Page
from app.responses import list_response
from app.search import service
from app.search.schemas import SearchHit, SearchQuery

router = APIRouter(prefix="/search", tags=["search"])


@router.get(
    "",
    operation_id="search",
    summary="Search the knowledge base",
    response_model=Page[SearchHit],
    responses=LIST_RESPONSES,
)
async def search(
    request: Request, db: DatabaseDep, query: Annotated[SearchQuery, Query()]
) -> Response:
    """Ranked full-text search across events, statements, sources, mechanisms, topics and
    people, by their titles, descriptions and the words of the sources that cite them.

    `q` takes words (all must occur), "quoted phrases" and prefix* terms; any other
    punctuation separates words, so no query is malformed. Each hit has its type, id, title,
    a snippet with the matches marked, a score and the URL to fetch the record. `type`
    (repeatable) keeps some kinds only. Pages like every list.

    Order: records whose title holds every term first, then the others. Within each, a query
    matching few records (see `score`) is ranked by relevance; a larger one lists the newest
    records first, so that a page of a common word costs no more than a page of a rare one.
    """
    return await list_response(request, db, query, service.SEARCH)
