"""Countries: the query parameters and response shapes of the API."""

from enum import StrEnum

from pydantic import BaseModel, Field

from app.pagination import ListQuery
from app.patterns import TEXT
from app.schemas import Named


class CountrySort(StrEnum):
    NAME = "name"
    CODE = "code"


class CountryQuery(ListQuery):
    q: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        pattern=TEXT,
        description="The beginning of the country's name (case-insensitive): `rus` finds the "
        "Russian Federation.",
    )
    in_kb: bool | None = Field(
        default=None,
        description="`true`: only countries that some fact of the knowledge base refers to "
        "(an event, a mechanism, a figure, an assessment, a person, a place, a position); "
        "`false`: only the others.",
    )
    sort: CountrySort = Field(
        default=CountrySort.NAME, description="By name (default) or by alpha-2 code."
    )


class CountryPublic(BaseModel):
    """An ISO 3166-1 country (reference data: no citation)."""

    code: str = Field(description="ISO 3166-1 alpha-2.", examples=["FR"])
    alpha3: str = Field(description="ISO 3166-1 alpha-3.", examples=["FRA"])
    name: str = Field(examples=["France"], description="The country's common English name.")
    official_name: str | None = Field(
        examples=["French Republic"], description="The country's official name, when it differs."
    )
    wikidata: str | None = Field(examples=["Q142"], description="The Wikidata item id, when known.")


class CountryCounts(BaseModel):
    """How many facts of each kind involve the country."""

    events: int = Field(description="Events the country is involved in.", examples=[7])
    mechanisms: int = Field(description="Cooperation mechanisms it is part of.", examples=[2])
    figures: int = Field(description="Figures naming it as country or partner.", examples=[5])
    assessments: int = Field(description="Assessments of its relations.", examples=[7])


class CountryDetail(CountryPublic):
    """A country, whether the knowledge base refers to it, and what it holds about it."""

    in_kb: bool = Field(description="Whether some fact of the knowledge base refers to it.")
    counts: CountryCounts = Field(description="How many records of each kind involve the country.")
    people: list[Named] = Field(description="People of this country, by name.")
    places: list[Named] = Field(description="Places in this country, by name.")
