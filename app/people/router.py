"""People: HTTP endpoints."""

from fastapi import APIRouter

router = APIRouter(prefix="/people", tags=["people"])
