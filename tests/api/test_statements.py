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
    # The article's sentence wraps the quoted words in its own: a paraphrase with them listed.
    assert said["mode"] == "paraphrase"
    assert said["quoted_phrases"] == [
        "join Russia in researching and shaping a security structure between Russia and Europe"
    ]
    assert f"“{said['quoted_phrases'][0]}”" in said["text"]
    # The article ties it to no event and no day: the month of the article.
    assert (said["date"], said["event"]) == ("2019-08", None)
    assert [t["id"] for t in said["topics"]] == ["security-in-europe"]
    (citation,) = said["citations"]
    assert citation["source"] == "improving-russia-france-relations"
    assert "President Macron expressed his willingness" in citation["excerpt"]


def test_the_quoted_phrases_are_listed_and_no_sentence_passes_for_a_quote(api: TestClient):
    # The article quotes only phrases inside its own sentences: no statement is a direct
    # quote, and the three that quote a phrase list it.
    assert ids(api.get("/api/v1/statements", params={"mode": "direct_quote"})) == []
    every = api.get("/api/v1/statements", params={"limit": 500}).json()["items"]
    quoting = {s["id"]: s["quoted_phrases"] for s in every if s["quoted_phrases"]}
    assert quoting == {
        "macron-2019-08-revive-eu-russia-trust": ["revive"],
        SECURITY_STRUCTURE: [
            "join Russia in researching and shaping a security structure between Russia and Europe"
        ],
        "macron-2019-08-two-great-powers-in-europe": ["two great powers in Europe"],
    }
    assert all(s["mode"] == "paraphrase" for s in every)


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
            params={"event": PRESS_CONFERENCE, "topic": "global-crises"},
        )
    ) == ["macron-2019-08-19-all-current-crises-discussed"]
    assert (
        ids(
            api.get(
                "/api/v1/statements",
                params={"event": PRESS_CONFERENCE, "topic": "russia-eu-relations"},
            )
        )
        == []
    )
    assert ids(api.get("/api/v1/statements", params={"speaker": "dmitry-medvedev"})) == []


def test_dates_overlap_the_asked_range(api: TestClient):
    in_august = ids(api.get("/api/v1/statements", params={"date_from": "2019-08"}))
    assert SECURITY_STRUCTURE in in_august
    # Dated to the month, it overlaps any day of August; those of the 19th do not reach the 20th.
    assert ids(api.get("/api/v1/statements", params={"date_to": "2019-07-31"})) == []
    after = ids(api.get("/api/v1/statements", params={"date_from": "2019-08-20"}))
    assert SECURITY_STRUCTURE in after
    assert "macron-2019-08-19-all-current-crises-discussed" not in after


def test_one_statement_and_an_unknown_one(api: TestClient):
    said = api.get("/api/v1/statements/macron-2019-08-19-all-current-crises-discussed").json()
    assert said["id"] == "macron-2019-08-19-all-current-crises-discussed"
    assert said["event"]["title"] == "Putin-Macron joint press conference"

    response = api.get("/api/v1/statements/no-such-statement")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == "statement 'no-such-statement' not found"


def test_sorting_and_paging_through_every_statement(api: TestClient):
    newest = ids(api.get("/api/v1/statements", params={"limit": 500}))
    oldest = ids(api.get("/api/v1/statements", params={"sort": "date", "limit": 500}))
    assert oldest == list(reversed(newest))
    # Those of 19 August first, then those dated to the month; the id breaks ties, in the
    # direction of the date.
    of_the_19th = [i for i in newest if "-2019-08-19-" in i]
    of_the_month = [i for i in newest if i not in of_the_19th]
    assert newest == sorted(of_the_19th, reverse=True) + sorted(of_the_month, reverse=True)

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
