"""Sources: HTTP endpoints."""

from fastapi import APIRouter

router = APIRouter(prefix="/sources", tags=["sources"])
