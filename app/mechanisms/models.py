"""Mechanisms: intergovernmental cooperation bodies and formats, and their status over time."""

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import JSON, Column, Index
from sqlmodel import Field as SQLField
from sqlmodel import SQLModel

from app import references
from app.claims.models import RANK, Rank
from app.sources.models import Citations
from app.values import CountryCode, PartialDate, Slug


class MechanismKind(StrEnum):
    COMMITTEE = "committee"
    COUNCIL = "council"
    COMMISSION = "commission"
    DIALOGUE = "dialogue"
    FORUM = "forum"


class MechanismStatus(StrEnum):
    ESTABLISHED = "established"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    RESUMED = "resumed"
    DISSOLVED = "dissolved"


class Mechanism(SQLModel, table=True):
    id: str = SQLField(primary_key=True, max_length=200)
    name: str
    aliases: list[str] = SQLField(default_factory=list, sa_column=Column(JSON, nullable=False))
    acronym: str | None = None
    kind: str = SQLField(max_length=20, index=True)
    notes: str | None = None


class MechanismCountry(SQLModel, table=True):
    __tablename__ = "mechanism_country"

    mechanism_id: str = SQLField(sa_column_args=references("mechanism.id"), primary_key=True)
    country: str = SQLField(sa_column_args=references("country.code"), primary_key=True)

    __table_args__ = (
        Index("ix_mechanism_country_country_mechanism_id", "country", "mechanism_id"),
    )


class MechanismStatusChange(SQLModel, table=True):
    """One entry of a mechanism's status history.

    `date` is when the change happened; when the source does not say, it is NULL and
    `as_of` holds the date by which the source reports the status (its publication date).
    """

    __tablename__ = "mechanism_status"

    id: str = SQLField(primary_key=True, max_length=200)
    mechanism_id: str = SQLField(sa_column_args=references("mechanism.id"))
    ordinal: int
    status: str = SQLField(max_length=16)
    date_first: dt.date | None = None
    date_last: dt.date | None = None
    date_precision: str | None = SQLField(default=None, max_length=5)
    date_text: str | None = None
    as_of_first: dt.date | None = None
    as_of_last: dt.date | None = None
    as_of_precision: str | None = SQLField(default=None, max_length=5)

    __table_args__ = (
        Index("ix_mechanism_status_mechanism_id_ordinal", "mechanism_id", "ordinal", unique=True),
    )


class StatusChangeCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: MechanismStatus
    date: PartialDate | None = None
    date_text: str | None = None
    as_of: PartialDate | None = Field(
        default=None,
        description="Date by which the source reports this status, when `date` is unknown.",
    )
    citations: Citations

    @model_validator(mode="after")
    def _dated(self) -> "StatusChangeCreate":
        if self.date is None and self.as_of is None:
            raise ValueError("give `date`, or `as_of` when the source does not date the change")
        return self


class MechanismCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: Slug
    name: str = Field(min_length=1)
    aliases: list[str] = Field(default=[], description="Other names the source uses.")
    acronym: str | None = None
    kind: MechanismKind
    countries: list[CountryCode] = Field(min_length=1)
    notes: str | None = None
    status_history: list[StatusChangeCreate] = Field(
        min_length=1, description="Oldest first; the last entry is the current status."
    )
    rank: Rank = RANK
    citations: Citations

    @model_validator(mode="after")
    def _distinct_countries(self) -> "MechanismCreate":
        if len(set(self.countries)) != len(self.countries):
            raise ValueError("a country is listed twice in `countries`")
        return self
