"""Places: the query parameters and response shapes of the API."""

from enum import StrEnum

from pydantic import BaseModel, Field

from app.claims.schemas import WithClaims
from app.pagination import ListQuery
from app.patterns import TEXT
from app.schemas import CitationPublic, EventRef
from app.values import CountryCode


class PlaceSort(StrEnum):
    NAME = "name"


class PlaceQuery(ListQuery):
    country: CountryCode | None = Field(default=None, description="The country it is in.")
    kind: str | None = Field(
        default=None,
        min_length=1,
        max_length=32,
        pattern=TEXT,
        description="The kind of place (`city`, `residence`, `fortress`, ...).",
        examples=["city"],
    )
    sort: PlaceSort = Field(default=PlaceSort.NAME, description="By name.")


class PlacePublic(BaseModel):
    """A place where events happen."""

    id: str = Field(examples=["fort-de-bregancon"], description="Place id (a slug).")
    name: str = Field(examples=["Fort de Brégançon"], description="The place's name.")
    aliases: list[str] = Field(
        description="Other names its sources use for it.",
        examples=[[]],
    )
    country: str = Field(examples=["FR"], description="The country it is in (upper-case alpha-2).")
    kind: str = Field(
        examples=["fortress"],
        description="What sort of place it is (city, residence, fortress, ...).",
    )
    lat: float | None = Field(description="Latitude, WGS 84 degrees.", examples=[43.0936])
    lon: float | None = Field(description="Longitude, WGS 84 degrees.", examples=[6.3219])
    wikidata: str | None = Field(description="Wikidata id, when known.")
    notes: str | None = Field(
        description="Context the source gives, in the knowledge base's own words."
    )
    citations: list[CitationPublic] = Field(
        description="The sources' exact words that attest this record."
    )


class PlaceDetail(PlacePublic, WithClaims):
    """A place and the events held there."""

    events: list[EventRef] = Field(description="Events held there, by start date.")
