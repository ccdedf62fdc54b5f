"""Places, asked as an analyst would."""

from fastapi.testclient import TestClient


def ids(response) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


def test_fort_de_bregancon_hosted_the_august_visit_and_its_talks(api: TestClient):
    fort = api.get("/api/v1/places/fort-de-bregancon").json()
    assert (fort["name"], fort["kind"], fort["country"]) == ("Fort de Brégançon", "fortress", "FR")
    assert (fort["lat"], fort["lon"]) == (43.0936, 6.3219)
    assert "southern coast" in fort["notes"]
    assert any("Bregancon fortress" in c["excerpt"] for c in fort["citations"])
    assert {(e["id"], e["start"]) for e in fort["events"]} == {
        ("2019-08-19-putin-official-visit-france", "2019-08-19"),
        ("2019-08-19-putin-macron-talks-bregancon", "2019-08-19"),
    }


def test_biarritz_hosted_the_g7_summit(api: TestClient):
    biarritz = api.get("/api/v1/places/biarritz").json()
    assert (biarritz["kind"], biarritz["country"]) == ("city", "FR")
    assert [(e["id"], e["kind"]) for e in biarritz["events"]] == [
        ("2019-08-24-g7-summit-biarritz", "summit")
    ]


def test_a_place_lists_the_same_events_as_the_event_filter(api: TestClient):
    for place_id in ids(api.get("/api/v1/places")):
        held = [e["id"] for e in api.get(f"/api/v1/places/{place_id}").json()["events"]]
        filtered = ids(api.get("/api/v1/events", params={"place": place_id, "sort": "start"}))
        assert sorted(held) == sorted(filtered)


def test_filters_by_country_and_kind(api: TestClient):
    assert ids(api.get("/api/v1/places", params={"country": "fra"})) == [
        "biarritz",
        "fort-de-bregancon",
    ]
    assert ids(api.get("/api/v1/places", params={"kind": "fortress"})) == ["fort-de-bregancon"]
    assert ids(api.get("/api/v1/places", params={"kind": "city", "country": "FR"})) == ["biarritz"]
    assert ids(api.get("/api/v1/places", params={"country": "RU"})) == []


def test_paging_with_cursors_by_name(api: TestClient):
    first = api.get("/api/v1/places", params={"limit": 1}).json()
    assert [p["name"] for p in first["items"]] == ["Biarritz"]
    second = api.get("/api/v1/places", params={"limit": 1, "cursor": first["next_cursor"]}).json()
    assert [p["name"] for p in second["items"]] == ["Fort de Brégançon"]
    assert second["next_cursor"] is None


def test_an_unknown_place_is_a_404_problem(api: TestClient):
    response = api.get("/api/v1/places/paris")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == "place 'paris' not found"
