"""Places where events happen."""

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import JSON, Column
from sqlmodel import Field as SQLField
from sqlmodel import SQLModel

from app import references
from app.claims.models import RANK, Rank
from app.countries.models import WIKIDATA_PATTERN
from app.sources.models import Citations
from app.values import CountryCode, Slug


class Place(SQLModel, table=True):
    id: str = SQLField(primary_key=True, max_length=200)
    name: str
    aliases: list[str] = SQLField(default_factory=list, sa_column=Column(JSON, nullable=False))
    country: str = SQLField(sa_column_args=references("country.code"), index=True)
    kind: str = SQLField(max_length=32)
    lat: float | None = None
    lon: float | None = None
    wikidata: str | None = SQLField(default=None, max_length=20)
    notes: str | None = None


class PlaceCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: Slug
    name: str = Field(min_length=1)
    aliases: list[str] = Field(default=[], description="Other names the source uses.")
    country: CountryCode
    kind: str = Field(min_length=1, max_length=32, examples=["city", "residence", "fortress"])
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    wikidata: str | None = Field(default=None, pattern=WIKIDATA_PATTERN)
    notes: str | None = None
    rank: Rank = RANK
    citations: Citations
