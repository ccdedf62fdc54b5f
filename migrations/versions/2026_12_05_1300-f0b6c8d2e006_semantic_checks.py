"""semantic checks: quoted phrases of paraphrases, topics' countries, assessments' topics and
optional stance, figures' precision and spans

Revision ID: f0b6c8d2e006
Revises: e9a5b7c1d005
Create Date: 2026-12-05 13:00:00.000000

A paraphrase lists the words its source quotes (`statement.quoted_phrases`); a topic names
the countries it concerns (`topic_country`); an assessment names its topics
(`assessment_topic`) and may judge something other than the climate (`stance` NULL); a
figure keeps the precision its words give (`significant_figures`, `value_low`,
`value_high`) and may cover a span (`period_end_*`). The metric `planned_cultural_events`
is `planned_cultural_activities`, as the source says.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "f0b6c8d2e006"
down_revision: str | None = "e9a5b7c1d005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DEFERRED = {"deferrable": True, "initially": "DEFERRED"}
RENAMED_METRIC = ("planned_cultural_events", "planned_cultural_activities")


def _link_table(name: str, owner: str, other_column: str, target: str) -> None:
    """A table of `(owner_id, other_column)` pairs, keyed by both, indexed the other way."""
    owner_column = f"{owner}_id"
    referred = target.split(".")[0]
    op.create_table(
        name,
        sa.Column(owner_column, sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column(other_column, sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(
            [owner_column],
            [f"{owner}.id"],
            name=op.f(f"fk_{name}_{owner_column}_{owner}"),
            **DEFERRED,
        ),
        sa.ForeignKeyConstraint(
            [other_column],
            [target],
            name=op.f(f"fk_{name}_{other_column}_{referred}"),
            **DEFERRED,
        ),
        sa.PrimaryKeyConstraint(owner_column, other_column, name=op.f(f"pk_{name}")),
    )
    with op.batch_alter_table(name, schema=None) as batch_op:
        batch_op.create_index(
            f"ix_{name}_{other_column}_{owner_column}", [other_column, owner_column], unique=False
        )


def upgrade() -> None:
    _link_table("topic_country", "topic", "country", "country.code")
    _link_table("assessment_topic", "assessment", "topic_id", "topic.id")
    with op.batch_alter_table("statement", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("quoted_phrases", sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )
    with op.batch_alter_table("statement", schema=None) as batch_op:
        batch_op.alter_column("quoted_phrases", server_default=None)
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.alter_column(
            "stance", existing_type=sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True
        )
    with op.batch_alter_table("figure", schema=None) as batch_op:
        batch_op.add_column(sa.Column("period_end_first", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("period_end_last", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "period_end_precision", sqlmodel.sql.sqltypes.AutoString(length=5), nullable=True
            )
        )
        batch_op.add_column(sa.Column("significant_figures", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("value_low", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("value_high", sa.Float(), nullable=True))
    _rename_metric(*RENAMED_METRIC)


def downgrade() -> None:
    _rename_metric(*reversed(RENAMED_METRIC))
    with op.batch_alter_table("figure", schema=None) as batch_op:
        for column in (
            "value_high",
            "value_low",
            "significant_figures",
            "period_end_precision",
            "period_end_last",
            "period_end_first",
        ):
            batch_op.drop_column(column)
    # An assessment without a stance has no place in the older schema: it goes, with its rows.
    unjudged = "(SELECT id FROM assessment WHERE stance IS NULL)"
    op.execute(f"DELETE FROM assessment_country WHERE assessment_id IN {unjudged}")
    op.execute(f"DELETE FROM assessment_organization WHERE assessment_id IN {unjudged}")
    op.execute(
        f"DELETE FROM citation WHERE subject_type = 'assessment' AND subject_id IN {unjudged}"
    )
    op.execute("DELETE FROM assessment_topic")
    op.execute("DELETE FROM assessment WHERE stance IS NULL")
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.alter_column(
            "stance", existing_type=sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False
        )
    with op.batch_alter_table("statement", schema=None) as batch_op:
        batch_op.drop_column("quoted_phrases")
    for name, index in (
        ("assessment_topic", "ix_assessment_topic_topic_id_assessment_id"),
        ("topic_country", "ix_topic_country_country_topic_id"),
    ):
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.drop_index(index)
        op.drop_table(name)


def _rename_metric(old: str, new: str) -> None:
    op.execute(
        sa.text("UPDATE figure SET metric = :new WHERE metric = :old").bindparams(old=old, new=new)
    )
