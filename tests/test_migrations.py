"""The migrations build exactly the schema the models declare, and undo it."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from app import migrations
from app.db import make_engine
from app.models import metadata


# SQLite cannot reflect an index on an expression: its page key indexes, which Alembic then
# leaves alone (`app.migrations.include_name`), are read by the plan tests of test_sqlite.py.
@pytest.mark.filterwarnings(
    "ignore:Skipped unsupported reflection of expression-based index ix_page_key_"
)
def test_upgrade_head_on_an_empty_database_leaves_nothing_to_autogenerate(fresh_url):
    url = fresh_url()
    migrations.upgrade(url)
    engine = make_engine(url)
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "compare_server_default": True,
                "include_name": migrations.include_name,
            },
        )
        assert compare_metadata(context, metadata) == []
    assert migrations.is_at_head(engine)
    engine.dispose()


def test_downgrade_base_then_upgrade_head_round_trips(fresh_url):
    url = fresh_url()
    migrations.upgrade(url)
    engine = make_engine(url)
    tables_at_head = set(inspect(engine).get_table_names())
    assert set(metadata.tables) <= tables_at_head

    migrations.downgrade(url, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    assert migrations.current_revision(engine) is None

    migrations.upgrade(url)
    assert set(inspect(engine).get_table_names()) == tables_at_head
    assert migrations.is_at_head(engine)
    engine.dispose()


def test_constraints_follow_the_naming_convention(fresh_url):
    url = fresh_url()
    migrations.upgrade(url)
    inspector = inspect(make_engine(url))
    foreign_keys = inspector.get_foreign_keys("event_participant")
    assert {fk["name"] for fk in foreign_keys} == {
        "fk_event_participant_event_id_event",
        "fk_event_participant_person_id_person",
    }
    assert inspector.get_pk_constraint("event")["name"] == "pk_event"
