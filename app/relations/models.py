"""Tables derived from the records for the relations of pairs, kept in step by every load.

Finding a pair's events from `event_country` means grouping every event of both countries,
which grows with the knowledge base (seconds at a million events). These tables hold each
pair's items and counts already keyed by the pair, so that the dossier reads a few
precomputed rows and the timeline walks one index (`app/relations/derived.py` writes them).
A pair is stored once, as its two alpha-2 codes in alphabetical order (`a` < `b`).
"""

import datetime as dt
from enum import StrEnum

from sqlalchemy import Column, Index, Integer, Text
from sqlmodel import Field, SQLModel


class RelationItem(SQLModel, table=True):
    """One dated item about a pair (the rows of its timeline): an event involving both, a
    status change of a mechanism of both, a figure of the pair, a statement made at an event
    of both, an assessment of both. An item about several countries has a row per pair."""

    __tablename__ = "relation_item"

    # A surrogate key: a rebuild appends the rows in timeline order and builds the indexes
    # after (app/relations/derived.py); a key over the record would be one more b-tree
    # filled at random places.
    item_id: int | None = Field(
        default=None, sa_column=Column(Integer, primary_key=True, autoincrement=True)
    )
    type: str = Field(max_length=20)
    # The record the item comes from: the mechanism of a status change, else the item.
    resource_id: str = Field(max_length=200)
    id: str = Field(max_length=200)
    a: str = Field(max_length=2)
    b: str = Field(max_length=2)
    date_first: dt.date
    date_last: dt.date
    precision: str = Field(max_length=5)
    # Where the item ends (an event's end, an assessment's period end): range filters.
    span_last: dt.date
    date_text: str | None = None
    date_is_as_of: bool = False
    title: str = Field(sa_column=Column(Text, nullable=False))
    # Events only: their kind, whether held, and whether an engagement (held, top-level).
    kind: str | None = Field(default=None, max_length=32)
    held: bool = False
    engaged: bool = False
    # Events only: the key of the event's document (`event_document.doc_id`), which a page of
    # the pair's events joins by (on SQLite, from the page key index alone).
    doc_id: int | None = None

    __table_args__ = (
        # A load deletes the rows of the records it changed through this one.
        Index(
            "ix_relation_item_type_resource_id_id_a_b",
            "type",
            "resource_id",
            "id",
            "a",
            "b",
            unique=True,
        ),
        # The timeline in date order (its keyset), and one type of item in date order (the
        # dossier's latest engagements and statements, a timeline filtered by type).
        # `span_last` last: a `date_from` filter skips the items ending before it in the
        # index, without reading their rows.
        Index(
            "ix_relation_item_a_b_date_first_type_id_span_last",
            "a",
            "b",
            "date_first",
            "type",
            "id",
            "span_last",
        ),
        Index("ix_relation_item_a_b_type_date_first_id", "a", "b", "type", "date_first", "id"),
    )


class Facet(StrEnum):
    """The counts `relation_facet` holds, each keyed as said."""

    YEAR = "year"  # engagements (events of both, held, top-level) by year of start
    KIND = "kind"  # engagements by kind
    ENGAGEMENT = "engagement"  # every engagement (key ''): the most recent are its evidence
    TOPIC = "topic"  # events and statements on a topic (key: topic id); no evidence
    TOPIC_EVENT = "topic_event"  # held events of both (parts included) on a topic
    TOPIC_STATEMENT = "topic_statement"  # statements made at events of both on a topic
    STATEMENT = "statement"  # every statement made at an event of both (key '')
    CLAIM = "claim"  # meetings recorded in a leader_meetings figure's period (key: its id)


class RelationFacet(SQLModel, table=True):
    """A count about a pair with its evidence: engagements of a year or of a kind, events or
    statements on a topic, the meetings recorded in a claimed count's period, the statements
    of the pair. `evidence` holds the ids of the latest counted items (at most
    `app.relations.derived.EVIDENCE`), oldest first, separated by spaces: ids are slugs."""

    __tablename__ = "relation_facet"

    a: str = Field(primary_key=True, max_length=2)
    b: str = Field(primary_key=True, max_length=2)
    facet: str = Field(primary_key=True, max_length=20)
    key: str = Field(primary_key=True, max_length=200)
    count: int
    evidence: str = Field(sa_column=Column(Text, nullable=False))
