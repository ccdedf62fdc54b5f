"""Assessments of the climate of relationships, asked as an analyst would."""

from fastapi.testclient import TestClient

COLD_WEST = "ru-west-2014-2019-cold-state"


def ids(response) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


def test_russia_france_relations_are_judged_warming_latest_in_august_2019(api: TestClient):
    items = api.get(
        "/api/v1/assessments", params={"country": ["rus", "fra"], "sort": "-period"}
    ).json()["items"]
    assert len(items) >= 2
    # Judgements of something else than the climate (Macron's prestige, economic progress,
    # the frequent 2018 calls) have no stance.
    assert {a["stance"] for a in items} == {"warming", None}
    unjudged = {a["id"] for a in items if a["stance"] is None}
    assert unjudged == {
        "ru-fr-2019-08-observers-macron-prestige",
        "ru-fr-2019-08-economic-trade-progress",
        "ru-fr-2018-frequent-phone-exchanges",
    }
    assert all(a["countries"] == ["FR", "RU"] for a in items)
    assert all(a["citations"] for a in items)
    latest = items[0]
    assert latest["period"].startswith("2019-08")
    assert latest["period"] == max(a["period"] for a in items)
    assert items[-1]["period"] == "2018"


def test_ties_with_the_west_have_been_cold_since_2014(api: TestClient):
    (cold,) = api.get("/api/v1/assessments", params={"country": "RU", "stance": "cold"}).json()[
        "items"
    ]
    assert cold["id"] == COLD_WEST
    assert cold["counterpart"] == "the West"
    assert cold["countries"] == ["RU"]
    assert cold["organizations"] == []
    assert (cold["period"], cold["period_text"], cold["period_end"]) == (
        "2014",
        "five years ago",
        "2019",
    )
    assert cold["holder"] == "author"
    assert "cold state" in cold["citations"][0]["excerpt"]


def test_a_judgement_spanning_years_overlaps_the_years_between(api: TestClient):
    # Neither 2014 (period) nor 2019 (period_end) is in 2016, but the span covers it.
    assert sorted(
        ids(api.get("/api/v1/assessments", params={"date_from": "2016", "date_to": "2016"}))
    ) == [COLD_WEST, "ru-west-2014-2019-tensions-escalated"]
    assert ids(api.get("/api/v1/assessments", params={"date_to": "2013"})) == []


def test_filters_combine(api: TestClient):
    assert sorted(ids(api.get("/api/v1/assessments", params={"stance": ["cold", "cooling"]}))) == [
        COLD_WEST,
        "ru-west-2014-2019-tensions-escalated",
    ]
    assert ids(api.get("/api/v1/assessments", params={"holder": "Observers"})) == [
        "ru-fr-2019-08-observers-macron-prestige"
    ]
    assert (
        ids(api.get("/api/v1/assessments", params={"country": ["RU", "FR"], "stance": "cold"}))
        == []
    )
    assert ids(api.get("/api/v1/assessments", params={"country": "UA"})) == []


def test_russia_and_the_eu_are_a_country_and_an_organization(api: TestClient):
    russia = api.get("/api/v1/assessments", params={"country": "RU", "limit": 500}).json()
    with_eu = [a for a in russia["items"] if a["organizations"]]
    assert {a["id"] for a in with_eu} == {
        "ru-eu-2019-08-france-lever-to-restore-relations",
        "ru-eu-2019-08-improving-trend",
    }
    assert all(
        a["organizations"] == [{"id": "european-union", "name": "European Union"}]
        and a["countries"] == ["RU"]
        for a in with_eu
    )


def test_one_assessment_and_an_unknown_one(api: TestClient):
    cold = api.get(f"/api/v1/assessments/{COLD_WEST}").json()
    assert cold["stance"] == "cold"
    assert cold["period_end"] == "2019"

    response = api.get("/api/v1/assessments/no-such-assessment")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == "assessment 'no-such-assessment' not found"


def test_sorting_and_paging_through_every_assessment(api: TestClient):
    latest_first = ids(api.get("/api/v1/assessments", params={"limit": 500}))
    oldest_first = ids(api.get("/api/v1/assessments", params={"sort": "period", "limit": 500}))
    assert oldest_first == list(reversed(latest_first))
    assert oldest_first[:2] == [COLD_WEST, "ru-west-2014-2019-tensions-escalated"]

    seen, cursor = [], None
    while True:
        params = {"limit": 4, "count": "true"} | ({"cursor": cursor} if cursor else {})
        body = api.get("/api/v1/assessments", params=params).json()
        assert body["total"] == len(latest_first)
        seen += [item["id"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == latest_first


def test_an_unknown_stance_is_refused(api: TestClient):
    response = api.get("/api/v1/assessments", params={"stance": "lukewarm"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["location"][:2] == ["query", "stance"]


def test_economic_progress_is_judged_on_its_topic_without_a_stance(api: TestClient):
    progress = api.get("/api/v1/assessments/ru-fr-2019-08-economic-trade-progress").json()
    assert progress["topics"] == [
        {"id": "economic-and-trade-cooperation", "name": "Economic and trade cooperation"}
    ]
    assert (progress["stance"], progress["holder"]) == (None, "author")
    assert progress["citations"][0]["excerpt"].startswith("Positive progress has been made")
