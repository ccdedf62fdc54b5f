"""Cooperation mechanisms, asked as an analyst would."""

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.mechanisms import service
from app.mechanisms.schemas import MechanismQuery
from tests.conftest import SECURITY, suspend_security_committee_in_march_2022

ECONOMIC = "economic-financial-industrial-commercial-cooperation-committee"


def ids(response) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


def test_which_russia_france_mechanisms_are_running_again(api: TestClient):
    response = api.get("/api/v1/mechanisms", params={"country": ["rus", "fr"], "status": "resumed"})
    found = {item["id"]: item for item in response.json()["items"]}
    assert set(found) == {SECURITY, ECONOMIC}
    security = found[SECURITY]
    assert (security["name"], security["kind"], security["countries"]) == (
        "Security Cooperation Committee",
        "committee",
        ["FR", "RU"],
    )
    assert found[ECONOMIC]["name"] == (
        "Economic, Financial, Industrial and Commercial Cooperation Committee"
    )
    for mechanism in found.values():
        current = mechanism["current_status"]
        # The article dates neither resumption: it reports them as of its publication.
        assert (current["status"], current["date"], current["as_of"]) == (
            "resumed",
            None,
            "2019-08",
        )
        assert "have been resumed" in current["citations"][0]["excerpt"]
        assert mechanism["citations"][0]["source"] == "improving-russia-france-relations"


def test_the_status_filter_is_on_the_current_status(api: TestClient):
    assert ids(api.get("/api/v1/mechanisms", params={"status": "resumed"})) == [ECONOMIC, SECURITY]
    assert ids(api.get("/api/v1/mechanisms", params={"status": "suspended"})) == []
    assert ids(api.get("/api/v1/mechanisms", params={"status": "active"})) == []


def test_filters_by_member_and_kind(api: TestClient):
    assert ids(api.get("/api/v1/mechanisms", params={"country": "FRA", "kind": "committee"})) == [
        ECONOMIC,
        SECURITY,
    ]
    # Every country given must be a member.
    assert ids(api.get("/api/v1/mechanisms", params={"country": ["RU", "ua"]})) == []
    assert ids(api.get("/api/v1/mechanisms", params={"kind": "council"})) == []


def test_a_later_entry_of_the_history_becomes_the_current_status(seeded_engine: Engine):
    # A hypothetical suspension of the security committee after its resumption.
    with seeded_engine.begin() as connection:
        suspend_security_committee_in_march_2022(connection)

        def found(status: str) -> list[str]:
            query = MechanismQuery.model_validate({"status": status})
            items, _ = service.MECHANISMS.page(connection, query=query, after=None, limit=10)
            return [item.id for item in items]

        assert found("suspended") == [SECURITY]
        assert found("resumed") == [ECONOMIC]
        detail = service.get_mechanism(connection, mechanism_id=SECURITY)
    assert [entry.status for entry in detail.status_history] == ["resumed", "suspended"]
    assert detail.current_status is not None
    assert (detail.current_status.status, str(detail.current_status.date)) == (
        "suspended",
        "2022-03",
    )


def test_a_mechanism_shows_its_status_history(api: TestClient):
    response = api.get(f"/api/v1/mechanisms/{SECURITY}")
    assert response.status_code == 200
    mechanism = response.json()
    (entry,) = mechanism["status_history"]
    assert entry["id"] == f"{SECURITY}--1-resumed"
    assert (entry["status"], entry["date"], entry["date_text"], entry["as_of"]) == (
        "resumed",
        None,
        None,
        "2019-08",
    )
    assert "including the Security Cooperation Committee" in entry["citations"][0]["excerpt"]
    # The current status is the last entry of the history.
    assert mechanism["current_status"] == entry


def test_sorted_by_name_both_ways_and_paged(api: TestClient):
    assert ids(api.get("/api/v1/mechanisms", params={"sort": "-name"})) == [SECURITY, ECONOMIC]
    first = api.get("/api/v1/mechanisms", params={"limit": 1, "count": "true"}).json()
    assert ([m["id"] for m in first["items"]], first["total"]) == ([ECONOMIC], 2)
    second = api.get(
        "/api/v1/mechanisms", params={"limit": 1, "cursor": first["next_cursor"]}
    ).json()
    assert ([m["id"] for m in second["items"]], second["next_cursor"]) == ([SECURITY], None)


def test_an_unknown_status_is_a_422_and_an_unknown_mechanism_a_404(api: TestClient):
    invalid = api.get("/api/v1/mechanisms", params={"status": "dormant"})
    assert invalid.status_code == 422
    assert invalid.json()["errors"][0]["location"] == ["query", "status"]
    missing = api.get("/api/v1/mechanisms/no-such-committee")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert missing.json()["detail"] == "mechanism 'no-such-committee' not found"
