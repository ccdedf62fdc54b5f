"""Who a request comes from, the FastAPI way: `HTTPBearer` reads `Authorization: Bearer KEY`
(and gives Swagger UI its Authorize button), `current_principal` finds the key's holder and
`require(role)` guards an operation.

Anonymous requests stay anonymous (None): reads are open. A key that is sent must be good:
malformed, unknown or revoked, it is answered 401 whatever the operation.
"""

from collections.abc import Awaitable, Callable
from functools import partial
from typing import Annotated

from fastapi import Depends, HTTPException, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.auth import service
from app.auth.models import Principal, Role
from app.deps import LiveDatabaseDep

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="apiKey",
    bearerFormat="ent_...",
    description="An API key made by `entente keys create`: `Authorization: Bearer KEY`.",
)
CHALLENGE = {"WWW-Authenticate": "Bearer"}


def unauthorized(detail: str) -> HTTPException:
    return HTTPException(status_code=401, detail=detail, headers=CHALLENGE)


async def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)],
    database: LiveDatabaseDep,
) -> Principal | None:
    """The holder of the request's key; None when the request sends none."""
    if credentials is None:
        if "authorization" in request.headers:
            raise unauthorized("the Authorization header must be `Bearer KEY`")
        return None
    key = credentials.credentials
    if not service.KEY_PATTERN.fullmatch(key):
        raise unauthorized("malformed API key: keys look like `ent_` and 43 characters")
    record = await database.run(partial(service.find_key, key=key))
    if record is None:
        raise unauthorized("unknown API key")
    if record.revoked_at is not None:
        raise unauthorized(f"the API key '{record.name}' has been revoked")
    return Principal(name=record.name, role=record.role)


PrincipalDep = Annotated[Principal | None, Depends(current_principal)]


def require(role: Role) -> Callable[[Principal | None], Awaitable[Principal]]:
    """A dependency answering 401 without a key, 403 with a key of a lower role than
    `role`, and otherwise the key's holder."""

    async def at_least(principal: PrincipalDep) -> Principal:
        if principal is None:
            raise unauthorized(f"this operation needs an API key of the {role} role or above")
        if principal.role < role:
            raise HTTPException(
                status_code=403,
                detail=f"this operation needs the {role} role or above; "
                f"the key '{principal.name}' is a {principal.role}",
            )
        return principal

    return at_least


ContributorDep = Annotated[Principal, Depends(require(Role.CONTRIBUTOR))]
ReviewerDep = Annotated[Principal, Depends(require(Role.REVIEWER))]
AdminDep = Annotated[Principal, Depends(require(Role.ADMIN))]
