"""one read path: foreign keys checked at commit; the pair tables and page key indexes gone;
event documents keyed by their event

Revision ID: e9a5b7c1d005
Revises: d8f4a3b2c004
Create Date: 2026-12-05 12:00:00.000000

Every foreign key becomes DEFERRABLE INITIALLY DEFERRED, so that a load (or a bundle) may
name a record before the one that defines it: the database checks at the commit. SQLite
cannot alter a constraint: its tables are copied (batch mode). The dossier and the
timeline are computed from the records now, so `relation_item`, `relation_facet` and
SQLite's page key indexes go; `event_document` loses its integer key, its documents kept.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "e9a5b7c1d005"
down_revision: str | None = "d8f4a3b2c004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# table -> [(constraint, referred table, local columns, referred columns)]
FOREIGN_KEYS = {
    "person": [("fk_person_country_country", "country", ["country"], ["code"])],
    "place": [("fk_place_country_country", "country", ["country"], ["code"])],
    "citation": [("fk_citation_source_id_source", "source", ["source_id"], ["id"])],
    "figure": [
        ("fk_figure_partner_country", "country", ["partner"], ["code"]),
        ("fk_figure_country_country", "country", ["country"], ["code"]),
    ],
    "mechanism_status": [
        ("fk_mechanism_status_mechanism_id_mechanism", "mechanism", ["mechanism_id"], ["id"])
    ],
    "mechanism_country": [
        ("fk_mechanism_country_country_country", "country", ["country"], ["code"]),
        ("fk_mechanism_country_mechanism_id_mechanism", "mechanism", ["mechanism_id"], ["id"]),
    ],
    "assessment_country": [
        ("fk_assessment_country_country_country", "country", ["country"], ["code"]),
        ("fk_assessment_country_assessment_id_assessment", "assessment", ["assessment_id"], ["id"]),
    ],
    "assessment_organization": [
        (
            "fk_assessment_organization_assessment_id_assessment",
            "assessment",
            ["assessment_id"],
            ["id"],
        ),
        (
            "fk_assessment_organization_organization_id_organization",
            "organization",
            ["organization_id"],
            ["id"],
        ),
    ],
    "event": [
        ("fk_event_parent_id_event", "event", ["parent_id"], ["id"]),
        ("fk_event_place_id_place", "place", ["place_id"], ["id"]),
        ("fk_event_host_country_country", "country", ["host_country"], ["code"]),
    ],
    "figure_derivation": [
        ("fk_figure_derivation_from_figure_id_figure", "figure", ["from_figure_id"], ["id"]),
        ("fk_figure_derivation_figure_id_figure", "figure", ["figure_id"], ["id"]),
    ],
    "position": [
        ("fk_position_person_id_person", "person", ["person_id"], ["id"]),
        ("fk_position_country_country", "country", ["country"], ["code"]),
        ("fk_position_organization_id_organization", "organization", ["organization_id"], ["id"]),
    ],
    "event_country": [
        ("fk_event_country_country_country", "country", ["country"], ["code"]),
        ("fk_event_country_event_id_event", "event", ["event_id"], ["id"]),
    ],
    "event_organization": [
        (
            "fk_event_organization_organization_id_organization",
            "organization",
            ["organization_id"],
            ["id"],
        ),
        ("fk_event_organization_event_id_event", "event", ["event_id"], ["id"]),
    ],
    "event_participant": [
        ("fk_event_participant_event_id_event", "event", ["event_id"], ["id"]),
        ("fk_event_participant_person_id_person", "person", ["person_id"], ["id"]),
    ],
    "event_topic": [
        ("fk_event_topic_topic_id_topic", "topic", ["topic_id"], ["id"]),
        ("fk_event_topic_event_id_event", "event", ["event_id"], ["id"]),
    ],
    "statement": [
        ("fk_statement_speaker_id_person", "person", ["speaker_id"], ["id"]),
        ("fk_statement_event_id_event", "event", ["event_id"], ["id"]),
    ],
    "statement_topic": [
        ("fk_statement_topic_topic_id_topic", "topic", ["topic_id"], ["id"]),
        ("fk_statement_topic_statement_id_statement", "statement", ["statement_id"], ["id"]),
    ],
}


def _foreign_keys(deferred: bool) -> None:
    """Every foreign key made again, checked at the commit or at once."""
    options = {"deferrable": True, "initially": "DEFERRED"} if deferred else {}
    for table, keys in FOREIGN_KEYS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, referred, local, remote in keys:
                batch_op.drop_constraint(name, type_="foreignkey")
                batch_op.create_foreign_key(name, referred, local, remote, **options)


def _documents(keyed: bool) -> None:
    """`event_document` made again, with or without its integer key, its rows kept."""
    op.execute("CREATE TABLE event_document_copy AS SELECT event_id, body FROM event_document")
    op.drop_table("event_document")
    columns = [sa.Column("doc_id", sa.Integer(), autoincrement=True, nullable=False)]
    constraints = [
        sa.PrimaryKeyConstraint("doc_id", name=op.f("pk_event_document")),
        sa.UniqueConstraint("event_id", name=op.f("uq_event_document_event_id")),
    ]
    if not keyed:
        columns = []
        constraints = [sa.PrimaryKeyConstraint("event_id", name=op.f("pk_event_document"))]
    op.create_table(
        "event_document",
        *columns,
        sa.Column("event_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("body", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["event.id"],
            name=op.f("fk_event_document_event_id_event"),
            **({} if keyed else {"deferrable": True, "initially": "DEFERRED"}),
        ),
        *constraints,
    )
    op.execute(
        "INSERT INTO event_document (event_id, body) "
        "SELECT event_id, body FROM event_document_copy ORDER BY event_id"
    )
    op.drop_table("event_document_copy")


def upgrade() -> None:
    op.drop_table("relation_facet")
    op.drop_table("relation_item")  # its indexes, the page key index among them, go with it
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP INDEX IF EXISTS ix_page_key_event_country")
    _documents(keyed=False)
    _foreign_keys(deferred=True)


def downgrade() -> None:
    _foreign_keys(deferred=False)
    _documents(keyed=True)
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE INDEX ix_page_key_event_country ON event_country "
            "(country, (start_first || event_id), start_first, event_id)"
        )
    # The pair tables come back empty: the code of that revision rebuilds them on its next
    # load (an empty derived table is rebuilt).
    op.create_table(
        "relation_facet",
        sa.Column("a", sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
        sa.Column("b", sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
        sa.Column("facet", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("a", "b", "facet", "key", name=op.f("pk_relation_facet")),
    )
    op.create_table(
        "relation_item",
        sa.Column("item_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("type", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("resource_id", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("a", sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
        sa.Column("b", sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
        sa.Column("date_first", sa.Date(), nullable=False),
        sa.Column("date_last", sa.Date(), nullable=False),
        sa.Column("precision", sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
        sa.Column("span_last", sa.Date(), nullable=False),
        sa.Column("date_text", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("date_is_as_of", sa.Boolean(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("held", sa.Boolean(), nullable=False),
        sa.Column("engaged", sa.Boolean(), nullable=False),
        sa.Column("doc_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("item_id", name=op.f("pk_relation_item")),
    )
    with op.batch_alter_table("relation_item", schema=None) as batch_op:
        batch_op.create_index(
            op.f("ix_relation_item_a_b_date_first_type_id_span_last"),
            ["a", "b", "date_first", "type", "id", "span_last"],
            unique=False,
        )
        batch_op.create_index(
            op.f("ix_relation_item_a_b_type_date_first_id"),
            ["a", "b", "type", "date_first", "id"],
            unique=False,
        )
        batch_op.create_index(
            op.f("ix_relation_item_type_resource_id_id_a_b"),
            ["type", "resource_id", "id", "a", "b"],
            unique=True,
        )
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE INDEX ix_page_key_relation_item ON relation_item "
            "(a, b, type, (date_first || id), date_first, id, doc_id)"
        )
