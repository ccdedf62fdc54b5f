"""People and the positions they held."""

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import JSON, Column
from sqlmodel import Field as SQLField
from sqlmodel import SQLModel

from app import references
from app.claims.models import RANK, Rank
from app.countries.models import WIKIDATA_PATTERN
from app.sources.models import Citations
from app.values import CountryCode, PartialDate, Ref, Slug


class Person(SQLModel, table=True):
    id: str = SQLField(primary_key=True, max_length=200)
    name: str = SQLField(index=True)
    aliases: list[str] = SQLField(default_factory=list, sa_column=Column(JSON, nullable=False))
    country: str | None = SQLField(
        default=None, sa_column_args=references("country.code"), index=True
    )
    wikidata: str | None = SQLField(default=None, max_length=20)


class Position(SQLModel, table=True):
    """An office a person held. Unknown start or end stays NULL: the source did not say."""

    id: str = SQLField(primary_key=True, max_length=200)
    person_id: str = SQLField(sa_column_args=references("person.id"), index=True)
    ordinal: int
    title: str
    country: str | None = SQLField(
        default=None, sa_column_args=references("country.code"), index=True
    )
    organization_id: str | None = SQLField(
        default=None, sa_column_args=references("organization.id")
    )
    start_first: dt.date | None = None
    start_last: dt.date | None = None
    start_precision: str | None = SQLField(default=None, max_length=5)
    end_first: dt.date | None = None
    end_last: dt.date | None = None
    end_precision: str | None = SQLField(default=None, max_length=5)
    held_on_first: dt.date | None = None
    held_on_last: dt.date | None = None
    held_on_precision: str | None = SQLField(default=None, max_length=5)


class PositionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, examples=["President"])
    country: CountryCode | None = None
    organization: Annotated[Slug | None, Ref("organization")] = None
    start: PartialDate | None = None
    end: PartialDate | None = None
    held_on: PartialDate | None = Field(
        default=None,
        description="A date on which the source shows the position held, when start and end "
        "are unknown.",
    )
    citations: Citations


class PersonCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: Slug
    name: str = Field(min_length=1)
    aliases: list[str] = Field(default=[], description="Other names the source uses.")
    country: CountryCode | None = None
    wikidata: str | None = Field(default=None, pattern=WIKIDATA_PATTERN)
    positions: list[PositionCreate] = []
    rank: Rank = RANK
    citations: Citations
