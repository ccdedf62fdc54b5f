"""Countries: ISO 3166-1 reference data, with Wikidata ids for those the knowledge base uses."""

from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Field as SQLField
from sqlmodel import SQLModel

from app.values import CountryCode

WIKIDATA_PATTERN = r"^Q[1-9][0-9]*$"


class Country(SQLModel, table=True):
    code: str = SQLField(primary_key=True, max_length=2)
    alpha3: str = SQLField(max_length=3, unique=True)
    name: str = SQLField(index=True)
    official_name: str | None = None
    wikidata: str | None = SQLField(default=None, max_length=20)


class CountryCreate(BaseModel):
    """What a bundle may add to a reference country: its Wikidata id."""

    model_config = ConfigDict(extra="forbid")

    code: CountryCode
    wikidata: str = Field(pattern=WIKIDATA_PATTERN)
