"""`GET /api/v1/me`: whose key a request carries."""

from fastapi import APIRouter, Response

from app.auth.deps import ContributorDep
from app.auth.models import Principal
from app.errors import UNAUTHORIZED_DOC, VALIDATION_ERROR_DOC

router = APIRouter(tags=["keys"])

ME_EXAMPLE = {"name": "alice", "role": "reviewer"}


@router.get(
    "/me",
    operation_id="get_me",
    summary="Whose API key is this?",
    response_model=Principal,
    responses={
        200: {"content": {"application/json": {"example": ME_EXAMPLE}}},
        401: UNAUTHORIZED_DOC,
        422: VALIDATION_ERROR_DOC,
    },
)
async def get_me(principal: ContributorDep, response: Response) -> Principal:
    """The name and role of the request's API key (`Authorization: Bearer KEY`); 401
    without a key, or with a malformed, unknown or revoked one. Every key may ask."""
    # The answer is the key's, not the knowledge base's: no shared cache may keep it.
    response.headers["Cache-Control"] = "no-store"
    return principal
