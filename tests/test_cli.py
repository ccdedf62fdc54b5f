"""The `entente` command as a user runs it."""

from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError
from typer.testing import CliRunner

from app.cli import app
from tests.conftest import SEED_BUNDLES

runner = CliRunner()


def test_migrate_seed_and_validate_a_fresh_database(fresh_url, use_database):
    use_database(fresh_url())

    refused = runner.invoke(app, ["seed"])
    assert refused.exit_code == 2
    assert "run `entente migrate`" in refused.output

    assert runner.invoke(app, ["migrate"]).exit_code == 0
    first = runner.invoke(app, ["seed"])
    assert first.exit_code == 0, first.output
    # The three sources' nine events (the Bregancon talks, which all three cite, once).
    assert "event: 9 inserted, 0 updated, 0 deleted" in first.output
    again = runner.invoke(app, ["seed", str(SEED_BUNDLES)])
    assert again.exit_code == 0
    assert again.output.strip() == "seeded: 0 row(s) changed"

    # The Normandy article's two events go; the talks it shares with the others stay.
    unloaded = runner.invoke(app, ["unload", "normandy-summit-paris-2019"])
    assert unloaded.exit_code == 0, unloaded.output
    assert "event: 0 inserted, 1 updated, 2 deleted" in unloaded.output
    assert "source: 0 inserted, 0 updated, 1 deleted" in unloaded.output
    gone = runner.invoke(app, ["unload", "normandy-summit-paris-2019"])
    assert gone.exit_code == 1
    assert "unknown source 'normandy-summit-paris-2019'" in gone.output

    valid = runner.invoke(app, ["validate"])
    assert valid.exit_code == 0
    assert valid.output.startswith("valid: ")


def test_seed_timings_name_every_phase_of_the_load(fresh_url, use_database):
    use_database(fresh_url())
    assert runner.invoke(app, ["migrate"]).exit_code == 0

    timed = runner.invoke(app, ["seed", "--timings"])

    assert timed.exit_code == 0, timed.output
    phases = [
        line.removeprefix("took ").rpartition(": ")[0]
        for line in timed.output.splitlines()
        if line.startswith("took ")
    ]
    assert phases == [
        "records read, checked and written",
        "event documents",
        "search index",
        "committed",
    ]
    seconds = [
        line.rpartition(": ")[2] for line in timed.output.splitlines() if line.startswith("took ")
    ]
    assert all(s.endswith(" s") and float(s.removesuffix(" s")) >= 0 for s in seconds)
    assert any(line.startswith("seeded: ") for line in timed.output.splitlines())


def test_validate_exits_non_zero_and_lists_every_error(
    tmp_path: Path, use_database, empty_engine: Engine
):
    use_database(empty_engine)
    bad = tmp_path / "bad.yaml"
    bad.write_text("people:\n  - id: Not A Slug\n    name: x\n", encoding="utf-8")

    result = runner.invoke(app, ["validate", str(bad)])

    assert result.exit_code == 1
    assert "bad.yaml:2 people[0].id: String should match pattern" in result.output
    assert "bad.yaml:2 people[0].citations: Field required" in result.output
    assert "2 error(s); nothing was written." in result.output
    with empty_engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM person")).scalar() == 0


def test_foreign_keys_are_enforced(empty_engine: Engine):
    with pytest.raises(IntegrityError), empty_engine.begin() as connection:
        connection.execute(text("INSERT INTO person (id, name, country) VALUES ('x', 'X', 'ZZ')"))
