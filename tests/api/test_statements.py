"""Statements, asked as an analyst would."""

from fastapi.testclient import TestClient

PRESS_CONFERENCE = "2019-08-19-putin-macron-joint-press-conference"
TALKS = "2019-08-19-putin-macron-talks-bregancon"
SECURITY_STRUCTURE = "macron-2019-08-security-structure-russia-europe"


def ids(response) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


def test_what_macron_said_about_a_security_structure_and_where(api: TestClient):
    response = api.get("/api/v1/statements", params={"q": "SECURITY structure"})
    (said,) = response.json()["items"]
    assert said["id"] == SECURITY_STRUCTURE
    assert said["speaker"] == {"id": "emmanuel-macron", "name": "Emmanuel Macron"}
    assert said["mode"] == "direct_quote"
    assert (
        "join Russia in researching and shaping a security structure between Russia and Europe"
        in said["text"]
    )
    assert said["date"] == "2019-08-19"
    assert said["event"]["id"] == PRESS_CONFERENCE
    assert said["event"]["kind"] == "press_conference"
    assert [t["id"] for t in said["topics"]] == ["security-in-europe"]
    (citation,) = said["citations"]
    assert citation["source"] == "improving-russia-france-relations"
    assert "President Macron expressed his willingness" in citation["excerpt"]


def test_the_direct_quotes_are_the_three_statements_in_quotation_marks(api: TestClient):
    quoted = api.get("/api/v1/statements", params={"mode": "direct_quote"}).json()["items"]
    assert sorted(s["id"] for s in quoted) == [
        "macron-2019-08-revive-eu-russia-trust",
        SECURITY_STRUCTURE,
        "macron-2019-08-two-great-powers-in-europe",
    ]
    assert all("“" in s["text"] and "”" in s["text"] for s in quoted)
    paraphrased = ids(api.get("/api/v1/statements", params={"mode": "paraphrase"}))
    assert not set(paraphrased) & {s["id"] for s in quoted}


def test_putin_said_one_thing_at_the_talks(api: TestClient):
    (said,) = api.get("/api/v1/statements", params={"speaker": "vladimir-putin"}).json()["items"]
    assert said["event"]["id"] == TALKS
    assert said["mode"] == "paraphrase"
    assert "accelerate bilateral cooperation" in said["text"]
    assert said["citations"]


def test_filters_combine(api: TestClient):
    at_talks = ids(api.get("/api/v1/statements", params={"event": TALKS}))
    assert sorted(at_talks) == [
        "macron-2019-08-19-accelerate-bilateral-cooperation",
        "putin-2019-08-19-accelerate-bilateral-cooperation",
    ]
    assert ids(
        api.get(
            "/api/v1/statements",
            params={"topic": ["bilateral-relations", "global-crises"], "speaker": "vladimir-putin"},
        )
    ) == ["putin-2019-08-19-accelerate-bilateral-cooperation"]
    assert ids(
        api.get(
            "/api/v1/statements",
            params={"event": PRESS_CONFERENCE, "topic": "russia-eu-relations"},
        )
    ) == ["macron-2019-08-revive-eu-russia-trust"]
    assert ids(api.get("/api/v1/statements", params={"speaker": "dmitry-medvedev"})) == []


def test_dates_overlap_the_asked_range(api: TestClient):
    in_august = ids(api.get("/api/v1/statements", params={"date_from": "2019-08"}))
    assert SECURITY_STRUCTURE in in_august
    assert ids(api.get("/api/v1/statements", params={"date_to": "2019-08-18"})) == []
    assert ids(api.get("/api/v1/statements", params={"date_from": "2019-08-20"})) == []


def test_one_statement_and_an_unknown_one(api: TestClient):
    said = api.get(f"/api/v1/statements/{SECURITY_STRUCTURE}").json()
    assert said["id"] == SECURITY_STRUCTURE
    assert said["event"]["title"] == "Putin-Macron joint press conference"

    response = api.get("/api/v1/statements/no-such-statement")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == "statement 'no-such-statement' not found"


def test_sorting_and_paging_through_every_statement(api: TestClient):
    newest = ids(api.get("/api/v1/statements", params={"limit": 500}))
    oldest = ids(api.get("/api/v1/statements", params={"sort": "date", "limit": 500}))
    assert oldest == list(reversed(newest))
    # All were said on one day: the id breaks the tie, in the direction of the date.
    assert newest == sorted(newest, reverse=True)

    seen, cursor = [], None
    while True:
        params = {"limit": 3, "count": "true"} | ({"cursor": cursor} if cursor else {})
        body = api.get("/api/v1/statements", params=params).json()
        assert body["total"] == len(newest)
        seen += [item["id"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == newest


def test_a_cursor_of_one_sort_is_refused_by_another(api: TestClient):
    cursor = api.get("/api/v1/statements", params={"limit": 1}).json()["next_cursor"]
    response = api.get("/api/v1/statements", params={"cursor": cursor, "sort": "date"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["location"] == ["query", "cursor"]


def test_an_unknown_mode_is_refused(api: TestClient):
    response = api.get("/api/v1/statements", params={"mode": "rumour"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["location"] == ["query", "mode"]
