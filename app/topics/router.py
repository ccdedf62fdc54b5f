"""Topics: HTTP endpoints."""

from fastapi import APIRouter

router = APIRouter(prefix="/topics", tags=["topics"])
