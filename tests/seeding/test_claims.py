"""Claims: several sources state facts about the same entities; none overwrites another."""

import textwrap
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from app.seeding.errors import SeedFailed
from app.seeding.loader import seed, unload
from tests.seeding.dumps import dump

SOURCE_A = """
default_source: source-a
sources:
  - id: source-a
    title: "Source A"
    published: "2019-08-25"
    text: >-
      The Security Cooperation Committee resumed its work in 2019. Putin and Macron
      met at Bregancon on August 19, 2019. Russian President Vladimir Putin spoke.
people:
  - id: putin
    name: "Vladimir Putin"
    country: RU
    citations: ["Russian President Vladimir Putin"]
mechanisms:
  - id: committee
    name: "Security Cooperation Committee"
    kind: committee
    countries: [RU, FR]
    notes: "Resumed after a pause."
    status_history:
      - status: resumed
        date: "2019"
        citations: ["The Security Cooperation Committee resumed its work in 2019"]
    citations: ["The Security Cooperation Committee"]
events:
  - id: talks
    kind: bilateral_meeting
    title: "Talks at Bregancon"
    start: "2019-08-19"
    countries: [RU, FR]
    participants: [{person: putin, role: guest}]
    citations: ["met at Bregancon on August 19, 2019"]
"""

SOURCE_B = """
default_source: source-b
sources:
  - id: source-b
    title: "Source B"
    published: "2019-09-10"
    text: >-
      The Council on Security Cooperation met in Moscow in September 2019. Putin and
      Macron held talks in August 2019.
mechanisms:
  - id: committee
    name: "Council on Security Cooperation"
    kind: council
    countries: [FR, RU]
    status_history:
      - status: active
        date: "2019-09"
        citations: ["The Council on Security Cooperation met in Moscow in September 2019"]
    citations: ["The Council on Security Cooperation"]
events:
  - id: talks
    kind: bilateral_meeting
    title: "Putin-Macron talks"
    start: "2019-08"
    countries: [RU, FR]
    citations: ["Putin and Macron held talks in August 2019"]
"""


def bundle(folder: Path, name: str, body: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(textwrap.dedent(body).lstrip(), encoding="utf-8")
    return path


@pytest.fixture
def bundles(tmp_path: Path) -> tuple[Path, Path]:
    return bundle(tmp_path / "a", "a.yaml", SOURCE_A), bundle(tmp_path / "b", "b.yaml", SOURCE_B)


def knowledge(engine: Engine) -> dict[str, list[tuple]]:
    """Every row a reader can see: not the revision counter, which counts loads, the audit
    of the changes, the proposals awaiting review or the keys."""
    dumped = dump(engine, timestamps=False)
    for bookkeeping in ("kb_revision", "change", "proposal", "api_key"):
        del dumped[bookkeeping]
    return dumped


def rows(engine: Engine, sql: str) -> list[tuple]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql))]


def test_a_second_source_adds_to_a_mechanism_and_takes_nothing_away(
    empty_engine: Engine, bundles: tuple[Path, Path]
):
    a, b = bundles
    seed(empty_engine, [a])
    seed(empty_engine, [b])

    statuses = rows(
        empty_engine,
        "SELECT s.status, c.source_id FROM mechanism_status s JOIN citation c"
        " ON c.subject_type = 'mechanism_status' AND c.subject_id = s.id ORDER BY s.ordinal",
    )
    assert statuses == [("resumed", "source-a"), ("active", "source-b")]
    ((name, aliases, notes),) = rows(empty_engine, "SELECT name, aliases, notes FROM mechanism")
    # The later source's name is preferred; the other name is kept as an alias.
    assert name == "Council on Security Cooperation"
    assert "Security Cooperation Committee" in str(aliases)
    assert notes == "Resumed after a pause."
    cited_by = rows(
        empty_engine,
        "SELECT source_id FROM citation WHERE subject_type = 'mechanism' ORDER BY source_id",
    )
    assert cited_by == [("source-a",), ("source-b",)]


def test_the_more_precise_date_is_preferred_and_the_disagreement_kept(
    empty_engine: Engine, bundles: tuple[Path, Path]
):
    seed(empty_engine, list(bundles))

    ((start, precision),) = rows(empty_engine, "SELECT start_first, start_precision FROM event")
    assert (str(start), precision) == ("2019-08-19", "day")
    # The participant only source A names stays.
    assert rows(empty_engine, "SELECT person_id FROM event_participant") == [("putin",)]
    disputes = rows(empty_engine, "SELECT kind, entity_id, field FROM claim_dispute ORDER BY 1, 3")
    assert ("event", "talks", "start") in disputes
    assert ("mechanism", "committee", "kind") in disputes


def test_a_preferred_claim_wins_over_a_more_precise_one(
    empty_engine: Engine, bundles: tuple[Path, Path]
):
    a, _ = bundles
    preferred = SOURCE_B.replace('start: "2019-08"', 'start: "2019-08"\n    rank: preferred')
    b = bundle(a.parent.parent / "b2", "b.yaml", preferred)
    seed(empty_engine, [a, b])

    ((start, precision),) = rows(empty_engine, "SELECT start_first, start_precision FROM event")
    assert (str(start), precision) == ("2019-08-01", "month")


@pytest.mark.parametrize("order", ["a then b", "b then a", "together"])
def test_unloading_a_source_leaves_what_the_other_alone_would_have(
    empty_engine: Engine, fresh_engine: Engine, bundles: tuple[Path, Path], order: str
):
    a, b = bundles
    if order == "a then b":
        seed(empty_engine, [a])
        seed(empty_engine, [b])
    elif order == "b then a":
        seed(empty_engine, [b])
        seed(empty_engine, [a])
    else:
        seed(empty_engine, [a, b])
    unload(empty_engine, "source-a")
    seed(fresh_engine, [b])

    assert knowledge(empty_engine) == knowledge(fresh_engine)


def test_loading_in_any_order_gives_the_same_knowledge_base(
    empty_engine: Engine, fresh_engine: Engine, bundles: tuple[Path, Path]
):
    a, b = bundles
    seed(empty_engine, [a])
    seed(empty_engine, [b])
    seed(fresh_engine, [b, a])

    assert knowledge(empty_engine) == knowledge(fresh_engine)


def test_a_bundle_loaded_again_without_a_record_withdraws_only_its_own_claim(
    empty_engine: Engine, bundles: tuple[Path, Path]
):
    a, b = bundles
    seed(empty_engine, [a, b])
    without_mechanism = SOURCE_B.split("mechanisms:")[0] + "events:" + SOURCE_B.split("events:")[1]
    b.write_text(textwrap.dedent(without_mechanism).lstrip(), encoding="utf-8")
    seed(empty_engine, [b])

    assert rows(empty_engine, "SELECT name, kind FROM mechanism") == [
        ("Security Cooperation Committee", "committee")
    ]
    assert rows(empty_engine, "SELECT status FROM mechanism_status") == [("resumed",)]
    assert rows(empty_engine, "SELECT * FROM claim_dispute WHERE kind = 'mechanism'") == []


def test_unloading_removes_what_only_that_source_supported(
    empty_engine: Engine, bundles: tuple[Path, Path]
):
    a, b = bundles
    seed(empty_engine, [a, b])
    unload(empty_engine, "source-b")

    assert rows(empty_engine, "SELECT id FROM source") == [("source-a",)]
    assert rows(empty_engine, "SELECT start_first, start_precision FROM event")[0][1] == "day"
    unload(empty_engine, "source-a")
    for table in ("event", "mechanism", "person", "citation", "claim", "event_document"):
        assert rows(empty_engine, f"SELECT count(*) FROM {table}") == [(0,)], table


def test_unloading_an_unknown_source_is_an_error(seeded_engine: Engine):
    before = dump(seeded_engine)
    with pytest.raises(SeedFailed) as failed:
        unload(seeded_engine, "no-such-source")
    assert "unknown source 'no-such-source'" in str(failed.value.errors[0])
    assert dump(seeded_engine) == before


def test_one_source_may_not_claim_the_same_record_twice(tmp_path: Path, empty_engine: Engine):
    doubled = SOURCE_A + SOURCE_A.split("events:")[1]  # the event listed twice
    path = bundle(tmp_path, "doubled.yaml", doubled)
    with pytest.raises(SeedFailed) as failed:
        seed(empty_engine, [path])
    messages = [str(error) for error in failed.value.errors]
    assert any("duplicate event id 'talks' by source 'source-a'" in m for m in messages)
