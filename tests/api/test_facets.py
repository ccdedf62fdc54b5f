"""Facets: value counts over everything a list's filters match, not just the page."""

from fastapi.testclient import TestClient


def facets(api: TestClient, path: str, **params) -> dict[str, dict[str, int]]:
    response = api.get(path, params={"limit": 1, **params})
    assert response.status_code == 200, response.text
    return {
        name: {v["value"]: v["count"] for v in values}
        for name, values in response.json()["facets"].items()
    }


def test_event_facets_count_the_whole_filtered_set(api: TestClient):
    counted = facets(
        api,
        "/api/v1/events",
        country=["RU", "FR"],
        facet=["kind", "year", "country", "participant"],
    )
    matching = api.get("/api/v1/events", params={"country": ["RU", "FR"], "limit": 500}).json()
    events = matching["items"]
    assert sum(counted["kind"].values()) == len(events)
    assert counted["kind"]["bilateral_meeting"] == sum(
        e["kind"] == "bilateral_meeting" for e in events
    )
    assert counted["year"] == {"2019": len(events)}
    assert counted["country"] == {"FR": len(events), "RU": len(events)}
    assert counted["participant"]["vladimir-putin"] == sum(
        any(p["person"]["id"] == "vladimir-putin" for p in e["participants"]) for e in events
    )


def test_facet_values_carry_names_and_come_most_frequent_first(api: TestClient):
    response = api.get("/api/v1/events", params={"facet": "topic", "limit": 1}).json()
    topics = response["facets"]["topic"]
    assert [t["count"] for t in topics] == sorted((t["count"] for t in topics), reverse=True)
    libya = next(t for t in topics if t["value"] == "libya-crisis")
    assert (libya["label"], libya["count"]) == ("Crisis in Libya", 1)
    assert len(response["items"]) == 1  # the page stays a page


def test_figure_and_statement_facets(api: TestClient):
    figures = facets(api, "/api/v1/figures", facet=["metric", "period"])
    assert figures["period"] == {"2019-08": 2, "2018": 2, "2020": 1}
    assert figures["metric"]["bilateral_trade"] == 1
    statements = facets(api, "/api/v1/statements", facet=["speaker", "topic"])
    assert statements["speaker"] == {"emmanuel-macron": 7, "vladimir-putin": 1}
    assert statements["topic"]["security-in-europe"] == 1


def test_no_facets_unless_asked_and_unknown_facets_refused(api: TestClient):
    assert api.get("/api/v1/events").json()["facets"] is None
    response = api.get("/api/v1/events", params={"facet": "colour"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["location"] == ["query", "facet", 0]
