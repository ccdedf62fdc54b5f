"""RFC 9457 problem details for every error the API gives; no stack trace or SQL ever leaks."""

import logging
import re
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import OperationalError, ProgrammingError
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_JSON = "application/problem+json"
TITLES = {422: "Unprocessable Content"}  # RFC 9110's name; Python 3.11 still says "Entity"
log = logging.getLogger("entente.errors")


class NotFound(Exception):
    """A resource of `kind` with `id` does not exist."""

    def __init__(self, kind: str, id: str) -> None:
        super().__init__(f"{kind} '{id}' not found")
        self.kind = kind
        self.id = id


class InvalidInput(Exception):
    """Input that passed type validation but is still wrong (a stale cursor, say)."""

    def __init__(self, location: tuple[str, ...], message: str) -> None:
        super().__init__(message)
        self.location = location
        self.message = message


class FieldError(BaseModel):
    location: list[str | int] = Field(
        examples=[["query", "limit"]],
        description="Where the field is: `query`, `path` or `header`, then its name.",
    )
    message: str = Field(
        examples=["Input should be less than or equal to 500"], description="What is wrong with it."
    )


class Problem(BaseModel):
    """An RFC 9457 problem detail."""

    type: str = Field(
        default="about:blank",
        examples=["about:blank"],
        description="A URI naming the kind of problem; `about:blank` when the status says it all.",
    )
    title: str = Field(examples=["Not Found"], description="The HTTP status' name.")
    status: int = Field(examples=[404], description="The HTTP status code.")
    detail: str = Field(
        examples=["event 'no-such-event' not found"],
        description="What went wrong with this request, for a person to read.",
    )
    instance: str = Field(
        examples=["/api/v1/events/no-such-event"], description="The path of the request."
    )
    errors: list[FieldError] | None = Field(
        default=None, description="For invalid input: each field at fault and why."
    )


def _problem_doc(description: str, example: dict[str, Any]) -> dict[str, Any]:
    return {
        "model": Problem,
        "description": description,
        "content": {
            PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}, "example": example}
        },
    }


VALIDATION_ERROR_DOC = _problem_doc(
    "Invalid input: `errors` names each field at fault.",
    {
        "type": "about:blank",
        "title": "Unprocessable Content",
        "status": 422,
        "detail": "1 invalid field",
        "instance": "/api/v1/events",
        "errors": [
            {"location": ["query", "limit"], "message": "Input should be less than or equal to 500"}
        ],
    },
)
NOT_FOUND_DOC = _problem_doc(
    "No such resource.",
    {
        "type": "about:blank",
        "title": "Not Found",
        "status": 404,
        "detail": "event 'no-such-event' not found",
        "instance": "/api/v1/events/no-such-event",
    },
)
UNAUTHORIZED_DOC = _problem_doc(
    "No API key, or a malformed, unknown or revoked one (with `WWW-Authenticate: Bearer`).",
    {
        "type": "about:blank",
        "title": "Unauthorized",
        "status": 401,
        "detail": "unknown API key",
        "instance": "/api/v1/me",
    },
)
FORBIDDEN_DOC = _problem_doc(
    "The API key's role is too low for this operation.",
    {
        "type": "about:blank",
        "title": "Forbidden",
        "status": 403,
        "detail": "this operation needs the reviewer role or above; the key 'bob' is a contributor",
        "instance": "/api/v1/sources",
    },
)
BAD_BODY_DOC = _problem_doc(
    "The request's body cannot be read as JSON.",
    {
        "type": "about:blank",
        "title": "Bad Request",
        "status": 400,
        "detail": "There was an error parsing the body",
        "instance": "/api/v1/sources",
    },
)
CONFLICT_DOC = _problem_doc(
    "The proposal is decided already (accepted or rejected).",
    {
        "type": "about:blank",
        "title": "Conflict",
        "status": 409,
        "detail": "the proposal is accepted already",
        "instance": "/api/v1/proposals/1/accept",
    },
)
PRECONDITION_FAILED_DOC = _problem_doc(
    "`If-Match` names a version that is no longer current: another write came first. The "
    "answer's `ETag` is the current version; read it again before changing it.",
    {
        "type": "about:blank",
        "title": "Precondition Failed",
        "status": 412,
        "detail": "the record changed since the version of If-Match: read it again",
        "instance": "/api/v1/claims/event/2019-08-19-putin-macron-talks-bregancon/"
        "improving-russia-france-relations",
    },
)
PRECONDITION_REQUIRED_DOC = _problem_doc(
    "A change of something that exists must send its ETag as `If-Match`.",
    {
        "type": "about:blank",
        "title": "Precondition Required",
        "status": 428,
        "detail": "this claim exists: send its ETag as If-Match to change it",
        "instance": "/api/v1/claims/event/2019-08-19-putin-macron-talks-bregancon/"
        "improving-russia-france-relations",
    },
)
NOT_MODIFIED_DOC = {"description": "Not modified: the `If-None-Match` ETag is current."}


def problem_response(
    request: Request,
    status: int,
    detail: str,
    *,
    errors: list[dict[str, Any]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": TITLES.get(status) or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
    }
    if errors is not None:
        body["errors"] = errors
    return JSONResponse(
        body, status_code=status, media_type=PROBLEM_JSON, headers=dict(headers or {})
    )


def _readable(error: dict[str, Any]) -> dict[str, Any]:
    location = [part for part in error["loc"] if isinstance(part, str | int)]
    message = str(error["msg"]).removeprefix("Value error, ")
    return {"location": location, "message": message}


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [_readable(e) for e in exc.errors()]
    detail = f"{len(errors)} invalid field" + ("s" if len(errors) != 1 else "")
    return problem_response(request, 422, detail, errors=errors)


async def _invalid_input(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, InvalidInput)
    return problem_response(
        request,
        422,
        "1 invalid field",
        errors=[{"location": list(exc.location), "message": exc.message}],
    )


async def _not_found(request: Request, exc: Exception) -> JSONResponse:
    return problem_response(request, 404, str(exc))


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
    if exc.status_code == 404 and detail == "Not Found":
        path = request.url.path
        detail = f"no resource at {path}"
        if path.endswith("/") and path.strip("/"):  # no redirect: see `create_app`
            detail += f"; paths take no trailing slash ({path.rstrip('/')})"
    headers = exc.headers
    if exc.status_code == 405:
        detail = f"{request.method} is not allowed on {request.url.path}"
        headers = {**(headers or {}), "Allow": ", ".join(_methods_of(request))}
    return problem_response(request, exc.status_code, detail, headers=headers)


def _methods_of(request: Request) -> list[str]:
    """Every method the path answers, as the OpenAPI document lists them (Starlette names
    only those of the first route that matches the path; a path has a route per method)."""
    path, root = request.scope["path"], request.scope.get("root_path", "")
    path = path[len(root) :] if root and path.startswith(root) else path
    methods: set[str] = set()
    for template, item in request.app.openapi()["paths"].items():
        if re.fullmatch(re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)), path):
            methods |= {method.upper() for method in item}
    return sorted(methods)


# Seconds a client is asked to wait before it tries a 503 again.
RETRY_AFTER = "1"


def _over_budget(exc: OperationalError) -> bool:
    """Whether the statement was cancelled for outrunning its time budget (SQLite's progress
    handler interrupts it; PostgreSQL cancels it at `statement_timeout`)."""
    return "interrupted" in str(exc.orig) or getattr(exc.orig, "sqlstate", None) == "57014"


async def _database_unavailable(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, OperationalError)
    if _over_budget(exc):
        log.warning("over its time budget: %s %s", request.method, request.url.path)
        detail = "The query took longer than its time budget; try again, or narrow it."
    elif "locked" in str(exc.orig):
        log.warning("database busy: %s %s", request.method, request.url.path)
        detail = "The database is busy; try again."
    else:
        log.error("database error on %s %s: %s", request.method, request.url.path, exc)
        detail = "The database is unavailable or not migrated."
    return problem_response(request, 503, detail, headers={"Retry-After": RETRY_AFTER})


async def _programming_error(request: Request, exc: Exception) -> JSONResponse:
    """PostgreSQL reports a missing table (a database not migrated) as a programming error;
    SQLite as an operational one (`_database_unavailable`)."""
    if getattr(getattr(exc, "orig", None), "sqlstate", None) == "42P01":  # undefined_table
        log.error("database not migrated: %s %s", request.method, request.url.path)
        detail = "The database is unavailable or not migrated."
        return problem_response(request, 503, detail, headers={"Retry-After": RETRY_AFTER})
    return await _unexpected(request, exc)


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return problem_response(request, 500, "An unexpected error occurred; it has been logged.")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(InvalidInput, _invalid_input)
    app.add_exception_handler(NotFound, _not_found)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(OperationalError, _database_unavailable)
    app.add_exception_handler(ProgrammingError, _programming_error)
    app.add_exception_handler(Exception, _unexpected)
