"""Full-text search: HTTP endpoint."""

from fastapi import APIRouter

router = APIRouter(prefix="/search", tags=["search"])
