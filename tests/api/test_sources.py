"""Sources and the facts they attest, asked as an analyst would."""

from fastapi.testclient import TestClient
from sqlalchemy import text

from app.db import make_engine

SOURCE = "improving-russia-france-relations"
CAPTION = (
    "Russian President Vladimir Putin is hosted by his French counterpart Emmanuel Macron at "
    "Bregancon fortress on France's southern coast on Monday 19 August, 2019. (Reuters)"
)


def test_the_list_describes_each_source_without_its_text(api: TestClient):
    response = api.get("/api/v1/sources", params={"count": "true"})
    assert response.status_code == 200
    body = response.json()
    (listed,) = [s for s in body["items"] if s["id"] == SOURCE]
    assert body["total"] == len(body["items"])
    assert listed["title"] == "Improving Russia-France relations"
    assert listed["published"] == "2019-08"
    assert "inferred" in listed["published_note"]
    assert listed["credits"] == ["Photo: Reuters"]
    assert listed["language"] == "en"
    assert "text" not in listed and "facts" not in listed


def test_a_source_has_its_whole_text_and_credits(api: TestClient):
    source = api.get(f"/api/v1/sources/{SOURCE}").json()
    assert source["text"].startswith("Improving Russia-France relations")
    assert source["text"].rstrip().endswith("in the region and the world.")
    assert source["credits"] == ["Photo: Reuters"]
    assert source["published"] == "2019-08"


def test_the_facts_it_attests_include_the_visit_and_the_trade_figure(api: TestClient):
    facts = api.get(f"/api/v1/sources/{SOURCE}").json()["facts"]
    by_key = {(f["type"], f["id"]): f for f in facts}

    visit = by_key["event", "2019-08-19-putin-official-visit-france"]
    assert visit["label"] == "Vladimir Putin's official visit to France"
    assert CAPTION in visit["excerpts"]

    trade = by_key["figure", "ru-fr-bilateral-trade-2018"]
    assert trade["label"] == "bilateral_trade RU-FR 2018"
    assert trade["excerpts"] == [
        "Their two-way trade hit US$17.2 billion last year, an increase of 11% compared to 2017"
    ]

    status = by_key["mechanism_status", "security-cooperation-committee--1-resumed"]
    assert status["label"] == "Security Cooperation Committee: resumed"
    assert by_key["person", "vladimir-putin"]["label"] == "Vladimir Putin"
    assert by_key["statement", "macron-2019-08-two-great-powers-in-europe"]["label"] == (
        "France and Russia are the “two great powers in Europe”."
    )
    # Every excerpt is words of the source.
    text = " ".join(api.get(f"/api/v1/sources/{SOURCE}").json()["text"].split())
    assert all(" ".join(e.split()) in text for f in facts for e in f["excerpts"])


def test_facts_are_ordered_by_type_then_id(api: TestClient):
    facts = api.get(f"/api/v1/sources/{SOURCE}").json()["facts"]
    keys = [(f["type"], f["id"]) for f in facts]
    assert keys == sorted(keys)
    assert len(set(keys)) == len(keys)


def test_every_fact_citing_the_source_is_listed_and_no_other(api: TestClient, api_url: str):
    facts = api.get(f"/api/v1/sources/{SOURCE}").json()["facts"]
    engine = make_engine(api_url)
    with engine.connect() as connection:
        cited = {
            tuple(row)
            for row in connection.execute(
                text(
                    "SELECT DISTINCT subject_type, subject_id FROM citation "
                    "WHERE source_id = :source"
                ),
                {"source": SOURCE},
            )
        }
    engine.dispose()
    assert {(f["type"], f["id"]) for f in facts} == cited
    assert len(facts) == len(cited)


def test_an_unknown_source_is_a_404_problem(api: TestClient):
    response = api.get("/api/v1/sources/no-such-source")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == "source 'no-such-source' not found"
