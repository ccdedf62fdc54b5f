"""Organizations: unions, forums, alliances and other groupings of countries."""

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import JSON, Column
from sqlmodel import Field as SQLField
from sqlmodel import SQLModel

from app.claims.models import RANK, Rank
from app.countries.models import WIKIDATA_PATTERN
from app.sources.models import Citations
from app.values import Slug


class Organization(SQLModel, table=True):
    id: str = SQLField(primary_key=True, max_length=200)
    name: str
    aliases: list[str] = SQLField(default_factory=list, sa_column=Column(JSON, nullable=False))
    acronym: str | None = None
    kind: str = SQLField(max_length=32)
    wikidata: str | None = SQLField(default=None, max_length=20)


class OrganizationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: Slug
    name: str = Field(min_length=1)
    aliases: list[str] = Field(default=[], description="Other names the source uses.")
    acronym: str | None = None
    kind: str = Field(min_length=1, max_length=32, examples=["union", "forum", "alliance"])
    wikidata: str | None = Field(default=None, pattern=WIKIDATA_PATTERN)
    rank: Rank = RANK
    citations: Citations
