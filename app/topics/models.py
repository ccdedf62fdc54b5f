"""Topics: crises and other subjects that leaders discuss."""

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Field as SQLField
from sqlmodel import SQLModel

from app.countries.models import WIKIDATA_PATTERN
from app.sources.models import Citations
from app.values import Slug


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
    category: str = SQLField(max_length=20, index=True)
    description: str | None = None
    wikidata: str | None = SQLField(default=None, max_length=20)


class TopicCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: Slug
    name: str = Field(min_length=1)
    category: TopicCategory
    description: str | None = None
    wikidata: str | None = Field(default=None, pattern=WIKIDATA_PATTERN)
    citations: Citations
