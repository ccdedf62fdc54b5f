"""Full-text search, asked as an analyst would, and fed whatever a user may type."""

import base64
import json
import re
import subprocess
import sys

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.search import query

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
    assert found[0]["id"] == "macron-2019-08-security-structure-russia-europe"
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


def _pages(api: TestClient, limit: int, **params) -> tuple[list[dict], int]:
    """Every hit, page after page by the cursor, and the `total` of the first page."""
    seen: list[dict] = []
    cursor, total = None, -1
    for _ in range(200):  # a cursor that fails to advance ends the loop
        body = api.get(
            "/api/v1/search",
            params={**params, "limit": limit, "count": "true"}
            | ({"cursor": cursor} if cursor else {}),
        ).json()
        total = body["total"] if total == -1 else total
        seen += body["items"]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert cursor is None
    return seen, total


@pytest.fixture(params=["ranked", "walked"])
def mode(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both ways of ordering: ranked by relevance (few matches), or walked newest first
    within each tier (many matches; forced here by a tiny bound)."""
    if request.param == "walked":
        monkeypatch.setattr(query, "RANKED_AT_MOST", 2)
    return str(request.param)


def test_title_hits_come_first(api: TestClient, mode: str):
    found = hits(api, q="Russia")
    in_title = [re.search(r"\bRussia\b", h["title"], re.IGNORECASE) is not None for h in found]
    assert True in in_title and False in in_title, in_title
    assert in_title == sorted(in_title, reverse=True), [(h["title"], h["score"]) for h in found]
    for tier in (True, False):  # the score orders the hits within their tier
        scores = [h["score"] for h, t in zip(found, in_title, strict=True) if t is tier]
        assert scores == sorted(scores, reverse=True)
    if mode == "walked":  # the tiers score 1 and 0; within a tier the newest document first
        assert {h["score"] for h in found} == {1.0, 0.0}
    else:
        assert all(h["score"] > 0 for h in found)


def test_pages_follow_each_other_in_both_modes(api: TestClient, mode: str):
    everything = hits(api, q="Russia")
    assert len(everything) > 6
    for limit in (1, 4):
        seen, total = _pages(api, limit, q="Russia")
        assert [(h["type"], h["id"]) for h in seen] == [(h["type"], h["id"]) for h in everything]
        assert total == len(everything)
    # A type filter pages within the kinds asked.
    statements, total = _pages(api, 2, q="Russia", type="statement")
    assert statements == [h for h in everything if h["type"] == "statement"]
    assert total == len(statements)


def test_walked_hits_have_marked_snippets(api: TestClient, mode: str):
    for q in ("Libya", "Russia"):
        found = hits(api, q=q)
        assert found and all(f"<mark>{q}</mark>" in h["snippet"] for h in found), found
    assert TALKS in {h["id"] for h in hits(api, q="Libya")}


def forged_cursor(sort: str, values: list) -> str:
    """A cursor as a client could forge it, of any JSON."""
    raw = json.dumps([sort, *values]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize(
    "values",
    [
        [],
        [0, 1.0],
        [2, 0.0, 5],
        [0, "x", 5],
        [0, 0.0, "5"],
        [True, 0.0, 5],
        [0, 0.0, 2**70],
        [0, 10**400, 5],
        [0, float("nan"), 5],
    ],
)
def test_a_forged_cursor_is_a_422(api: TestClient, values: list):
    cursor = forged_cursor("rank", values)
    response = api.get("/api/v1/search", params={"q": "Russia", "cursor": cursor})
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["location"] == ["query", "cursor"]


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3),
    max_leaves=6,
)


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(values=st.lists(_JSON, max_size=4))
def test_any_cursor_answers_200_or_422(api: TestClient, values: list):
    response = api.get(
        "/api/v1/search", params={"q": "Russia", "cursor": forged_cursor("rank", values)}
    )
    assert response.status_code in (200, 422), (values, response.text)


def test_the_postgres_sql_compiles_when_search_is_imported_first():
    """The tsvector expression is built at import: in a fresh process that imports search
    before any PostgreSQL engine exists, it must still compile for PostgreSQL."""
    code = (
        "from app.search import postgres\n"
        "from app.search.schemas import SearchQuery\n"
        "from sqlalchemy.dialects import postgresql\n"
        "statement = postgres.hits(SearchQuery(q='Libya'))\n"
        "print(statement.compile(dialect=postgresql.dialect()))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "to_tsvector" in done.stdout
