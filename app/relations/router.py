"""Relations between two countries: HTTP endpoints."""

from fastapi import APIRouter

router = APIRouter(prefix="/relations", tags=["relations"])
