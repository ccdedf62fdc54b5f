"""Statements: HTTP endpoints."""

from fastapi import APIRouter

router = APIRouter(prefix="/statements", tags=["statements"])
