"""Claims as the API shows them: each fact's value by every source that states it."""

from enum import StrEnum
from typing import Annotated, Any

from fastapi import Query
from pydantic import BaseModel, Field

from app.claims.models import Rank


class ClaimsView(StrEnum):
    DISPUTED = "disputed"
    ALL = "all"


class ClaimPublic(BaseModel):
    """One source's value of a fact."""

    value: Any = Field(description="The value as this source gives it.")
    source: str = Field(description="The id of the source that claims it.")
    excerpt: str | None = Field(description="The first words this source is cited by for it.")
    rank: Rank = Field(
        description="Whether this source's claim is preferred, normal or deprecated."
    )


class FactClaims(BaseModel):
    """A fact of the record: the value served, and every source's claim of it."""

    field: str = Field(description="The record's field that holds the fact.", examples=["start"])
    value: Any = Field(description="The value served: the preferred claim's.")
    disputed: bool = Field(description="True when the sources give different values.")
    claims: list[ClaimPublic] = Field(description="The claims, the preferred one first.")


class DisputedFact(BaseModel):
    """A fact of a record on which its sources disagree."""

    kind: str = Field(examples=["event"], description="The kind of record the sources disagree on.")
    id: str = Field(
        examples=["2019-08-19-putin-macron-talks-bregancon"], description="The id of that record."
    )
    field: str = Field(description="The record's field that holds the fact.", examples=["start"])
    url: str = Field(description="The record; `?claims=disputed` shows every source's value.")


class WithClaims(BaseModel):
    claims: list[FactClaims] | None = Field(
        default=None,
        description="Each fact's value by every source that states it, when asked for: "
        "`?claims=disputed` lists the facts on which sources disagree, `?claims=all` every "
        "fact. Preference: rank (preferred, normal, deprecated), then the more precise value, "
        "then the later source.",
    )


CLAIMS_PARAMETER_DESCRIPTION = (
    "Show each fact's claims by source: `disputed` (only facts the sources disagree on) or `all`."
)


ClaimsQuery = Annotated[
    ClaimsView | None,
    Query(
        description="Show each fact's claims by source: `disputed` (only the facts the "
        "sources disagree on) or `all`."
    ),
]
