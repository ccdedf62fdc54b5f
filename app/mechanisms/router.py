"""Mechanisms: HTTP endpoints."""

from fastapi import APIRouter

router = APIRouter(prefix="/mechanisms", tags=["mechanisms"])
