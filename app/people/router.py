"""People: HTTP endpoints."""

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from app.claims.schemas import ClaimsQuery
from app.claims.service import with_claims
from app.deps import DatabaseDep
from app.docs import DETAIL_RESPONSES, LIST_RESPONSES
from app.pagination import Page
from app.people import service
from app.people.schemas import PersonDetail, PersonPublic, PersonQuery
from app.responses import detail_response, list_response
from app.values import ID_PATTERN

router = APIRouter(prefix="/people", tags=["people"])
PersonId = Annotated[
    str,
    Path(
        max_length=200,
        pattern=ID_PATTERN,
        description="Person id (a slug).",
        examples=["vladimir-putin"],
    ),
]


@router.get(
    "",
    operation_id="list_people",
    summary="List people",
    response_model=Page[PersonPublic],
    responses=LIST_RESPONSES,
)
async def list_people(
    request: Request, db: DatabaseDep, query: Annotated[PersonQuery, Query()]
) -> Response:
    """Leaders, ministers and other people of the knowledge base, by name.

    Filter by country (`country=fra` or `FR`) and by part of the name (`q`); a person
    matches every filter given. Each carries the citations that attest them.
    """
    return await list_response(request, db, query, service.PEOPLE)


@router.get(
    "/{person_id}",
    operation_id="get_person",
    summary="Get one person",
    response_model=PersonDetail,
    responses=DETAIL_RESPONSES,
)
async def get_person(
    request: Request, db: DatabaseDep, person_id: PersonId, claims: ClaimsQuery = None
) -> Response:
    """A person with the positions held (each dated as far as the source says, with its
    citations), the events taken part in with the role in each (by start date), and the
    statements made (by date)."""
    return await detail_response(
        request,
        db,
        with_claims(
            partial(service.get_person, person_id=person_id),
            PersonDetail,
            "person",
            person_id,
            claims,
        ),
    )
