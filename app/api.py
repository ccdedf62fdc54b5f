"""The versioned API: every resource router under /api/v1."""

from fastapi import Depends, FastAPI

from app.assessments.router import router as assessments_router
from app.auth.router import router as auth_router
from app.countries.router import router as countries_router
from app.curation.router import router as curation_router
from app.deps import reject_control_characters
from app.events.router import router as events_router
from app.figures.router import router as figures_router
from app.mechanisms.router import router as mechanisms_router
from app.organizations.router import router as organizations_router
from app.people.router import router as people_router
from app.places.router import router as places_router
from app.query_params import reject_likely_typos
from app.relations.router import router as relations_router
from app.search.router import router as search_router
from app.sources.router import router as sources_router
from app.statements.router import router as statements_router
from app.topics.router import router as topics_router

API_PREFIX = "/api/v1"
# FastAPI tries the included routers in this order on every request, and a router costs
# its turn even when its prefix cannot match: the busiest resources come first. (The order
# of the documentation is the tags' order, `app.main.TAGS`.)
ROUTERS = (
    events_router,
    relations_router,
    search_router,
    figures_router,
    statements_router,
    countries_router,
    people_router,
    mechanisms_router,
    topics_router,
    assessments_router,
    organizations_router,
    places_router,
    sources_router,
    auth_router,
    curation_router,
)


def include_api(app: FastAPI) -> None:
    """Every resource router under `API_PREFIX`, each included in the app itself: a router
    nested in another costs FastAPI a second round of matching on every request."""
    for router in ROUTERS:
        app.include_router(
            router,
            prefix=API_PREFIX,
            dependencies=[Depends(reject_control_characters), Depends(reject_likely_typos)],
        )
