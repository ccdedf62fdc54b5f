"""Statements: HTTP endpoints."""

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from app.claims.schemas import ClaimsQuery
from app.claims.service import with_claims
from app.deps import DatabaseDep
from app.docs import DETAIL_RESPONSES, LIST_RESPONSES
from app.pagination import FacetedPage
from app.responses import detail_response, list_response
from app.statements import service
from app.statements.schemas import StatementDetail, StatementPublic, StatementQuery

router = APIRouter(prefix="/statements", tags=["statements"])
StatementId = Annotated[
    str,
    Path(
        max_length=200,
        description="Statement id (a slug).",
        examples=["macron-2019-08-security-structure-russia-europe"],
    ),
]


@router.get(
    "",
    operation_id="list_statements",
    summary="List statements",
    response_model=FacetedPage[StatementPublic],
    responses=LIST_RESPONSES,
)
async def list_statements(
    request: Request, db: DatabaseDep, query: Annotated[StatementQuery, Query()]
) -> Response:
    """What leaders said, quoted (`direct_quote`) or paraphrased, newest first by default.

    Filters combine (all must hold): the speaker, the event it was said at, topics
    (`topic=a&topic=b`: on both), the mode, dates (a statement matches when its date
    overlaps `date_from`..`date_to`) and words in its text (`q`). Each statement carries its
    speaker, its event, its topics and the citations that attest it.
    """
    return await list_response(request, db, query, service.STATEMENTS)


@router.get(
    "/{statement_id}",
    operation_id="get_statement",
    summary="Get one statement",
    response_model=StatementDetail,
    responses=DETAIL_RESPONSES,
)
async def get_statement(
    request: Request, db: DatabaseDep, statement_id: StatementId, claims: ClaimsQuery = None
) -> Response:
    """A statement with its speaker, the event it was made at, its date, text, mode
    (quoted or paraphrased), topics and citations."""
    return await detail_response(
        request,
        db,
        with_claims(
            partial(service.get_statement, statement_id=statement_id),
            StatementDetail,
            "statement",
            statement_id,
            claims,
        ),
    )
