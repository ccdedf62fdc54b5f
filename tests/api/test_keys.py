"""API keys over HTTP: `Authorization: Bearer KEY`, 401 and 403 as problem details, and the
bearer scheme in the OpenAPI document (Swagger UI's Authorize button)."""

from collections.abc import Callable, Iterator

import pytest
from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.api import API_PREFIX
from app.auth import service
from app.auth.deps import ReviewerDep
from app.auth.models import Principal, Role

ME = f"{API_PREFIX}/me"
REVIEWED = "/reviewed"


def make_key(engine: Engine, name: str, role: Role) -> str:
    with engine.begin() as connection:
        return service.create_key(connection, name=name, role=role)


def revoke(engine: Engine, name: str) -> None:
    with engine.begin() as connection:
        service.revoke_key(connection, name=name)


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def client(empty_engine: Engine, app_for: Callable[[Engine], FastAPI]) -> Iterator[TestClient]:
    """The API on a database of its own, with a throwaway operation for reviewers."""
    app = app_for(empty_engine)
    router = APIRouter()

    @router.get(REVIEWED)
    async def reviewed(principal: ReviewerDep) -> Principal:
        return principal

    app.include_router(router)
    with TestClient(app) as test_client:
        yield test_client


def assert_problem(response, status: int, detail: str) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    assert detail in body["detail"]


def test_me_names_the_key_and_its_role(client: TestClient, empty_engine: Engine):
    key = make_key(empty_engine, "alice", Role.REVIEWER)

    response = client.get(ME, headers=bearer(key))

    assert response.status_code == 200, response.text
    assert response.json() == {"name": "alice", "role": "reviewer"}
    assert response.headers["cache-control"] == "no-store"


def test_a_request_without_a_key_is_asked_for_one(client: TestClient):
    response = client.get(ME)

    assert_problem(response, 401, "needs an API key")
    assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize(
    ("authorization", "detail"),
    [
        ("Bearer not-a-key", "malformed API key"),
        ("Bearer ent_" + "x" * 42, "malformed API key"),
        ("Basic YWxpY2U6c2VjcmV0", "must be `Bearer KEY`"),
        ("Bearer", "must be `Bearer KEY`"),
        ("Bearer ent_" + "A" * 43, "unknown API key"),
    ],
    ids=["malformed", "one-short", "basic", "no-key", "unknown"],
)
def test_a_bad_key_is_refused_with_a_challenge(
    client: TestClient, empty_engine: Engine, authorization: str, detail: str
):
    make_key(empty_engine, "alice", Role.ADMIN)  # a key exists, just not this one

    response = client.get(ME, headers={"Authorization": authorization})

    assert_problem(response, 401, detail)
    assert response.headers["www-authenticate"] == "Bearer"


def test_a_revoked_key_is_refused_from_then_on(client: TestClient, empty_engine: Engine):
    key = make_key(empty_engine, "alice", Role.ADMIN)
    assert client.get(ME, headers=bearer(key)).status_code == 200

    revoke(empty_engine, "alice")
    response = client.get(ME, headers=bearer(key))

    assert_problem(response, 401, "the API key 'alice' has been revoked")
    assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize(
    ("role", "status"),
    [(Role.CONTRIBUTOR, 403), (Role.REVIEWER, 200), (Role.ADMIN, 200)],
)
def test_an_operation_for_reviewers_refuses_lower_roles(
    client: TestClient, empty_engine: Engine, role: Role, status: int
):
    key = make_key(empty_engine, "someone", role)

    response = client.get(REVIEWED, headers=bearer(key))

    if status == 403:
        assert_problem(
            response, 403, "needs the reviewer role or above; the key 'someone' is a contributor"
        )
        assert "www-authenticate" not in response.headers
    else:
        assert response.status_code == 200, response.text
        assert response.json() == {"name": "someone", "role": role.value}


def test_an_operation_for_reviewers_asks_an_anonymous_request_for_a_key(client: TestClient):
    assert_problem(client.get(REVIEWED), 401, "needs an API key of the reviewer role")


def test_reads_stay_open_to_anonymous_requests(client: TestClient):
    response = client.get(f"{API_PREFIX}/events")

    assert response.status_code == 200
    assert response.json()["items"] == []


def test_roles_are_ordered_by_what_they_allow():
    assert sorted([Role.ADMIN, Role.CONTRIBUTOR, Role.REVIEWER]) == [
        Role.CONTRIBUTOR,
        Role.REVIEWER,
        Role.ADMIN,
    ]
    assert Role.CONTRIBUTOR < Role.REVIEWER < Role.ADMIN
    assert Role.ADMIN >= Role.REVIEWER and not Role.CONTRIBUTOR >= Role.REVIEWER


def test_the_openapi_document_offers_the_bearer_scheme(client: TestClient):
    document = client.get("/openapi.json").json()

    scheme = document["components"]["securitySchemes"]["apiKey"]
    assert scheme["type"] == "http"
    assert scheme["scheme"] == "bearer"
    me = document["paths"][ME]["get"]
    assert me["security"] == [{"apiKey": []}]
    assert set(me["responses"]) >= {"200", "401"}
    # The reads need no key: they declare none.
    assert "security" not in document["paths"][f"{API_PREFIX}/events"]["get"]
