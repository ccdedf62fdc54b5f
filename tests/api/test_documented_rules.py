"""What the OpenAPI document says of an input is what the server does with it: the patterns
of dates, moments and country codes accept exactly what the API accepts, and each rule that
only a description can state (tests/http/contract_rules.py) is a 422 naming the input."""

import re

import pytest
from fastapi.testclient import TestClient

from app.main import create_app

SCHEMA = create_app().openapi()


def _parameter_schema(path: str, name: str) -> dict:
    parameter = next(p for p in SCHEMA["paths"][path]["get"]["parameters"] if p["name"] == name)
    schema = parameter["schema"]
    return schema["anyOf"][0] if "anyOf" in schema else schema


PARTIAL_DATE = re.compile(_parameter_schema("/api/v1/events", "date_from")["pattern"])
MOMENT = re.compile(_parameter_schema("/api/v1/events", "known_at")["pattern"])
COUNTRY = re.compile(_parameter_schema("/api/v1/events", "host")["pattern"])


@pytest.mark.parametrize(
    ("value", "real"),
    [
        ("2019", True),
        ("2019-06", True),
        ("2019-08-19", True),
        ("2020-02-29", True),  # a leap year
        ("2000-02-29", True),  # divisible by 400
        ("2019-02-29", False),
        ("1900-02-29", False),  # divisible by 100, not by 400
        ("2019-02-30", False),
        ("2019-04-31", False),
        ("2019-13", False),
        ("2019-00-10", False),
        ("0000", False),
    ],
)
def test_a_date_filter_is_accepted_exactly_when_its_pattern_matches(
    api: TestClient, value: str, real: bool
):
    assert bool(PARTIAL_DATE.fullmatch(value)) is real
    response = api.get("/api/v1/events", params={"date_from": value, "limit": 1})
    assert response.status_code == (200 if real else 422), response.text


@pytest.mark.parametrize(
    ("value", "real"),
    [
        ("2026-12-01", True),
        ("2026-12-01T12:00:00Z", True),
        ("2024-02-29 23:59:59.123456+05:30", True),
        ("2026-12-01T12:00+0100", True),
        ("0001-01-01T00:00+23:59", True),  # before year 1 in UTC
        ("9999-12-31T23:59-23:59", True),  # after year 9999 in UTC
        ("2026-02-29T12:00Z", False),
        ("2026-12-01T24:00", False),
        ("2026-12-01T12:60", False),
        ("2026-12-01T12:00+24:00", False),
        ("2026-12-01Z", False),
        ("0000-01-01", False),
    ],
)
def test_known_at_is_accepted_exactly_when_its_pattern_matches(
    api: TestClient, value: str, real: bool
):
    assert bool(MOMENT.fullmatch(value)) is real
    response = api.get("/api/v1/sources", params={"known_at": value})
    assert response.status_code == (200 if real else 422), response.text


@pytest.mark.parametrize(
    ("code", "known"), [("FR", True), ("fr", True), ("FRA", True), ("rUs", True), ("XX", False)]
)
def test_a_country_filter_is_accepted_exactly_when_its_pattern_matches(
    api: TestClient, code: str, known: bool
):
    assert bool(COUNTRY.fullmatch(code)) is known
    response = api.get("/api/v1/events", params={"country": code, "limit": 1})
    assert response.status_code == (200 if known else 422), response.text


def test_every_country_parameter_states_the_codes_it_takes():
    for path in ("/api/v1/events", "/api/v1/figures", "/api/v1/people", "/api/v1/places"):
        schema = _parameter_schema(path, "country")
        assert (schema.get("items") or schema)["pattern"] == COUNTRY.pattern


@pytest.mark.parametrize(
    ("url", "location"),
    [
        (
            "/api/v1/figures/series?metric=bilateral_trade&country=FR&partner=fra",
            ["query", "partner"],
        ),
        ("/api/v1/relations/FR/fra", ["path", "b"]),
        ("/api/v1/events?date_from=2020&date_to=2019", ["query", "date_to"]),
        ("/api/v1/figures?period_from=2020&period_to=2019-06", ["query", "period_to"]),
        ("/api/v1/search?q=%21%3F", ["query", "q"]),  # no word
        ("/api/v1/search?q=ab*", ["query", "q"]),  # too short a prefix
        ("/api/v1/search?q=" + "+".join("abcdefghi"), ["query", "q"]),  # 9 words
        ("/api/v1/events?" + "&".join(f"topic=t{n}" for n in range(21)), ["query", "topic"]),
        ("/api/v1/events?cursor=0", ["query", "cursor"]),  # not a cursor the API made
    ],
)
def test_each_rule_stated_in_words_is_a_422_naming_the_input(
    api: TestClient, url: str, location: list[str]
):
    response = api.get(url)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert [error["location"] for error in response.json()["errors"]] == [location]


def test_repeating_a_value_counts_it_once(api: TestClient):
    url = "/api/v1/events?" + "&".join(["topic=libya-crisis"] * 25)
    assert api.get(url).status_code == 200


def test_the_examples_of_a_series_name_two_countries():
    examples = {
        p["name"]: p["schema"]["examples"][0]
        for p in SCHEMA["paths"]["/api/v1/figures/series"]["get"]["parameters"]
        if p["name"] in ("country", "partner")
    }
    assert examples["country"] != examples["partner"]
