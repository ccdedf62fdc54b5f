"""Full-text search, asked as an analyst would, and fed whatever a user may type."""

import base64
import json
import re
import subprocess
import sys
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from app.db import get_engine
from app.search import service
from app.search.schemas import SearchQuery
from tests.databases import ENGINE

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
        monkeypatch.setattr(service, "RANKED_AT_MOST", 2)
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
    """A cursor as a client could forge it, of any JSON (the server's encoder, orjson, would
    refuse integers beyond 64 bits)."""
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


def sqlite_only(test: Any) -> Any:
    """A test of SQLite's own walk: not collected on PostgreSQL, where a skip would fail the
    run (tests/conftest.py), as `tests/test_sqlite.py` is not."""
    return test if ENGINE == "sqlite" else None


@sqlite_only
def test_the_type_index_bounds_the_walk_without_losing_hits(api: TestClient, mode: str):
    """With the index on (type, doc_id) (a migration makes it), a walk filtered by type visits
    only the doc_id run of those types: the hits must be what they are without it."""
    engine = get_engine()
    asked = [{"q": "Russia", "type": kinds} for kinds in (["person"], ["statement", "topic"])]
    with_index = [_pages(api, 2, **params) for params in asked]
    with engine.connect() as connection:
        query = SearchQuery(q="Russia", type=["person"])
        schema = service._sqlite_schema(connection)
        bounds = service._sqlite_type_bounds(connection, query, schema)
        assert bounds is not None and bounds[1] - bounds[0] < 10_000  # bounded, not all
    create = f"CREATE INDEX {service.TYPE_DOC_ID_INDEX} ON search_document (type, doc_id)"
    with engine.begin() as connection:
        connection.execute(text(f"DROP INDEX {service.TYPE_DOC_ID_INDEX}"))
    try:
        assert [_pages(api, 2, **params) for params in asked] == with_index
        assert all(hits for hits, _total in with_index)
    finally:
        with engine.begin() as connection:
            connection.execute(text(create))


@sqlite_only
def test_a_title_index_walks_the_title_tier_without_changing_it(api: TestClient, mode: str):
    """With an FTS5 index of the titles alone, the title tier is walked in it: the hits, their
    order and snippets must be what the column filter of search_fts gives."""
    engine = get_engine()
    asked = [{"q": q} for q in ("Russia", "Libya", '"security structure"', "talks Macron")]
    without = [_pages(api, 3, **params) for params in asked]
    with engine.begin() as connection:
        connection.execute(
            text(
                f"CREATE VIRTUAL TABLE {service.TITLE_FTS} USING fts5(title, "
                "content='search_document', content_rowid='doc_id', "
                "tokenize='porter unicode61 remove_diacritics 2')"
            )
        )
        connection.execute(
            text(f"INSERT INTO {service.TITLE_FTS}({service.TITLE_FTS}) VALUES ('rebuild')")
        )
    try:
        with engine.connect() as connection:
            assert service.TITLE_FTS in service._sqlite_schema(connection)
        assert [_pages(api, 3, **params) for params in asked] == without
    finally:
        with engine.begin() as connection:
            connection.execute(text(f"DROP TABLE {service.TITLE_FTS}"))


def test_the_documents_are_the_hits_as_pydantic_writes_them(api: TestClient, mode: str):
    """The JSON path (`page_documents`) must answer what the model path (`page`) would."""
    with get_engine().connect() as connection:
        for q in ("Russia", "Libya", '"security structure"', "secur*"):
            query = SearchQuery(q=q, limit=5)
            hits_, last = service.SEARCH.page(connection, query=query, after=None, limit=5)
            documents = service.SEARCH.page_documents(connection, query=query, after=None, limit=5)
            assert documents is not None and hits_
            assert documents[1] == last
            assert [json.loads(d) for d in documents[0]] == [
                json.loads(h.model_dump_json()) for h in hits_
            ]


def test_the_postgres_sql_compiles_when_search_is_imported_first():
    """The tsvector expression is built at import: in a fresh process that imports search
    before any PostgreSQL engine exists, it must still compile for PostgreSQL."""
    code = (
        "from app.search import service\n"
        "from app.search.schemas import SearchQuery\n"
        "from sqlalchemy.dialects import postgresql\n"
        "statement = service._postgres_hits(SearchQuery(q='Libya'))\n"
        "print(statement.compile(dialect=postgresql.dialect()))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "to_tsvector" in done.stdout
