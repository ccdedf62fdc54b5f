"""The FastAPI application."""

from fastapi import FastAPI

from app.health import router as health_router

app = FastAPI(
    title="Entente",
    version="0.1.0",
    summary="A knowledge base of diplomatic relations; every fact cites its source.",
)
app.include_router(health_router)
