"""Loads of many records: streamed from NDJSON, in any order, checked like any other, and
a second load of the same records changes nothing."""

import json
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, insert, text

from app.migrations import include_name
from app.models import metadata
from app.search.schemas import SearchQuery
from app.search.service import SEARCH
from app.seeding.errors import SeedFailed
from app.seeding.loader import seed
from tests.conftest import FIRST_BUNDLE, SOURCE_ID
from tests.seeding.dumps import dump

EXCERPTS = [
    "Russian President Vladimir Putin paid an official visit",
    "French President Emmanuel Macron",
    "held talks with his Russian counterpart",
]
PEOPLE = ["vladimir-putin", "emmanuel-macron", "dmitry-medvedev", "edouard-philippe"]
INDEX_NAMES = {
    "sqlite": "SELECT name FROM sqlite_master WHERE type = 'index'",
    "postgresql": "SELECT indexname FROM pg_indexes WHERE schemaname = 'public'",
}
TOPICS = ["syria-crisis", "ukraine-crisis", "libya-crisis", "climate-change", "terrorism"]


def event(number: int) -> dict[str, Any]:
    """A varied event citing the seed's records; every fifth is part of the next one, a
    parent read after its child."""
    record: dict[str, Any] = {
        "id": f"bulk-e-{number:05d}",
        "kind": ["official_visit", "summit", "phone_call"][number % 3],
        "title": f"Bulk test event {number}",
        "start": ["2019-08-19", "2019-08", "2018"][number % 3],
        "countries": ["RU", "FR"] if number % 2 else ["fra", "RUS", "DE"],
        "host_country": "FR",
        "participants": [
            {"person": PEOPLE[number % 4], "role": "host"},
            {"person": PEOPLE[(number + 1) % 4]},
        ],
        "topics": [TOPICS[number % 5], TOPICS[(number + 2) % 5]],
        "citations": [EXCERPTS[number % 3]],
    }
    if number % 4 == 0:
        record["place"] = "fort-de-bregancon"
        record["duration"] = {"value": 3 + number, "unit": "hour", "qualifier": "more_than"}
        record["outcomes"] = {"joint_statement": number % 8 == 0}
    if number % 5 == 1:
        record["part_of"] = f"bulk-e-{number + 1:05d}"
    return record


def events_bundle(folder: Path, count: int, *, last: dict[str, Any] | None = None) -> Path:
    lines: list[dict[str, Any]] = [{"default_source": SOURCE_ID}]
    lines += [{"events": event(n)} for n in range(1, count + 1)]
    if last is not None:
        lines.append(last)
    path = folder / "50-events.ndjson"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return path


def test_a_large_load_then_the_same_again_changes_nothing(empty_engine: Engine, tmp_path: Path):
    bundle = events_bundle(tmp_path, 5000)

    first = seed(empty_engine, [FIRST_BUNDLE, bundle])
    loaded = dump(empty_engine, timestamps=False)
    second = seed(empty_engine, [FIRST_BUNDLE, bundle])

    assert first.tables["event"].inserted == 5000 + 6  # the seed article's six events
    assert second.total == 0
    assert dump(empty_engine, timestamps=False) == loaded
    assert len(loaded["event_document"]) == len(loaded["event"])
    with empty_engine.connect() as connection:
        hits, _ = SEARCH.page(connection, SearchQuery(q="Bulk test event 4999"), None, 5)
    assert hits[0].id == "bulk-e-04999"


def test_an_error_on_the_last_line_writes_nothing_and_names_the_line(
    empty_engine: Engine, tmp_path: Path
):
    bad = {"people": {"id": "x", "name": "X", "country": "ZZ", "citations": [EXCERPTS[0]]}}
    bundle = events_bundle(tmp_path, 3000, last=bad)
    before = dump(empty_engine)

    with pytest.raises(SeedFailed) as failure:
        seed(empty_engine, [FIRST_BUNDLE, bundle])

    assert [str(error) for error in failure.value.errors] == [
        f"{bundle}:3002 people[0].country: unknown country code 'ZZ' "
        "(ISO 3166-1 alpha-2 or alpha-3)"
    ]
    assert dump(empty_engine) == before


def test_default_source_applies_to_the_lines_after_it(empty_engine: Engine, tmp_path: Path):
    bundle = tmp_path / "late.ndjson"
    lines = [{"events": event(1)}, {"default_source": SOURCE_ID}, {"events": event(2)}]
    bundle.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")

    with pytest.raises(SeedFailed) as failure:
        seed(empty_engine, [FIRST_BUNDLE, bundle])

    (error,) = failure.value.errors
    assert (error.line, error.message) == (
        1,
        "no source: name one, or set `default_source` in the bundle",
    )


def test_a_foreign_key_violation_cannot_be_committed(empty_engine: Engine):
    """The loader checks every reference; were one missed, the database still refuses it."""
    link = metadata.tables["event_topic"]
    with pytest.raises(Exception, match=r"(?i)foreign key"), empty_engine.begin() as connection:
        connection.execute(insert(link).values(event_id="nope", topic_id="nope"))


def schema_drift(engine: Engine) -> list:
    """What Alembic's autogenerate would change to bring the database to the models."""
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={"include_name": include_name, "compare_type": True},
        )
        return compare_metadata(context, metadata)


def test_a_load_into_empty_tables_leaves_every_index_in_place(empty_engine: Engine, tmp_path: Path):
    """A load into empty tables builds their secondary indexes once at the end; whether it
    commits or fails, the database then holds exactly the indexes the models declare."""
    bad = {"people": {"id": "x", "name": "X", "country": "ZZ", "citations": [EXCERPTS[0]]}}
    with pytest.raises(SeedFailed):
        seed(empty_engine, [FIRST_BUNDLE, events_bundle(tmp_path, 50, last=bad)])
    assert schema_drift(empty_engine) == []

    seed(empty_engine, [FIRST_BUNDLE, events_bundle(tmp_path, 50)])

    assert schema_drift(empty_engine) == []
    with empty_engine.connect() as connection:
        names = set(connection.execute(text(INDEX_NAMES[connection.dialect.name])).scalars())
    assert "ix_event_country_country_start_first_event_id" in names
