"""Liveness and readiness probes, outside the versioned API."""

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError

from app import migrations
from app.db import get_engine

router = APIRouter(tags=["operations"])


@router.get("/healthz", summary="Is the process alive?")
def healthz() -> dict[str, str]:
    """Answers `{"status": "ok"}` while the process runs; touches no database."""
    return {"status": "ok"}


@router.get(
    "/readyz",
    summary="Can the API answer queries?",
    responses={503: {"description": "Database unreachable or not migrated."}},
)
def readyz() -> JSONResponse:
    """200 when the database is reachable and migrated to the latest schema, else 503."""
    try:
        ready = migrations.is_at_head(get_engine())
        detail = "ready" if ready else "database not migrated to the latest schema"
    except SQLAlchemyError:
        ready, detail = False, "database unreachable"
    if ready:
        return JSONResponse({"status": "ok"})
    return JSONResponse(
        {"type": "about:blank", "title": "Service Unavailable", "status": 503, "detail": detail},
        status_code=503,
        media_type="application/problem+json",
    )
