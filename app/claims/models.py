"""Claims: what one source states about one entity, kept beside every other source's.

A bundle's record is its source's claim about the entity of that id (its `default_source`
claims it). The entity's rows (`event`, `mechanism`, ...) are the claims merged
(`app.claims.merge`); the claims themselves are kept whole, so that loading or unloading one
source changes only its own claims, and the API can show every source's value of a fact.
"""

from enum import StrEnum
from typing import Any

from pydantic import Field
from sqlalchemy import JSON, Column, Index
from sqlmodel import Field as SQLField
from sqlmodel import SQLModel

from app import references


class Rank(StrEnum):
    """How much a claim is to be believed beside others of the same fact (as Wikidata ranks
    statements): a `preferred` claim wins over `normal` ones, a `deprecated` one only when
    it is the only one."""

    PREFERRED = "preferred"
    NORMAL = "normal"
    DEPRECATED = "deprecated"


class Claim(SQLModel, table=True):
    """One source's record of one entity, as its bundle gave it (citations with their
    source named)."""

    kind: str = SQLField(primary_key=True, max_length=20)
    entity_id: str = SQLField(primary_key=True, max_length=200)
    source_id: str = SQLField(sa_column_args=references("source.id"), primary_key=True)
    rank: str = SQLField(default=Rank.NORMAL.value, max_length=10)
    bundle: str = SQLField(
        max_length=200, description="The claiming bundle: its file name without the suffix."
    )
    record: dict[str, Any] = SQLField(sa_column=Column(JSON, nullable=False))

    __table_args__ = (Index("ix_claim_source_id_bundle", "source_id", "bundle"),)


class ClaimDispute(SQLModel, table=True):
    """A fact of an entity whose sources give different values."""

    __tablename__ = "claim_dispute"

    kind: str = SQLField(primary_key=True, max_length=20)
    entity_id: str = SQLField(primary_key=True, max_length=200)
    field: str = SQLField(primary_key=True, max_length=40)


RANK = Field(
    default=Rank.NORMAL,
    description="How much this source's claim is believed beside other sources' claims of the "
    "same facts: `preferred` wins over `normal`, `deprecated` only counts alone.",
)
