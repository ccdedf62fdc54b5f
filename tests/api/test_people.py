"""People, asked as an analyst would."""

from fastapi.testclient import TestClient

VISIT = "2019-08-19-putin-official-visit-france"
PRESS_CONFERENCE = "2019-08-19-putin-macron-joint-press-conference"


def ids(response) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


def test_putin_is_president_of_russia_and_was_the_guest_of_the_august_visit(api: TestClient):
    putin = api.get("/api/v1/people/vladimir-putin").json()
    assert (putin["name"], putin["country"], putin["wikidata"]) == ("Vladimir Putin", "RU", "Q7747")
    assert putin["citations"]
    (president,) = putin["positions"]
    assert (president["title"], president["country"], president["organization"]) == (
        "President of Russia",
        "RU",
        None,
    )
    # The source shows him in office on the day of the visit, and says nothing of his term.
    assert (president["held_on"], president["start"], president["end"]) == (
        "2019-08-19",
        None,
        None,
    )
    assert president["citations"][0]["excerpt"].startswith("Russian President Vladimir Putin")
    roles = {e["event"]["id"]: e["role"] for e in putin["events"]}
    assert roles[VISIT] == "guest"
    starts = [e["event"]["start"] for e in putin["events"]]
    assert starts[0] == "2019-08-19"
    assert [(e["event"]["start"], e["event"]["id"]) for e in putin["events"]] == sorted(
        (e["event"]["start"], e["event"]["id"]) for e in putin["events"]
    )


def test_macron_called_france_and_russia_the_two_great_powers_in_europe(api: TestClient):
    macron = api.get("/api/v1/people/emmanuel-macron").json()
    quote = next(s for s in macron["statements"] if "two great powers in Europe" in s["text"])
    assert quote["id"] == "macron-2019-08-two-great-powers-in-europe"
    # Words in the curator's sentence around a quoted phrase: a paraphrase, not tied by the
    # article to the press conference.
    assert (quote["mode"], quote["date"], quote["event"]) == ("paraphrase", "2019-08", None)
    keys = [(s["date"], s["id"]) for s in macron["statements"]]
    assert keys == sorted(keys)
    assert {e["event"]["id"]: e["role"] for e in macron["events"]}[VISIT] == "host"
    assert macron["positions"][0]["title"] == "President of France"


def test_medvedev_and_philippe_are_prime_ministers_last_june(api: TestClient):
    for person_id, title in (
        ("dmitry-medvedev", "Prime Minister of Russia"),
        ("edouard-philippe", "Prime Minister of France"),
    ):
        (position,) = api.get(f"/api/v1/people/{person_id}").json()["positions"]
        assert (position["title"], position["held_on"]) == (title, "2019-06")
        assert "Last June" in position["citations"][0]["excerpt"]


def test_filters_by_country_and_name(api: TestClient):
    assert ids(api.get("/api/v1/people", params={"country": "fra"})) == [
        "edouard-philippe",
        "emmanuel-macron",
    ]
    assert ids(api.get("/api/v1/people", params={"country": "RUS"})) == [
        "dmitry-medvedev",
        "vladimir-putin",
    ]
    assert ids(api.get("/api/v1/people", params={"q": "PUTIN"})) == ["vladimir-putin"]
    assert ids(api.get("/api/v1/people", params={"q": "putin", "country": "FR"})) == []
    response = api.get("/api/v1/people", params={"country": "xx"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["location"] == ["query", "country"]


def test_paging_with_cursors_visits_every_person_once_by_name(api: TestClient):
    everything = api.get("/api/v1/people", params={"limit": 500}).json()["items"]
    names = [p["name"] for p in everything]
    assert names == sorted(names)
    seen, cursor = [], None
    while True:
        params = {"limit": 1, "count": "true"} | ({"cursor": cursor} if cursor else {})
        body = api.get("/api/v1/people", params=params).json()
        assert body["total"] == len(everything)
        seen += [p["id"] for p in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == [p["id"] for p in everything]


def test_an_unknown_person_is_a_404_problem(api: TestClient):
    response = api.get("/api/v1/people/putin")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == "person 'putin' not found"
