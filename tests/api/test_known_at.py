"""`known_at`: every read answers as the knowledge base stood at a moment."""

import datetime as dt
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.auth.models import Role
from app.seeding.loader import seed
from tests.api.test_curation import NEW_CLAIM, NEW_SOURCE, TALKS
from tests.api.test_keys import bearer, make_key
from tests.conftest import SEED_BUNDLES
from tests.seeding.test_claims import SOURCE_A, bundle

STATEMENTS = "/api/v1/statements?limit=100"


@pytest.fixture
def client(empty_engine: Engine, app_for: Callable[[Engine], FastAPI]) -> Iterator[TestClient]:
    with TestClient(app_for(empty_engine)) as client:
        yield client


def moment() -> str:
    """Now, as a client writes it; the next change is strictly later."""
    now = dt.datetime.now(dt.UTC)
    time.sleep(0.01)
    return now.isoformat()


def test_a_read_as_of_a_moment_sees_what_was_recorded_by_then(client, empty_engine: Engine):
    before_anything = moment()
    seed(empty_engine, [SEED_BUNDLES / "improving-russia-france-relations.yaml"])
    first_only = moment()
    then = client.get(STATEMENTS).json()
    seed(empty_engine, [SEED_BUNDLES])
    now = client.get(STATEMENTS).json()
    assert len(now["items"]) > len(then["items"])

    as_of = client.get(STATEMENTS, params={"known_at": first_only})
    assert as_of.status_code == 200
    assert as_of.json() == then
    assert as_of.headers["etag"] != client.get(STATEMENTS).headers["etag"]
    again = client.get(STATEMENTS, params={"known_at": first_only})
    assert again.headers["etag"] == as_of.headers["etag"]
    revalidated = client.get(
        STATEMENTS,
        params={"known_at": first_only},
        headers={"If-None-Match": as_of.headers["etag"]},
    )
    assert revalidated.status_code == 304
    assert client.get(STATEMENTS, params={"known_at": before_anything}).json()["items"] == []


def test_a_withdrawn_claim_is_still_seen_as_of_before_it_was_withdrawn(
    client, empty_engine: Engine
):
    seed(empty_engine, [SEED_BUNDLES / "improving-russia-france-relations.yaml"])
    reviewer = bearer(make_key(empty_engine, "reviewer", Role.REVIEWER))
    client.post("/api/v1/sources", json=NEW_SOURCE, headers=reviewer)
    later = f"/api/v1/claims/event/{TALKS}/a-later-report"
    written = client.put(later, json=NEW_CLAIM, headers=reviewer)
    assert written.status_code == 200, written.text
    with_claim = moment()
    gone = client.delete(later, headers={**reviewer, "If-Match": written.headers["etag"]})
    assert gone.status_code == 200, gone.text

    def cited_by(params: dict[str, str]) -> set[str]:
        talks = client.get(f"/api/v1/events/{TALKS}", params=params).json()
        return {citation["source"] for citation in talks["citations"]}

    assert "a-later-report" not in cited_by({})
    assert "a-later-report" in cited_by({"known_at": with_claim})
    dossier = client.get("/api/v1/relations/RU/FR", params={"known_at": with_claim})
    assert dossier.status_code == 200


def test_only_reads_take_known_at_and_a_bad_moment_is_a_422(client):
    operations = client.get("/openapi.json").json()["paths"]
    for path, item in operations.items():
        for method, operation in item.items():
            names = {p["name"] for p in operation.get("parameters", [])}
            reads = method == "get" and path.startswith("/api/") and "security" not in operation
            assert ("known_at" in names) == reads, (method, path)
    for bad in ("yesterday", "2019-02-30", "1733400000"):
        refused = client.get(STATEMENTS, params={"known_at": bad})
        assert refused.status_code == 422, bad
        assert refused.json()["errors"][0]["location"] == ["query", "known_at"]


def test_two_knowledge_bases_at_the_same_change_number_answer_each_their_own(
    empty_engine: Engine,
    fresh_engine: Engine,
    app_for: Callable[[Engine], FastAPI],
    tmp_path: Path,
):
    # The same records under two sources' names: as many changes in each database.
    seed(empty_engine, [bundle(tmp_path / "a", "a.yaml", SOURCE_A)])
    seed(fresh_engine, [bundle(tmp_path / "c", "c.yaml", SOURCE_A.replace("source-a", "source-c"))])
    now = moment()
    answers = []
    for engine in (empty_engine, fresh_engine):
        with TestClient(app_for(engine)) as client:
            answers.append(client.get("/api/v1/sources", params={"known_at": now}).json())
    ids = [{source["id"] for source in answer["items"]} for answer in answers]
    assert ids == [{"source-a"}, {"source-c"}]
