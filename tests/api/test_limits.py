"""No request may cost the others much: statements have a time budget, repeated values are
asked once and capped, and a search's cost is bounded."""

import time

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, text

from app.config import Settings
from app.db import Database, make_engine
from app.deps import DatabaseDep
from app.pagination import MAX_VALUES
from app.search.query import MAX_TERMS, MIN_PREFIX
from tests.conftest import app_on

# A statement that runs for seconds on each engine.
SLOW = {
    "sqlite": "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) "
    "SELECT count(*) FROM (SELECT i FROM n LIMIT 500000000)",
    "postgresql": "SELECT pg_sleep(5)",
}


def app_with_a_slow_route(database: Database) -> FastAPI:
    app = app_on(database)

    @app.get("/slow")
    async def slow(db: DatabaseDep) -> dict[str, int]:
        def work(connection: Connection) -> int:
            return int(connection.execute(text(SLOW[connection.dialect.name])).scalar_one())

        return {"count": await db.run(work)}

    return app


def test_a_statement_over_its_budget_is_a_503_and_the_next_request_is_answered(
    seeded_engine: Engine,
):
    url = seeded_engine.url.render_as_string(hide_password=False)
    engine = make_engine(url, Settings(statement_timeout_ms=200))
    database = Database(engine, budget_seconds=0.2)
    try:
        with TestClient(app_with_a_slow_route(database)) as client:
            started = time.monotonic()
            response = client.get("/slow")
            took = time.monotonic() - started
            assert response.status_code == 503, response.text
            assert response.headers["content-type"] == "application/problem+json"
            assert response.headers["retry-after"] == "1"
            assert "time budget" in response.json()["detail"]
            assert took < 2, took
            # The connection that ran it is fine for the next request.
            assert (
                client.get("/api/v1/events/2019-08-19-putin-official-visit-france").status_code
                == 200
            )
    finally:
        database.close()


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/mechanisms?" + "&".join(["country=FR"] * 500),
        "/api/v1/events?" + "&".join(["topic=ukraine-crisis"] * 500),
        "/api/v1/events?" + "&".join(["participant=vladimir-putin"] * 500),
        "/api/v1/statements?" + "&".join(["topic=ukraine-crisis"] * 500),
        "/api/v1/assessments?" + "&".join(["country=RU"] * 500),
        "/api/v1/events?" + "&".join(["country=RU", "country=rus", "country=RUS"] * 100),
    ],
)
def test_a_value_repeated_is_asked_once(api: TestClient, path: str):
    once = path.split("?")[1].split("&")[0]
    started = time.monotonic()
    repeated = api.get(path)
    assert time.monotonic() - started < 2
    assert repeated.status_code == 200, repeated.text
    alone = api.get(path.split("?")[0] + "?" + once)
    assert repeated.json()["items"] == alone.json()["items"]


def test_more_values_than_the_cap_are_refused(api: TestClient):
    codes = ["FR", "RU", "DE", "GB", "US", "CN", "IT", "ES", "JP", "IN", "BR", "CA", "AU"]
    codes += ["MX", "KR", "TR", "NL", "SE", "CH", "BE", "PL", "NO"]
    assert len(codes) > MAX_VALUES
    response = api.get("/api/v1/mechanisms", params={"country": codes})
    assert response.status_code == 422
    assert response.json()["errors"][0]["location"] == ["query", "country"]
    assert str(MAX_VALUES) in response.json()["errors"][0]["message"]
    assert api.get("/api/v1/mechanisms", params={"country": codes[:MAX_VALUES]}).status_code == 200


@pytest.mark.parametrize(
    ("q", "why"),
    [
        (" ".join(f"word{n}" for n in range(MAX_TERMS + 1)), f"at most {MAX_TERMS} words"),
        (" ".join(f"{letter}*" for letter in "abcdefgh"), f"at least {MIN_PREFIX} letters"),
        ("ru*", f"at least {MIN_PREFIX} letters"),
    ],
)
def test_a_search_that_would_cost_too_much_is_refused_with_why(api: TestClient, q: str, why: str):
    response = api.get("/api/v1/search", params={"q": q})
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert error["location"] == ["query", "q"]
    assert why in error["message"]
    assert api.get("/api/v1/search", params={"q": "rus* Putin"}).status_code == 200
