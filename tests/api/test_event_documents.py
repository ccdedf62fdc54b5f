"""The events list answers from ready documents: they must be what the model says, and
follow every load that changes what they show."""

import json
from functools import partial
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, text

from app.db import make_engine
from app.events.schemas import EventPublic, EventQuery
from app.events.service import EVENTS, build_events, event
from app.facets import facet_counts
from app.pagination import FacetedPage, encode_cursor
from app.seeding.loader import seed
from tests.conftest import SEED_BUNDLES, copy_seed


def documents(engine: Engine) -> dict[str, dict]:
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT event_id, body FROM event_document"))
        return {event_id: json.loads(body) for event_id, body in rows}


def built(engine: Engine) -> dict[str, dict]:
    """Every event as `EventPublic`, built from the tables by the pydantic path."""
    with engine.connect() as connection:
        rows = list(connection.execute(select(event)))
        return {e.id: e.model_dump(mode="json") for e in build_events(connection, rows)}


def test_every_document_is_the_event_as_the_model_builds_it(seeded_engine: Engine):
    docs, models = documents(seeded_engine), built(seeded_engine)

    assert docs == models
    # The seed exercises every optional part of a document, so each is compared above.
    for part in ("place", "duration", "outcomes", "parent", "end"):
        assert any(doc[part] is not None for doc in docs.values()), part
    for part in ("organizations", "participants", "topics", "citations"):
        assert any(doc[part] for doc in docs.values()), part


def test_the_list_serves_the_documents(api: TestClient, api_url: str):
    answer = api.get("/api/v1/events", params={"country": ["RU", "FR"], "limit": 3})

    assert answer.status_code == 200
    engine = make_engine(api_url)
    docs = documents(engine)
    engine.dispose()
    assert len(answer.json()["items"]) == 3
    for item in answer.json()["items"]:
        assert item == docs[item["id"]]


PAIR = EventQuery(country=["RU", "FR"])


def pair_documents(engine: Engine) -> list[dict]:
    """Every event of both RU and FR, as the list's pages of documents give them (a pair's
    page finds its documents by the keys its rows hold)."""
    with engine.connect() as connection:
        items, after = [], None
        for _ in range(1000):
            page, after = documents_page(connection, query=PAIR, after=after, limit=2)
            items += page
            if after is None:
                return items
    raise AssertionError("the pages never ended")


def pair_ids_from_models(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        return all_ids(partial(EVENTS.page, connection), PAIR, 50)


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
    # The pair's list reads the documents rewritten in place, through the keys its rows
    # kept: every event of both, each as its document now is.
    pair = pair_documents(empty_engine)
    assert [doc["id"] for doc in pair] == pair_ids_from_models(empty_engine)
    assert pair == [docs[doc["id"]] for doc in pair]
    assert any(p["person"]["name"] == "Emmanuel J. Macron" for d in pair for p in d["participants"])


def test_a_load_that_adds_an_event_of_both_countries_lists_it(empty_engine: Engine, tmp_path: Path):
    bundle = copy_seed(tmp_path)
    seed(empty_engine, [bundle])
    before = [doc["id"] for doc in pair_documents(empty_engine)]
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

    pair = pair_documents(empty_engine)
    assert [doc["id"] for doc in pair] == ["2019-12-09-added-call", *before]
    assert pair == [documents(empty_engine)[doc["id"]] for doc in pair]


def test_an_empty_document_table_is_rebuilt_on_the_next_seed(seeded_engine: Engine):
    expected = documents(seeded_engine)
    with seeded_engine.begin() as connection:
        # Keys past those a rebuild gives (numbered from 1 again, in its own order).
        connection.exec_driver_sql("UPDATE relation_item SET doc_id = doc_id + 1000")
        connection.exec_driver_sql("DELETE FROM event_document")

    seed(seeded_engine, [SEED_BUNDLES])

    assert documents(seeded_engine) == expected
    # Written again, the documents have new keys: the pair's rows, rebuilt after them, hold
    # those, and the pair's list still finds every event of both.
    pair = pair_documents(seeded_engine)
    assert len(pair) >= 3
    assert [doc["id"] for doc in pair] == pair_ids_from_models(seeded_engine)
    assert pair == [expected[doc["id"]] for doc in pair]


def all_ids(page, query: EventQuery, limit: int) -> list[str]:
    """Every id of a list, page by page (`limit` items a page, following the cursor)."""
    ids: list[str] = []
    after = None
    for _ in range(1000):  # more pages than the seed has events: a cursor that goes back fails
        items, after = page(query=query, after=after, limit=limit)
        ids += [item["id"] if isinstance(item, dict) else item.id for item in items]
        if after is None:
            return ids
    raise AssertionError(f"the pages never ended: {ids[:10]}...")


def documents_page(connection, *, query: EventQuery, after, limit: int):
    """A page as the API reads it: the documents and the revision in one statement."""
    page = EVENTS.page_at_revision(connection, query=query, after=after, limit=limit)
    return json.loads(b"[" + page.items + b"]"), page.last_key


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
def test_each_way_of_reading_a_page_lists_the_same_events(
    seeded_engine: Engine, params: dict, limit: int
):
    query = EventQuery(**params)
    with seeded_engine.connect() as connection:
        from_documents = all_ids(partial(documents_page, connection), query, limit)
        from_models = all_ids(partial(EVENTS.page, connection), query, limit)
        statement = EVENTS.matching(connection, query)
        matching = {row.id for row in connection.execute(statement)}

    assert from_documents == from_models
    assert set(from_documents) == matching
    assert len(from_documents) == len(set(from_documents))
    if sorted(params.get("country", [])) == ["FR", "RU"] and "kind" not in params:
        assert len(from_documents) >= 3  # the seed has several events of both


@pytest.mark.parametrize(
    ("params", "bounded"),
    [
        ({}, True),
        ({"country": ["RU"]}, True),
        ({"country": ["RU", "FR"], "sort": "start"}, True),
        ({"country": ["RU", "FR", "DE"]}, False),  # the third is checked row by row
        ({"country": ["RU"], "kind": ["summit"]}, False),
        ({"q": "visit"}, False),
    ],
)
def test_only_pages_that_read_what_they_return_are_bounded(params: dict, bounded: bool):
    """A bounded page may run on the event loop: it must never scan rows it does not return."""
    assert EVENTS.bounded(EventQuery(**params)) is bounded


@pytest.mark.parametrize(
    "params",
    [
        {"country": ["RU", "FR"], "limit": 2},
        {"country": ["FR"], "limit": 2, "count": "true", "facet": ["kind", "year"]},
    ],
)
def test_a_page_of_documents_is_written_as_the_page_model_writes_it(
    api: TestClient, api_url: str, params: dict
):
    answer = api.get("/api/v1/events", params=params)
    assert answer.status_code == 200

    query = EventQuery(**params)
    engine = make_engine(api_url)
    with engine.connect() as connection:
        items, last = EVENTS.page(connection, query=query, after=None, limit=query.limit)
        total = EVENTS.count(connection, query=query) if query.count else None
        facets = (
            facet_counts(
                connection, EVENTS.matching(connection, query), EVENTS.facets, params["facet"]
            )
            if "facet" in params
            else None
        )
    engine.dispose()
    expected = FacetedPage[EventPublic](
        items=items,
        next_cursor=encode_cursor(EVENTS.sort_of(query), last) if last else None,
        total=total,
        facets=facets,
    )
    assert answer.json() == json.loads(expected.model_dump_json())
    assert list(answer.json()) == list(json.loads(expected.model_dump_json()))  # field order
