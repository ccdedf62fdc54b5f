"""Organizations: HTTP endpoints."""

from fastapi import APIRouter

router = APIRouter(prefix="/organizations", tags=["organizations"])
