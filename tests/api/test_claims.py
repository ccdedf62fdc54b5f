"""The API shows each fact's preferred value, every source's claim of it on request, and
marks what sources dispute in the timeline and the dossier."""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.seeding.loader import seed
from tests.seeding.test_claims import SOURCE_A, SOURCE_B, bundle


@pytest.fixture
def client(empty_engine: Engine, app_for, tmp_path: Path):
    seed(
        empty_engine,
        [bundle(tmp_path / "a", "a.yaml", SOURCE_A), bundle(tmp_path / "b", "b.yaml", SOURCE_B)],
    )
    with TestClient(app_for(empty_engine)) as client:
        yield client


def test_a_detail_shows_the_claims_of_a_disputed_fact_on_request(client: TestClient):
    plain = client.get("/api/v1/events/talks").json()
    assert plain["start"] == "2019-08-19"
    assert plain["claims"] is None

    facts = client.get("/api/v1/events/talks?claims=disputed").json()["claims"]
    assert [fact["field"] for fact in facts] == ["start"]
    (start,) = facts
    assert start["value"] == "2019-08-19" and start["disputed"] is True
    assert {(c["source"], c["value"]) for c in start["claims"]} == {
        ("source-a", "2019-08-19"),
        ("source-b", "2019-08"),
    }
    by_source = {c["source"]: c for c in start["claims"]}
    assert by_source["source-b"]["excerpt"] == "Putin and Macron held talks in August 2019"
    assert by_source["source-a"]["rank"] == "normal"


def test_claims_all_shows_every_fact_disputed_or_not(client: TestClient):
    facts = client.get("/api/v1/mechanisms/committee?claims=all").json()["claims"]
    by_field = {fact["field"]: fact for fact in facts}
    assert by_field["kind"]["disputed"] is True
    assert by_field["status_history"]["disputed"] is False
    assert len(by_field["status_history"]["value"]) == 2
    assert by_field["name"]["value"] == "Council on Security Cooperation"


def test_the_mechanism_shows_both_names_and_both_sources_statuses(client: TestClient):
    body = client.get("/api/v1/mechanisms/committee").json()
    assert body["aliases"] == ["Security Cooperation Committee"]
    assert [entry["status"] for entry in body["status_history"]] == ["resumed", "active"]


def test_an_unknown_claims_view_is_a_422_naming_the_parameter(client: TestClient):
    response = client.get("/api/v1/events/talks?claims=some")
    assert response.status_code == 422
    assert "claims" in response.text


def test_the_timeline_and_the_dossier_mark_disputed_facts(client: TestClient):
    items = client.get("/api/v1/relations/RU/FR/timeline").json()["items"]
    marked = {item["id"]: item["disputed"] for item in items}
    assert marked["talks"] == ["start"]
    dossier = client.get("/api/v1/relations/FR/RU").json()
    assert {(d["kind"], d["id"], d["field"]) for d in dossier["disputed"]} == {
        ("event", "talks", "start"),
        ("mechanism", "committee", "kind"),
    }
