"""Assessments: HTTP endpoints."""

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from app.assessments import service
from app.assessments.schemas import AssessmentDetail, AssessmentPublic, AssessmentQuery
from app.claims.schemas import ClaimsQuery
from app.claims.service import with_claims
from app.deps import DatabaseDep
from app.docs import DETAIL_RESPONSES, LIST_RESPONSES
from app.pagination import Page
from app.responses import detail_response, list_response
from app.values import ID_PATTERN

router = APIRouter(prefix="/assessments", tags=["assessments"])
AssessmentId = Annotated[
    str,
    Path(
        max_length=200,
        pattern=ID_PATTERN,
        description="Assessment id (a slug).",
        examples=["ru-fr-2019-08-visit-shows-improvement"],
    ),
]


@router.get(
    "",
    operation_id="list_assessments",
    summary="List assessments",
    response_model=Page[AssessmentPublic],
    responses=LIST_RESPONSES,
)
async def list_assessments(
    request: Request, db: DatabaseDep, query: Annotated[AssessmentQuery, Query()]
) -> Response:
    """Judgements of the climate of relationships (`cold`, `warming`, ...), latest period first
    by default.

    Filters combine (all must hold): the countries that are parties (`country=RU&country=FR`:
    both), stances (`stance=cold&stance=cooling`: either), who holds the judgement, and dates
    (an assessment matches when the period it judges, from `period` to `period_end`, overlaps
    `date_from`..`date_to`). Each assessment carries its parties, holder and citations.
    """
    return await list_response(request, db, query, service.ASSESSMENTS)


@router.get(
    "/{assessment_id}",
    operation_id="get_assessment",
    summary="Get one assessment",
    response_model=AssessmentDetail,
    responses=DETAIL_RESPONSES,
)
async def get_assessment(
    request: Request, db: DatabaseDep, assessment_id: AssessmentId, claims: ClaimsQuery = None
) -> Response:
    """An assessment with its parties (countries, an organization or a named counterpart), the
    period it judges, its stance, who holds it, its text and citations."""
    return await detail_response(
        request,
        db,
        with_claims(
            partial(service.get_assessment, assessment_id=assessment_id),
            AssessmentDetail,
            "assessment",
            assessment_id,
            claims,
        ),
    )
