"""Countries: HTTP endpoints."""

from fastapi import APIRouter

router = APIRouter(prefix="/countries", tags=["countries"])
