"""Topics: crises and other subjects that leaders discuss."""

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import JSON, Column, Index
from sqlmodel import Field as SQLField
from sqlmodel import SQLModel

from app import references
from app.claims.models import RANK, Rank
from app.countries.models import WIKIDATA_PATTERN
from app.sources.models import Citations
from app.values import CountryCode, Slug


class TopicCategory(StrEnum):
    CRISIS = "crisis"
    SECURITY = "security"
    ECONOMY = "economy"
    GLOBAL_ISSUE = "global_issue"
    DIPLOMACY = "diplomacy"
    AGREEMENT = "agreement"


class Topic(SQLModel, table=True):
    id: str = SQLField(primary_key=True, max_length=200)
    name: str
    aliases: list[str] = SQLField(default_factory=list, sa_column=Column(JSON, nullable=False))
    category: str = SQLField(max_length=20, index=True)
    description: str | None = None
    wikidata: str | None = SQLField(default=None, max_length=20)


class TopicCountry(SQLModel, table=True):
    """A country a topic concerns (the crisis in Syria: SY)."""

    __tablename__ = "topic_country"

    topic_id: str = SQLField(sa_column_args=references("topic.id"), primary_key=True)
    country: str = SQLField(sa_column_args=references("country.code"), primary_key=True)

    __table_args__ = (Index("ix_topic_country_country_topic_id", "country", "topic_id"),)


class TopicCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: Slug
    name: str = Field(min_length=1)
    aliases: list[str] = Field(default=[], description="Other names the source uses.")
    category: TopicCategory
    description: str | None = None
    wikidata: str | None = Field(default=None, pattern=WIKIDATA_PATTERN)
    countries: list[CountryCode] = Field(default=[], description="The countries it concerns.")
    rank: Rank = RANK
    citations: Citations
