"""Assessments: judgements of the climate of a relationship, and who holds them."""

import datetime as dt
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import Column, Index, Text
from sqlmodel import Field as SQLField
from sqlmodel import SQLModel

from app import references
from app.claims.models import RANK, Rank
from app.sources.models import Citations
from app.values import CountryCode, PartialDate, Ref, Slug


class Stance(StrEnum):
    HOSTILE = "hostile"
    COLD = "cold"
    COOLING = "cooling"
    STABLE = "stable"
    WARMING = "warming"
    WARM = "warm"


class Assessment(SQLModel, table=True):
    id: str = SQLField(primary_key=True, max_length=200)
    period_first: dt.date
    period_last: dt.date
    period_precision: str = SQLField(max_length=5)
    period_text: str | None = None
    period_end_first: dt.date | None = None
    period_end_last: dt.date | None = None
    period_end_precision: str | None = SQLField(default=None, max_length=5)
    # None: a judgement that is not of the relationship's climate (an observer's view of
    # what the relationship does for a leader, a claim about how often leaders talk).
    stance: str | None = SQLField(default=None, max_length=16, index=True)
    holder: str
    counterpart: str | None = None
    text: str = SQLField(sa_column=Column(Text, nullable=False))

    __table_args__ = (Index("ix_assessment_period_first_id", "period_first", "id"),)


class AssessmentCountry(SQLModel, table=True):
    __tablename__ = "assessment_country"

    assessment_id: str = SQLField(sa_column_args=references("assessment.id"), primary_key=True)
    country: str = SQLField(sa_column_args=references("country.code"), primary_key=True)

    __table_args__ = (
        Index("ix_assessment_country_country_assessment_id", "country", "assessment_id"),
    )


class AssessmentTopic(SQLModel, table=True):
    __tablename__ = "assessment_topic"

    assessment_id: str = SQLField(sa_column_args=references("assessment.id"), primary_key=True)
    topic_id: str = SQLField(sa_column_args=references("topic.id"), primary_key=True)

    __table_args__ = (
        Index("ix_assessment_topic_topic_id_assessment_id", "topic_id", "assessment_id"),
    )


class AssessmentOrganization(SQLModel, table=True):
    __tablename__ = "assessment_organization"

    assessment_id: str = SQLField(sa_column_args=references("assessment.id"), primary_key=True)
    organization_id: str = SQLField(sa_column_args=references("organization.id"), primary_key=True)


class AssessmentCreate(BaseModel):
    """A judgement of the relationship between two parties.

    The parties are two countries, or a country and an organization (Russia and the EU), or
    a country and a grouping no table holds, named in `counterpart` ("the West").
    """

    model_config = ConfigDict(extra="forbid")

    id: Slug
    countries: list[CountryCode] = Field(min_length=1, max_length=2)
    organizations: Annotated[list[Slug], Ref("organization")] = Field(default=[], max_length=1)
    counterpart: str | None = None
    period: PartialDate
    period_text: str | None = None
    period_end: PartialDate | None = None
    stance: Stance | None = Field(
        default=None,
        description="The climate judged; none when the judgement is not of the climate.",
    )
    topics: Annotated[list[Slug], Ref("topic")] = []
    holder: str = Field(min_length=1, examples=["author", "observers"])
    text: str = Field(min_length=1)
    rank: Rank = RANK
    citations: Citations

    @model_validator(mode="after")
    def _a_pair(self) -> "AssessmentCreate":
        parties = len(set(self.countries)) + len(self.organizations) + bool(self.counterpart)
        if parties != 2 or len(set(self.countries)) != len(self.countries):
            raise ValueError(
                "an assessment is of exactly two parties: countries, an organization, "
                "or a `counterpart`"
            )
        if self.period_end is not None and self.period_end.last < self.period.first:
            raise ValueError("`period_end` is before `period`")
        return self
