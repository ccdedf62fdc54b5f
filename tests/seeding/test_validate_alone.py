"""`entente validate` as a curator runs it on a new bundle: alone, beside other bundles or
against the database, every error in one run, nothing written and no file created."""

import os
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from app import migrations
from app.cli import app
from app.db import make_engine
from app.seeding.loader import seed
from tests.seeding.dumps import dump

runner = CliRunner()

PEOPLE = """
    default_source: source-a
    sources:
      - id: source-a
        title: "Source A"
        text: "Ada Lovelace met Charles Babbage in London in 1833."
    people:
      - id: ada-lovelace
        name: "Ada Lovelace"
        country: GB
        citations: ["Ada Lovelace met Charles Babbage"]
"""

EVENT = """
    default_source: source-b
    sources:
      - id: source-b
        title: "Source B"
        text: "In June 1835 Lovelace visited Paris with her mother."
    events:
      - id: lovelace-in-paris
        kind: visit
        title: "Lovelace in Paris"
        start: "1835-06"
        countries: [FR]
        participants:
          - person: ada-lovelace
            role: guest
        citations: ["In June 1835 Lovelace visited Paris"]
"""

UNKNOWN_ADA = (
    "event.yaml:13 events[0].participants[0].person: unknown person 'ada-lovelace': define it "
    "under `people:` in this bundle or in another bundle given with it, or seed the bundle "
    "that defines it first"
)


def write(folder: Path, name: str, body: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(body).lstrip(), encoding="utf-8")
    return path


def errors_of(output: str) -> list[str]:
    """The error lines of a failed run, each from the bundle's file name on."""
    return [line.rpartition("/")[2] for line in output.splitlines() if ".yaml:" in line]


@pytest.fixture
def no_database(tmp_path: Path, use_database) -> Path:
    """Settings naming a SQLite database that does not exist; its folder, to check that
    nothing is created there."""
    folder = tmp_path / "data"
    use_database(f"sqlite:///{folder / 'entente.sqlite3'}")
    return folder


def test_a_reference_to_another_bundle_fails_alone_with_where_to_define_it(
    tmp_path: Path, no_database: Path
):
    event = write(tmp_path, "event.yaml", EVENT)

    result = runner.invoke(app, ["validate", str(event)])

    assert result.exit_code == 1
    assert errors_of(result.output) == [UNKNOWN_ADA]
    assert "1 error(s); nothing was written." in result.output
    assert not no_database.exists()


def test_a_reference_to_another_bundle_passes_when_both_are_given(
    tmp_path: Path, no_database: Path
):
    people = write(tmp_path, "people.yaml", PEOPLE)
    event = write(tmp_path, "event.yaml", EVENT)

    result = runner.invoke(app, ["validate", str(event), str(people)])

    assert result.exit_code == 0, result.output
    assert result.output.strip() == "valid: 4 record(s)"
    assert not no_database.exists()


def test_a_reference_to_a_seeded_bundle_passes_and_the_database_is_untouched(
    tmp_path: Path, empty_engine: Engine, use_database
):
    seed(empty_engine, [write(tmp_path, "people.yaml", PEOPLE)])
    before = dump(empty_engine)
    use_database(empty_engine)
    event = write(tmp_path, "event.yaml", EVENT)

    result = runner.invoke(app, ["validate", str(event)])

    assert result.exit_code == 0, result.output
    assert result.output.strip() == "valid: 2 record(s)"
    assert dump(empty_engine) == before


def test_validate_against_a_sqlite_database_leaves_no_file_behind(tmp_path: Path, use_database):
    """A database no one has open: read-only mode would leave a -wal and a -shm file."""
    url = f"sqlite:///{tmp_path / 'kb' / 'entente.sqlite3'}"
    migrations.upgrade(url)
    engine = make_engine(url)
    seed(engine, [write(tmp_path, "people.yaml", PEOPLE)])
    before = dump(engine)
    engine.dispose()
    files = sorted(os.listdir(tmp_path / "kb"))
    use_database(url)

    result = runner.invoke(app, ["validate", str(write(tmp_path, "event.yaml", EVENT))])

    assert result.exit_code == 0, result.output
    assert sorted(os.listdir(tmp_path / "kb")) == files == ["entente.sqlite3"]
    engine = make_engine(url)
    assert dump(engine) == before
    engine.dispose()


def test_a_bad_date_hides_none_of_the_records_other_errors(tmp_path: Path, no_database: Path):
    people = write(tmp_path, "people.yaml", PEOPLE)
    event = write(
        tmp_path,
        "event.yaml",
        EVENT.replace('"1835-06"', '"1835-02-30"')
        .replace("ada-lovelace", "ada-byron")
        .replace('["In June 1835 Lovelace visited', '["In June 1835 Lovelace went to'),
    )

    result = runner.invoke(app, ["validate", str(event), str(people)])

    assert result.exit_code == 1
    assert errors_of(result.output) == [
        "event.yaml:10 events[0].start: '1835-02-30' is not a real date: day is out of range "
        "for month",
        "event.yaml:13 events[0].participants[0].person: unknown person 'ada-byron': define it "
        "under `people:` in this bundle or in another bundle given with it, or seed the bundle "
        "that defines it first",
        "event.yaml:15 events[0].citations[0].excerpt: excerpt not found in source 'source-b': "
        '"In June 1835 Lovelace went to Paris"; hint: the closest passage is '
        '"In June 1835 Lovelace visited Paris"',
    ]


def test_every_error_of_every_file_in_one_run_by_file_and_line(tmp_path: Path, no_database: Path):
    # The person's country is wrong, not its id: the event that names it still finds it.
    people = write(tmp_path, "b-people.yaml", PEOPLE.replace("country: GB", "country: XX"))
    second_event = """
      - id: lovelace-back-home
        kind: homecoming
        title: "Back home"
        start: "1835"
        countries: [GB]
        citations: ["In June 1835 Lovelace visited Paris"]
    """
    event = write(
        tmp_path, "a-event.yaml", EVENT + textwrap.indent(textwrap.dedent(second_event), " " * 6)
    )

    result = runner.invoke(app, ["validate", str(people), str(event)])

    assert result.exit_code == 1
    assert [line.partition(": ")[0] for line in errors_of(result.output)] == [
        "a-event.yaml:18 events[1].kind",
        "b-people.yaml:9 people[0].country",
    ]
    assert "2 error(s); nothing was written." in result.output


def test_a_citation_whose_source_is_misspelt_is_not_looked_for_in_the_default_source(
    tmp_path: Path, no_database: Path
):
    event = write(
        tmp_path,
        "event.yaml",
        EVENT.replace(
            '["In June 1835 Lovelace visited Paris"]',
            '[{source: "Source B", excerpt: "not in any source"}]',
        ).replace("ada-lovelace", "ada"),
    )

    result = runner.invoke(app, ["validate", str(event)])

    assert [line.partition(": ")[0] for line in errors_of(result.output)] == [
        "event.yaml:13 events[0].participants[0].person",
        "event.yaml:15 events[0].citations[0].source",
    ]
