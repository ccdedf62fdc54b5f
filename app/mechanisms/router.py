"""Mechanisms: HTTP endpoints."""

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from app.claims.schemas import ClaimsQuery
from app.claims.service import with_claims
from app.deps import DatabaseDep
from app.docs import DETAIL_RESPONSES, LIST_RESPONSES
from app.mechanisms import service
from app.mechanisms.schemas import MechanismDetail, MechanismPublic, MechanismQuery
from app.pagination import Page
from app.responses import detail_response, list_response
from app.values import ID_PATTERN

router = APIRouter(prefix="/mechanisms", tags=["mechanisms"])
MechanismId = Annotated[
    str,
    Path(
        max_length=200,
        pattern=ID_PATTERN,
        description="Mechanism id (a slug).",
        examples=["security-cooperation-committee"],
    ),
]


@router.get(
    "",
    operation_id="list_mechanisms",
    summary="List cooperation mechanisms",
    response_model=Page[MechanismPublic],
    responses=LIST_RESPONSES,
)
async def list_mechanisms(
    request: Request, db: DatabaseDep, query: Annotated[MechanismQuery, Query()]
) -> Response:
    """Intergovernmental committees, councils, commissions and dialogues, by name.

    Filter by member countries (`country=RU&country=FR`: both are members), by the current
    status (`status=resumed`: the latest entry of the status history says so) and by kind;
    filters combine with AND. Each mechanism carries its members, its current status with
    the words that attest it, and its own citations.
    """
    return await list_response(request, db, query, service.MECHANISMS)


@router.get(
    "/{mechanism_id}",
    operation_id="get_mechanism",
    summary="Get one cooperation mechanism",
    response_model=MechanismDetail,
    responses=DETAIL_RESPONSES,
)
async def get_mechanism(
    request: Request, db: DatabaseDep, mechanism_id: MechanismId, claims: ClaimsQuery = None
) -> Response:
    """A mechanism with its members, current status and whole status history (oldest
    first, each entry with its date or the date by which the source reports it, and its
    citations)."""
    return await detail_response(
        request,
        db,
        with_claims(
            partial(service.get_mechanism, mechanism_id=mechanism_id),
            MechanismDetail,
            "mechanism",
            mechanism_id,
            claims,
        ),
    )
