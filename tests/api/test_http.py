"""The contract's conventions: problems, caching, formats and paging, as a client sees them."""

import csv
import io
import json

import pytest
from fastapi.testclient import TestClient

PROBLEM = "application/problem+json"


def problem(response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["status"] == status
    assert {"type", "title", "detail", "instance"} <= set(body)
    text = response.text.lower()
    for leak in ("traceback", "select ", "sqlite", "sqlalchemy", "psycopg"):
        assert leak not in text
    return body


@pytest.mark.parametrize(
    ("params", "location"),
    [
        ({"limit": 0}, ["query", "limit"]),
        ({"limit": 501}, ["query", "limit"]),
        ({"limit": 10**40}, ["query", "limit"]),
        ({"kind": "coronation"}, ["query", "kind", 0]),
        ({"date_from": "2019-13"}, ["query", "date_from"]),
        ({"country": "XX"}, ["query", "country", 0]),
        ({"q": "x" * 201}, ["query", "q"]),
        ({"q": "Libya\x00"}, ["query", "q"]),
        ({"cursor": "not-a-cursor!"}, ["query", "cursor"]),
        ({"cursor": "WyJzdGFydCIsIjIwMTkiXQ"}, ["query", "cursor"]),  # ["start","2019"]
        ({"cursor": "WyItc3RhcnQiLCJub3QgYSBkYXRlIiwieCJd"}, ["query", "cursor"]),
        ({"sort": "title"}, ["query", "sort"]),
        ({"contry": "FR"}, ["query", "contry"]),
    ],
    ids=[
        "limit-0",
        "limit-501",
        "huge-int",
        "kind",
        "month-13",
        "country",
        "overlong",
        "nul",
        "garbage-cursor",
        "cursor-of-other-sort",
        "cursor-with-bad-date",
        "sort",
        "typo-of-a-param",
    ],
)
def test_bad_input_is_a_422_naming_the_field(api: TestClient, params: dict, location: list):
    body = problem(api.get("/api/v1/events", params=params), 422)
    assert [e["location"] for e in body["errors"]] == [location]
    assert all(e["message"] for e in body["errors"])


def test_an_inverted_date_range_is_refused(api: TestClient):
    body = problem(api.get("/api/v1/events", params={"date_from": "2020", "date_to": "2019"}), 422)
    assert "`date_from` is after `date_to`" in body["errors"][0]["message"]


def test_unknown_routes_and_ids_are_404_problems(api: TestClient):
    assert problem(api.get("/api/v1/nothing-here"), 404)["instance"] == "/api/v1/nothing-here"
    assert "not found" in problem(api.get("/api/v1/events/x" * 1), 404)["detail"]
    problem(api.get("/api/v1/events/" + "a" * 201), 422)


def test_a_wrong_method_is_a_405_with_allow(api: TestClient):
    response = api.post("/api/v1/events", json={})
    problem(response, 405)
    assert response.headers["allow"] == "GET, HEAD"


def test_every_get_has_a_strong_etag_and_if_none_match_gives_304(api: TestClient):
    for url in (
        "/api/v1/events?limit=3",
        "/api/v1/events/2019-06-medvedev-visit-france",
        "/api/v1/events?format=csv",
        "/openapi.json",
        "/docs",
        "/healthz",
    ):
        first = api.get(url)
        etag = first.headers["etag"]
        assert etag.startswith('"') and not etag.startswith("W/")
        assert api.get(url).headers["etag"] == etag
        cached = api.get(url, headers={"If-None-Match": f'"other", {etag}'})
        assert cached.status_code == 304
        assert cached.content == b""
        assert cached.headers["etag"] == etag
        assert api.get(url, headers={"If-None-Match": '"stale"'}).status_code == 200


def test_different_representations_have_different_etags(api: TestClient):
    as_json = api.get("/api/v1/events")
    as_csv = api.get("/api/v1/events", headers={"Accept": "text/csv"})
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert as_json.headers["etag"] != as_csv.headers["etag"]
    assert api.get("/api/v1/events?limit=2").headers["etag"] != as_json.headers["etag"]


def test_csv_streams_every_matching_event_with_a_header_row(api: TestClient):
    everything = api.get("/api/v1/events", params={"limit": 500}).json()["items"]
    response = api.get("/api/v1/events", params={"format": "csv"})
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [row["id"] for row in rows] == [event["id"] for event in everything]
    talks = next(r for r in rows if r["id"] == "2019-08-19-putin-macron-talks-bregancon")
    assert talks["duration.qualifier"] == "nearly"
    assert talks["end"] == ""


def test_csv_with_a_limit_is_one_page_linking_to_the_next(api: TestClient):
    response = api.get("/api/v1/events", params={"format": "csv", "limit": 2})
    assert len(list(csv.DictReader(io.StringIO(response.text)))) == 2
    assert 'rel="next"' in response.headers["link"]


def test_ndjson_streams_one_event_per_line(api: TestClient):
    response = api.get("/api/v1/events", params={"format": "ndjson", "country": "RU"})
    assert response.headers["content-type"] == "application/x-ndjson"
    lines = response.text.splitlines()
    events = [json.loads(line) for line in lines]
    assert len(events) == len(api.get("/api/v1/events?country=RU").json()["items"])
    assert all("RU" in event["countries"] for event in events)


def test_accept_header_picks_the_preferred_format(api: TestClient):
    def kind(accept: str) -> str:
        return api.get("/api/v1/events", headers={"Accept": accept}).headers["content-type"]

    assert kind("text/csv").startswith("text/csv")
    assert kind("application/json;q=0.5, text/csv").startswith("text/csv")
    assert kind("text/csv;q=0.2, application/json") == "application/json"
    assert kind("application/x-ndjson") == "application/x-ndjson"
    assert kind("text/*") == "text/csv; charset=utf-8"
    assert kind("text/html, */*;q=0.1") == "application/json"


def test_health_and_readiness(api: TestClient):
    assert api.get("/healthz").json() == {"status": "ok"}
    assert api.get("/readyz").json() == {"status": "ok"}
