"""Places: HTTP endpoints."""

from fastapi import APIRouter

router = APIRouter(prefix="/places", tags=["places"])
