"""Full-text search, asked as an analyst would, and fed whatever a user may type."""

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

TALKS = "2019-08-19-putin-macron-talks-bregancon"


def hits(api: TestClient, **params) -> list[dict]:
    response = api.get("/api/v1/search", params={"limit": 50, **params})
    assert response.status_code == 200, response.text
    return response.json()["items"]


def test_libya_finds_the_talks_at_bregancon(api: TestClient):
    found = hits(api, q="Libya")
    talks = next(h for h in found if h["id"] == TALKS)
    assert talks["type"] == "event"
    assert "<mark>Libya</mark>" in talks["snippet"]
    assert talks["url"] == f"/api/v1/events/{TALKS}"
    assert api.get(talks["url"]).status_code == 200
    assert [h["score"] for h in found] == sorted((h["score"] for h in found), reverse=True)


def test_a_quoted_phrase_finds_the_presidents_statement(api: TestClient):
    found = hits(api, q='"security structure"')
    assert found[0]["id"] == "macron-2019-08-19-security-structure-russia-europe"
    assert found[0]["type"] == "statement"
    # SQLite marks the phrase, PostgreSQL each of its words: either way both are marked.
    assert "<mark>security structure</mark>" in found[0]["snippet"].replace("</mark> <mark>", " ")
    # The words apart are not the phrase: "structure security" is no match.
    assert hits(api, q='"structure security"') == []


def test_prefixes_accents_and_stems(api: TestClient):
    assert {h["id"] for h in hits(api, q="cyber secur*")} >= {"cyber-security"}
    assert TALKS in {h["id"] for h in hits(api, q="Brégançon closed")}
    assert TALKS in {h["id"] for h in hits(api, q="discuss")}  # "discussed"


def test_type_filter_and_paging(api: TestClient):
    assert {h["type"] for h in hits(api, q="Putin", type=["person", "statement"])} == {
        "person",
        "statement",
    }
    everything = [h["id"] for h in hits(api, q="Russia")]
    assert len(everything) > 4
    seen, cursor = [], None
    for _ in range(len(everything)):  # a cursor that fails to advance ends the loop
        body = api.get(
            "/api/v1/search",
            params={"q": "Russia", "limit": 3, "count": "true"}
            | ({"cursor": cursor} if cursor else {}),
        ).json()
        assert body["total"] == len(everything)
        seen += [h["id"] for h in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert cursor is None
    assert seen == everything


@pytest.mark.parametrize(
    "q",
    [
        "*",
        "  ",
        '""',
        "()",
        "AND",
        "NOT",
        "OR",
        "NEAR(",
        '"unbalanced',
        "title:Libya",
        "Libya)",
        "^",
        "-",
        "+",
        "a:b:c",
        "'",
        "\\",
        "x" * 300,
    ],
)
def test_fts_syntax_never_breaks_the_server(api: TestClient, q: str):
    response = api.get("/api/v1/search", params={"q": q})
    assert response.status_code in (200, 422), response.text
    if response.status_code == 422:
        assert response.json()["errors"][0]["location"] == ["query", "q"]


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(q=st.text(min_size=1, max_size=60))
def test_any_text_answers_200_or_422(api: TestClient, q: str):
    response = api.get("/api/v1/search", params={"q": q})
    assert response.status_code in (200, 422), (q, response.text)


def test_searching_needs_words(api: TestClient):
    response = api.get("/api/v1/search", params={"q": "* ( )"})
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"location": ["query", "q"], "message": "no words to search for"}
    ]
