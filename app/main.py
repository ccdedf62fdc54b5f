"""The FastAPI application."""

from collections.abc import Sequence

from fastapi import FastAPI, params

from app.api import include_api
from app.docs import install_docs
from app.errors import install_error_handlers
from app.health import router as health_router
from app.http_cache import BodyETagMiddleware
from app.middleware import install_middleware
from app.observability import install_observability
from app.security import install_security

DESCRIPTION = """
A knowledge base of diplomatic relations between countries: visits and meetings of leaders,
summits, cooperation mechanisms and their status over time, trade and investment figures,
the topics leaders discussed, what they said, and how observers judged the climate.

**Every fact cites the exact words of its source** (`citations: [{source, excerpt}]`).

Conventions: lists answer `{items, next_cursor, total}` and page with opaque keyset cursors
(`limit` 1..500, `cursor`, `count=true`, and a `Link: rel="next"` header); country codes are
accepted as alpha-2 or alpha-3 in any case and answered as upper-case alpha-2; partial dates
are `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; errors are RFC 9457 `application/problem+json`; every
GET has a strong `ETag` (send `If-None-Match` for a `304`); lists also answer CSV
(`Accept: text/csv` or `format=csv`) and NDJSON (`format=ndjson`). Unknown query parameters
are ignored, except a likely typo of a known one: a `422` that names the parameter meant.
"""

TAGS = [
    {"name": "countries", "description": "ISO 3166-1 countries, the reference data."},
    {"name": "organizations", "description": "Unions, forums and other groupings."},
    {"name": "people", "description": "Leaders and officials, and the offices they held."},
    {"name": "places", "description": "Where events took place."},
    {"name": "events", "description": "Visits, meetings, talks, press conferences, summits."},
    {"name": "mechanisms", "description": "Cooperation bodies and their status over time."},
    {"name": "figures", "description": "Trade, investment and other measured values."},
    {"name": "topics", "description": "Crises and other subjects leaders discussed."},
    {"name": "statements", "description": "What leaders said, quoted or paraphrased."},
    {"name": "assessments", "description": "Judgements of the climate of a relationship."},
    {"name": "sources", "description": "The documents every fact cites."},
    {"name": "relations", "description": "The dossier and timeline of a pair of countries."},
    {"name": "search", "description": "Full-text search across the knowledge base."},
    {"name": "keys", "description": "API keys: `Authorization: Bearer KEY` (Authorize, above)."},
    {
        "name": "curation",
        "description": "Writes with a key: claims, sources and bundles (a contributor's are "
        "proposals until a reviewer accepts them), the review queue, and the change feed.",
    },
    {"name": "operations", "description": "Liveness and readiness probes."},
]


def create_app(*, dependencies: Sequence[params.Depends] = ()) -> FastAPI:
    """The application; `dependencies` run before every operation's own (authentication,
    say), as FastAPI's app-level dependencies."""
    app = FastAPI(
        dependencies=list(dependencies),
        title="Entente",
        version="0.1.0",
        summary="A knowledge base of diplomatic relations; every fact cites its source.",
        description=DESCRIPTION,
        openapi_tags=TAGS,
        docs_url=None,
        redoc_url=None,
        # FastAPI's native OpenTelemetry checks its providers on every request; the service
        # has its own metrics (/metrics) and request logs (app/observability.py).
        telemetry={"tracing": False, "metrics": False, "logs": False},
        # Starlette builds a slash redirect's `Location` from the request's `Host` header,
        # which a client chooses: `/events/` is a 404 whose detail names `/events` instead.
        redirect_slashes=False,
    )
    # FastAPI tries the app's routes in their order on every request: the API first (its
    # busiest routers first, see `app.api`), then the metrics, the docs and the probes.
    include_api(app)
    install_observability(app)
    install_security(app)
    app.add_middleware(BodyETagMiddleware)
    install_middleware(app)
    install_error_handlers(app)
    install_docs(app)
    app.include_router(health_router)
    return app


app = create_app()
