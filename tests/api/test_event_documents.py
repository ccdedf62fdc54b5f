"""The events list answers from stored documents: they must be each event as its model
says, follow every load that changes what they show, and page every filter in order."""

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, text

from app.events.documents import BY_IDS, build_events
from app.events.schemas import EventQuery
from app.events.service import EVENTS, event
from app.seeding.loader import seed
from app.values import PartialDate
from tests.conftest import FIRST_BUNDLE, copy_seed


def documents(engine: Engine) -> dict[str, dict]:
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT event_id, body FROM event_document"))
        return {event_id: json.loads(body) for event_id, body in rows}


def built(engine: Engine) -> dict[str, dict]:
    """Every event as `EventPublic` builds it from the tables now."""
    with engine.connect() as connection:
        ids = list(connection.execute(select(event.c.id)).scalars())
        built = build_events(connection, BY_IDS, {"ids": ids})
        return {e.id: e.model_dump(mode="json") for e in built}


def test_every_document_is_the_event_as_the_model_builds_it(seeded_engine: Engine):
    docs = documents(seeded_engine)

    assert docs == built(seeded_engine)
    # The seed exercises every optional part of a document, so each is compared above.
    for part in ("place", "duration", "outcomes", "parent", "end"):
        assert any(doc[part] is not None for doc in docs.values()), part
    for part in ("organizations", "participants", "topics", "citations"):
        assert any(doc[part] for doc in docs.values()), part


def test_documents_follow_a_load_that_renames_what_they_show(empty_engine: Engine, tmp_path: Path):
    bundle = copy_seed(tmp_path)
    seed(empty_engine, [bundle])
    original = bundle.read_text(encoding="utf-8")

    # A person's name and a parent event's title: shown by other events' documents.
    edited = original.replace('name: "Emmanuel Macron"', 'name: "Emmanuel J. Macron"', 1).replace(
        '''title: "Vladimir Putin's official visit to France"''',
        '''title: "Vladimir Putin's official visit to the French Republic"''',
        1,
    )
    assert edited.count("Emmanuel J. Macron") == 1
    assert "French Republic" in edited
    bundle.write_text(edited, encoding="utf-8")
    seed(empty_engine, [bundle])

    docs = documents(empty_engine)
    assert docs == built(empty_engine)
    names = {
        participant["person"]["name"]
        for doc in docs.values()
        for participant in doc["participants"]
    }
    assert "Emmanuel J. Macron" in names and "Emmanuel Macron" not in names
    parents = {doc["parent"]["title"] for doc in docs.values() if doc["parent"]}
    assert "Vladimir Putin's official visit to the French Republic" in parents


def test_a_load_that_adds_an_event_of_both_countries_lists_it(empty_engine: Engine, tmp_path: Path):
    bundle = copy_seed(tmp_path)
    seed(empty_engine, [bundle])
    before = all_ids(empty_engine, EventQuery(country=["RU", "FR"]), 2)
    first = "  - id: 2019-08-19-putin-official-visit-france\n"
    added = (
        "  - id: 2019-12-09-added-call\n"
        "    kind: phone_call\n"
        '    title: "An added call"\n'
        '    start: "2019-12-09"\n'
        "    countries: [RU, FR]\n"
        "    citations:\n"
        '      - "Russian President Vladimir Putin paid an official visit to France"\n'
        "\n"
    )
    original = bundle.read_text(encoding="utf-8")
    assert original.count(first) == 1
    bundle.write_text(original.replace(first, added + first), encoding="utf-8")

    seed(empty_engine, [bundle])

    after = all_ids(empty_engine, EventQuery(country=["RU", "FR"]), 2)
    assert after == ["2019-12-09-added-call", *before]
    assert documents(empty_engine)["2019-12-09-added-call"]["title"] == "An added call"


def test_missing_documents_are_written_by_the_next_seed(seeded_engine: Engine):
    expected = documents(seeded_engine)
    with seeded_engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM event_document")

    seed(seeded_engine, [FIRST_BUNDLE])

    assert documents(seeded_engine) == expected


def all_ids(engine: Engine, query: EventQuery, limit: int) -> list[str]:
    """Every id of a list, page by page (`limit` items a page, following the cursor)."""
    ids: list[str] = []
    after = None
    with engine.connect() as connection:
        for _ in range(1000):  # more pages than the seed has events: a cursor going back fails
            items, after = EVENTS.page(connection, query, after, limit)
            ids += [json.loads(item)["id"] for item in items]
            if after is None:
                return ids
    raise AssertionError(f"the pages never ended: {ids[:10]}...")


def matches(doc: dict, query: EventQuery) -> bool:
    """Whether an event (its document) satisfies the query's filters, as API.md states them."""
    start, end = doc["start"], doc["end"] or doc["start"]
    return (
        set(query.country) <= set(doc["countries"])
        and (not query.kind or doc["kind"] in query.kind)
        and set(query.participant) <= {p["person"]["id"] for p in doc["participants"]}
        and (query.q is None or query.q.lower() in (doc["title"] + (doc["notes"] or "")).lower())
        and (query.date_to is None or PartialDate.parse(start).first <= query.date_to.last)
        and (query.date_from is None or PartialDate.parse(end).last >= query.date_from.first)
    )


@pytest.mark.parametrize("limit", [1, 2, 500])
@pytest.mark.parametrize(
    "params",
    [
        {},
        {"sort": "start"},
        {"country": ["RU"]},
        {"country": ["RU", "FR"]},
        {"country": ["FR", "RU"], "sort": "start"},
        {"country": ["RU", "FR", "DE"]},
        {"country": ["RU", "FR"], "kind": ["official_visit", "bilateral_meeting"]},
        {"country": ["FR"], "date_from": "2019-06", "date_to": "2019-08"},
        {"participant": ["vladimir-putin"], "q": "visit"},
    ],
)
def test_pages_list_every_matching_event_once_in_order(
    seeded_engine: Engine, params: dict, limit: int
):
    query = EventQuery(**params)
    docs = documents(seeded_engine)

    listed = all_ids(seeded_engine, query, limit)

    expected = sorted(
        (doc for doc in docs.values() if matches(doc, query)),
        key=lambda doc: (PartialDate.parse(doc["start"]).first, doc["id"]),
        reverse=query.sort == "-start",
    )
    assert listed == [doc["id"] for doc in expected]
    if sorted(params.get("country", [])) == ["FR", "RU"] and "kind" not in params:
        assert len(listed) >= 3  # the seed has several events of both


def test_the_list_is_the_stored_documents(api: TestClient, api_database):
    answer = api.get("/api/v1/events", params={"country": ["RU", "FR"], "limit": 3})

    assert answer.status_code == 200
    docs = documents(api_database.engine)
    assert len(answer.json()["items"]) == 3
    for item in answer.json()["items"]:
        assert item == docs[item["id"]]
