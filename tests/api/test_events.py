"""Events, asked as an analyst would."""

from fastapi.testclient import TestClient

VISIT = "2019-08-19-putin-official-visit-france"
TALKS = "2019-08-19-putin-macron-talks-bregancon"


def ids(response) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


def test_visits_between_russia_and_france_in_august_2019_and_who_took_part(api: TestClient):
    response = api.get(
        "/api/v1/events",
        params={
            "country": ["ru", "FRA"],
            "date_from": "2019-08",
            "date_to": "2019-08",
            "kind": "official_visit",
        },
    )
    (visit,) = response.json()["items"]
    assert visit["id"] == VISIT
    assert (visit["start"], visit["place"]["name"], visit["host_country"]) == (
        "2019-08-19",
        "Fort de Brégançon",
        "FR",
    )
    assert [(p["person"]["id"], p["role"]) for p in visit["participants"]] == [
        ("emmanuel-macron", "host"),
        ("vladimir-putin", "guest"),
    ]
    assert visit["citations"][0]["source"] == "improving-russia-france-relations"


def test_the_talks_lasted_nearly_four_hours_without_a_joint_statement(api: TestClient):
    talks = api.get(f"/api/v1/events/{TALKS}").json()
    assert talks["duration"] == {
        "value": 240.0,
        "unit": "minute",
        "qualifier": "nearly",
        "text": "nearly four hours",
    }
    assert talks["outcomes"] == {"joint_statement": False}
    assert talks["format"] == "closed talks"
    assert talks["parent"]["id"] == VISIT
    assert {"libya-crisis", "syria-crisis", "jcpoa"} <= {t["id"] for t in talks["topics"]}
    assert {s["speaker"]["id"] for s in talks["statements"]} == {
        "vladimir-putin",
        "emmanuel-macron",
    }


def test_a_visit_shows_its_parts(api: TestClient):
    visit = api.get(f"/api/v1/events/{VISIT}").json()
    assert [child["id"] for child in visit["children"]] == [
        "2019-08-19-putin-macron-joint-press-conference",
        TALKS,
    ]


def test_filters_combine(api: TestClient):
    # Same start (June 2019): the id breaks the tie, descending like the date.
    assert ids(api.get("/api/v1/events", params={"participant": "dmitry-medvedev"})) == [
        "2019-06-medvedev-visit-france",
        "2019-06-medvedev-philippe-talks",
    ]
    assert ids(api.get("/api/v1/events", params={"topic": ["libya-crisis", "jcpoa"]})) == [TALKS]
    assert ids(api.get("/api/v1/events", params={"guest": "RU", "kind": "visit"})) == [
        "2019-06-medvedev-visit-france"
    ]
    assert ids(api.get("/api/v1/events", params={"host": "fr", "place": "biarritz"})) == [
        "2019-08-24-g7-summit-biarritz"
    ]
    # The frequent 2018 phone exchanges are a claim about many calls, not an event.
    assert ids(api.get("/api/v1/events", params={"q": "PHONE"})) == []
    assert ids(api.get("/api/v1/events", params={"country": "UA"})) == []


def test_a_month_precision_date_overlaps_a_day_range(api: TestClient):
    # "Last June" covers 2019-06-01..30, so a range of one day inside it finds the visit.
    found = ids(
        api.get(
            "/api/v1/events",
            params={"date_from": "2019-06-15", "date_to": "2019-06-15", "kind": "visit"},
        )
    )
    assert found == ["2019-06-medvedev-visit-france"]


def test_sorted_newest_first_by_default_and_oldest_first_on_request(api: TestClient):
    newest = ids(api.get("/api/v1/events"))
    oldest = ids(api.get("/api/v1/events", params={"sort": "start"}))
    assert newest[0] == "2019-08-24-g7-summit-biarritz"
    # The June visit and its talks share a month; the id breaks the tie, descending.
    assert newest[-2:] == ["2019-06-medvedev-visit-france", "2019-06-medvedev-philippe-talks"]
    assert oldest == list(reversed(newest))


def test_paging_with_cursors_visits_every_event_once(api: TestClient):
    everything = ids(api.get("/api/v1/events", params={"limit": 500}))
    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 2, "count": "true"} | ({"cursor": cursor} if cursor else {})
        response = api.get("/api/v1/events", params=params)
        body = response.json()
        assert body["total"] == len(everything)
        seen += [item["id"] for item in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            assert "link" not in response.headers
            break
        assert response.headers["link"].endswith('>; rel="next"')
        assert f"cursor={cursor}" in response.headers["link"]
    assert seen == everything
    assert pages == (len(everything) + 1) // 2


def test_an_unknown_event_is_a_404_problem(api: TestClient):
    response = api.get("/api/v1/events/no-such-event")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == "event 'no-such-event' not found"
