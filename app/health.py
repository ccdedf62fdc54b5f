"""Liveness and readiness probes, outside the versioned API."""

from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy import Connection
from sqlalchemy.exc import SQLAlchemyError

from app import migrations
from app.deps import LiveDatabaseDep
from app.errors import PROBLEM_JSON, RETRY_AFTER, problem_response

router = APIRouter(tags=["operations"])


class Status(BaseModel):
    """A probe's answer when all is well."""

    status: Literal["ok"] = Field(description="Always `ok`: a failed probe answers a problem.")


UNAVAILABLE_DOC: dict[int | str, dict[str, Any]] = {
    503: {
        "description": "Not ready: the database is unreachable or not migrated.",
        "content": {
            PROBLEM_JSON: {
                "schema": {"$ref": "#/components/schemas/Problem"},
                "example": {
                    "type": "about:blank",
                    "title": "Service Unavailable",
                    "status": 503,
                    "detail": "database not migrated to the latest schema",
                    "instance": "/readyz",
                },
            }
        },
    }
}


@router.get(
    "/healthz", operation_id="healthz", summary="Is the process alive?", response_model=Status
)
async def healthz() -> dict[str, str]:
    """Answers `{"status": "ok"}` while the process runs; touches no database."""
    return {"status": "ok"}


def _at_head(connection: Connection) -> bool:
    return migrations.current_revision(connection) == migrations.head_revision()


@router.get(
    "/readyz",
    operation_id="readyz",
    summary="Can the API answer queries?",
    response_model=Status,
    responses=UNAVAILABLE_DOC,
)
async def readyz(request: Request, db: LiveDatabaseDep) -> Response:
    """200 `{"status": "ok"}` when the database is reachable and migrated to the latest
    schema; otherwise a 503 problem that says which."""
    try:
        ready = await db.run(_at_head)
        detail = "database not migrated to the latest schema"
    except SQLAlchemyError:
        ready, detail = False, "database unreachable"
    if ready:
        return JSONResponse({"status": "ok"})
    return problem_response(request, 503, detail, headers={"Retry-After": RETRY_AFTER})
