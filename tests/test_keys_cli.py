"""`entente keys`: a key is printed once, only its hash is stored, and a revoked key stops
working."""

import hashlib
from collections.abc import Callable

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, inspect, select, text
from typer.testing import CliRunner

from app.auth.models import ApiKey
from app.auth.service import KEY_PATTERN
from app.cli import app

runner = CliRunner()
TABLE = ApiKey.__table__  # type: ignore[attr-defined]


def dump(engine: Engine) -> str:
    """Every row of every table, as text."""
    with engine.connect() as connection:
        return "\n".join(
            repr(row)
            for table in inspect(engine).get_table_names()
            for row in connection.execute(text(f'SELECT * FROM "{table}"'))
        )


def create(name: str, role: str) -> str:
    result = runner.invoke(app, ["keys", "create", "--name", name, "--role", role])
    assert result.exit_code == 0, result.output
    return result.stdout.strip()


def test_a_key_is_printed_once_and_only_its_hash_is_stored(use_database, empty_engine: Engine):
    use_database(empty_engine)

    result = runner.invoke(app, ["keys", "create", "--name", "alice", "--role", "reviewer"])

    assert result.exit_code == 0, result.output
    key = result.stdout.strip()
    assert KEY_PATTERN.fullmatch(key), key
    assert "key 'alice' (reviewer) created; it will not be shown again" in result.stderr
    stored = dump(empty_engine)
    assert key not in stored
    assert key.removeprefix("ent_") not in stored
    assert hashlib.sha256(key.encode()).hexdigest() in stored
    assert create("bob", "reviewer") != key  # every key is new


def test_list_shows_names_roles_and_dates_never_keys(use_database, empty_engine: Engine):
    use_database(empty_engine)
    alice = create("alice", "admin")
    bob = create("bob", "contributor")
    assert runner.invoke(app, ["keys", "revoke", "bob"]).exit_code == 0

    listed = runner.invoke(app, ["keys", "list"])

    assert listed.exit_code == 0, listed.output
    lines = [line.split() for line in listed.stdout.splitlines()]
    assert lines[0] == ["name", "role", "created", "revoked"]
    assert [line[:2] for line in lines[1:]] == [["alice", "admin"], ["bob", "contributor"]]
    assert lines[1][4:] == ["-"]  # alice: not revoked
    assert len(lines[2]) == 6  # bob: created and revoked, each a date and a time
    for secret in (alice, bob, hashlib.sha256(alice.encode()).hexdigest()):
        assert secret not in listed.output


def test_a_created_key_works_until_it_is_revoked(
    use_database, empty_engine: Engine, app_for: Callable[[Engine], FastAPI]
):
    use_database(empty_engine)
    key = create("carol", "contributor")

    with TestClient(app_for(empty_engine)) as client:
        me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {key}"})
        assert me.status_code == 200, me.text
        assert me.json() == {"name": "carol", "role": "contributor"}

        revoked = runner.invoke(app, ["keys", "revoke", "carol"])
        assert revoked.exit_code == 0, revoked.output
        assert revoked.stdout.startswith("key 'carol' revoked at ")

        after = client.get("/api/v1/me", headers={"Authorization": f"Bearer {key}"})
        assert after.status_code == 401
        assert after.json()["detail"] == "the API key 'carol' has been revoked"


def test_refusals_exit_non_zero_and_write_nothing(use_database, empty_engine: Engine):
    use_database(empty_engine)
    create("alice", "admin")
    before = dump(empty_engine)

    taken = runner.invoke(app, ["keys", "create", "--name", "alice", "--role", "reviewer"])
    assert taken.exit_code == 1
    assert "a key named 'alice' already exists" in taken.stderr

    bad_name = runner.invoke(app, ["keys", "create", "--name", "al ice", "--role", "admin"])
    assert bad_name.exit_code == 1
    assert "invalid key name 'al ice'" in bad_name.stderr

    bad_role = runner.invoke(app, ["keys", "create", "--name", "bob", "--role", "boss"])
    assert bad_role.exit_code == 2
    assert "Invalid value for '--role'" in bad_role.output
    assert "'boss' is not one of" in bad_role.output

    unknown = runner.invoke(app, ["keys", "revoke", "nobody"])
    assert unknown.exit_code == 1
    assert "no key named 'nobody'" in unknown.stderr

    assert dump(empty_engine) == before
    with empty_engine.connect() as connection:
        assert connection.execute(select(TABLE.c.role)).scalars().all() == ["admin"]


def test_revoking_twice_keeps_the_first_revocation(use_database, empty_engine: Engine):
    use_database(empty_engine)
    create("alice", "admin")
    first = runner.invoke(app, ["keys", "revoke", "alice"])
    second = runner.invoke(app, ["keys", "revoke", "alice"])

    assert first.exit_code == second.exit_code == 0
    assert first.stdout == second.stdout


def test_keys_need_a_migrated_database(use_database, fresh_url):
    use_database(fresh_url())

    result = runner.invoke(app, ["keys", "create", "--name", "alice", "--role", "admin"])

    assert result.exit_code == 2
    assert "run `entente migrate`" in result.output
    assert "ent_" not in result.output
