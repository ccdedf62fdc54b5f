"""Every operation is a plain FastAPI route: dependencies given to the app or to a router
apply to each, and each body is its response model's own serialization."""

import json
from typing import Any

import pytest
from fastapi import APIRouter, Depends, FastAPI, HTTPException
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from pydantic import TypeAdapter

from app.api import API_PREFIX, ROUTERS
from app.db import Database
from app.deps import get_database
from app.main import create_app
from tests.conftest import app_on


async def deny() -> None:
    raise HTTPException(status_code=401, detail="no key")


def operations(app: FastAPI, *, keyed: bool = True) -> list[tuple[str, str]]:
    """(method, example URL) of every operation in the app's OpenAPI document (but those that
    need a key, unless `keyed`: tests/api/test_keys.py, test_curation.py), each path
    parameter given its first documented example."""
    found = []
    for path, item in app.openapi()["paths"].items():
        for method, operation in item.items():
            if not keyed and operation.get("security"):
                continue
            url = path
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path":
                    example = parameter["schema"]["examples"][0]
                    url = url.replace("{" + parameter["name"] + "}", str(example))
            found.append((method.upper(), url))
    return found


def serving(app: FastAPI, database: Database) -> FastAPI:
    async def the_database() -> Database:
        return database

    app.dependency_overrides[get_database] = the_database
    return app


def test_an_app_level_dependency_runs_before_every_operation(api_database: Database):
    app = serving(create_app(dependencies=[Depends(deny)]), api_database)
    with TestClient(app) as client:
        for method, url in operations(app):
            response = client.request(method, url)
            assert response.status_code == 401, (method, url, response.status_code)
            assert response.headers["content-type"] == "application/problem+json"


def test_a_router_level_dependency_runs_before_every_operation_of_the_router(
    api_database: Database,
):
    app = FastAPI()
    for router in ROUTERS:
        app.include_router(router, prefix=API_PREFIX, dependencies=[Depends(deny)])
    serving(app, api_database)
    with TestClient(app) as client:
        found = operations(app)
        assert len(found) == sum(len(router.routes) for router in ROUTERS) > 20
        for method, url in found:
            assert client.request(method, url).status_code == 401, (method, url)


def api_routes() -> list[APIRoute]:
    return [route for router in ROUTERS for route in router.routes if isinstance(route, APIRoute)]


def test_every_api_route_is_a_plain_fastapi_route():
    assert all(type(route) is APIRoute for route in api_routes())
    assert all(
        isinstance(router, APIRouter) and router.route_class is APIRoute for router in ROUTERS
    )


# Operations that need query parameters to answer at all.
REQUIRED: dict[str, dict[str, str]] = {
    "/api/v1/search": {"q": "Russia"},
    "/api/v1/figures/series": {"metric": "bilateral_trade", "country": "RU", "partner": "FR"},
}


def _requests() -> list[tuple[str, str, dict[str, Any]]]:
    """(operation id, URL, parameters) asking each operation for a full answer: every list
    with a count (and its facets where it has them), every detail at a seeded id."""
    asked = []
    for method, url in operations(create_app(), keyed=False):
        if method != "GET" or not url.startswith(API_PREFIX):
            continue
        required = REQUIRED.get(url, {})
        asked.append((url, url, required))
        asked.append((url + " counted", url, {**required, "count": "true", "limit": 3}))
    return asked


@pytest.fixture(scope="module")
def seeded_client(api_database: Database):
    with TestClient(app_on(api_database)) as client:
        yield client


FACETS = {
    "/api/v1/events": ["kind", "year", "country", "topic", "participant"],
    "/api/v1/statements": ["speaker", "topic"],
    "/api/v1/figures": ["metric", "period"],
}


@pytest.mark.parametrize(("name", "url", "params"), _requests(), ids=[r[0] for r in _requests()])
def test_each_body_is_the_response_models_own_serialization(
    seeded_client: TestClient, name: str, url: str, params: dict[str, Any]
):
    route = next(r for r in api_routes() if r.path_regex.match(url.removeprefix(API_PREFIX)))
    if "count" in params and url in FACETS:
        params = {**params, "facet": FACETS[url]}
    response = seeded_client.get(url, params=params)
    if response.status_code == 422 and "count" in params:
        return  # not a list: it takes no `count`
    assert response.status_code == 200, response.text
    model = TypeAdapter(route.response_model)
    parsed = model.validate_json(response.content)
    assert response.content == model.dump_json(parsed)
    assert json.loads(response.content)  # not empty
