"""Organizations: HTTP endpoints."""

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from app.claims.schemas import ClaimsQuery
from app.claims.service import with_claims
from app.deps import DatabaseDep
from app.docs import DETAIL_RESPONSES, LIST_RESPONSES
from app.organizations import service
from app.organizations.schemas import OrganizationDetail, OrganizationPublic, OrganizationQuery
from app.pagination import Page
from app.responses import detail_response, list_response
from app.values import ID_PATTERN

router = APIRouter(prefix="/organizations", tags=["organizations"])
OrganizationId = Annotated[
    str,
    Path(
        max_length=200,
        pattern=ID_PATTERN,
        description="Organization id (a slug).",
        examples=["european-union"],
    ),
]


@router.get(
    "",
    operation_id="list_organizations",
    summary="List organizations",
    response_model=Page[OrganizationPublic],
    responses=LIST_RESPONSES,
)
async def list_organizations(
    request: Request, db: DatabaseDep, query: Annotated[OrganizationQuery, Query()]
) -> Response:
    """Unions, forums, alliances and other groupings of countries, by name.

    Filter by `kind` and by words in the name or acronym (`q`); an organization matches
    every filter given. Each carries the citations that attest it.
    """
    return await list_response(request, db, query, service.ORGANIZATIONS)


@router.get(
    "/{organization_id}",
    operation_id="get_organization",
    summary="Get one organization",
    response_model=OrganizationDetail,
    responses=DETAIL_RESPONSES,
)
async def get_organization(
    request: Request, db: DatabaseDep, organization_id: OrganizationId, claims: ClaimsQuery = None
) -> Response:
    """An organization with its citations, the events it is involved in (by start date) and
    the assessments of relations that name it as a party (by period), with their citations."""
    return await detail_response(
        request,
        db,
        with_claims(
            partial(service.get_organization, organization_id=organization_id),
            OrganizationDetail,
            "organization",
            organization_id,
            claims,
        ),
    )
