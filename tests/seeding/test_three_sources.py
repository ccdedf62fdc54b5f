"""The three sources loaded side by side: one knowledge base, each source's claims intact."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.seeding.loader import seed, unload
from tests.conftest import FIRST_BUNDLE, SEED_BUNDLES
from tests.seeding.test_claims import knowledge

COUNCIL = SEED_BUNDLES / "russia-france-security-council-2019.yaml"
NORMANDY = SEED_BUNDLES / "normandy-summit-paris-2019.yaml"
TALKS = "2019-08-19-putin-macron-talks-bregancon"
COMMITTEE = "security-cooperation-committee"


@pytest.fixture
def client(empty_engine: Engine, app_for) -> Iterator[TestClient]:
    seed(empty_engine, [SEED_BUNDLES])
    with TestClient(app_for(empty_engine)) as client:
        yield client


def test_the_bregancon_talks_are_one_event_cited_by_several_sources(client: TestClient):
    talks = client.get(f"/api/v1/events/{TALKS}").json()
    cited_by = {citation["source"] for citation in talks["citations"]}
    assert {"improving-russia-france-relations", "russia-france-security-council-2019"} <= cited_by
    matching = client.get("/api/v1/events?q=Bregancon").json()["items"]
    assert [event["id"] for event in matching if "talks" in event["id"]] == [TALKS]


def test_the_committee_has_status_entries_from_two_sources_and_both_names(client: TestClient):
    committee = client.get(f"/api/v1/mechanisms/{COMMITTEE}").json()
    sources = {
        citation["source"]
        for entry in committee["status_history"]
        for citation in entry["citations"]
    }
    assert {"improving-russia-france-relations", "russia-france-security-council-2019"} <= sources
    names = {committee["name"], *committee["aliases"]}
    assert "Security Cooperation Committee" in names
    assert any("Council on Security Cooperation" in name for name in names)


def test_the_pair_timeline_runs_from_the_june_visit_to_the_december_summit(client: TestClient):
    events = client.get("/api/v1/relations/RU/FR/timeline?type=event&limit=100").json()["items"]
    assert events[0]["id"] == "2019-06-medvedev-visit-france" or events[0]["date"] == "2019-06"
    assert events[-1]["id"] == "2019-12-09-normandy-summit-paris"


def test_ukraine_is_no_longer_empty(client: TestClient):
    assert client.get("/api/v1/relations/RU/UA/timeline").json()["items"]
    ukraine = client.get("/api/v1/events?country=UA").json()["items"]
    assert "2019-12-09-normandy-summit-paris" in {event["id"] for event in ukraine}
    assert client.get("/api/v1/relations/RU/UA").json()["events_by_year"]


@pytest.mark.parametrize("bundle", [FIRST_BUNDLE, COUNCIL, NORMANDY], ids=lambda p: p.stem)
def test_each_bundle_loads_alone(empty_engine: Engine, bundle):
    assert seed(empty_engine, [bundle]).tables["source"].inserted == 1


@pytest.mark.parametrize("order", ["first then council", "council then first", "together"])
def test_unloading_the_first_article_leaves_what_the_council_alone_gives(
    empty_engine: Engine, fresh_engine: Engine, order: str
):
    if order == "first then council":
        seed(empty_engine, [FIRST_BUNDLE])
        seed(empty_engine, [COUNCIL])
    elif order == "council then first":
        seed(empty_engine, [COUNCIL])
        seed(empty_engine, [FIRST_BUNDLE])
    else:
        seed(empty_engine, [FIRST_BUNDLE, COUNCIL])
    unload(empty_engine, "improving-russia-france-relations")
    seed(fresh_engine, [COUNCIL])

    assert knowledge(empty_engine) == knowledge(fresh_engine)


def test_seeding_one_source_again_changes_no_other_sources_claims(empty_engine: Engine):
    seed(empty_engine, [SEED_BUNDLES])
    before = knowledge(empty_engine)
    seed(empty_engine, [COUNCIL])
    seed(empty_engine, [NORMANDY, FIRST_BUNDLE])
    assert knowledge(empty_engine) == before
