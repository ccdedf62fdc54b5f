"""Mechanisms: the query parameters and response shapes of the API."""

from enum import StrEnum

from pydantic import BaseModel, Field

from app.claims.schemas import WithClaims
from app.mechanisms.models import MechanismKind, MechanismStatus
from app.pagination import REPEATABLE, ListQuery
from app.schemas import CitationPublic
from app.values import CountryCode, PartialDate


class MechanismSort(StrEnum):
    NAME = "name"
    NAME_DESC = "-name"


class MechanismQuery(ListQuery):
    country: list[CountryCode] = Field(
        default_factory=list,
        description=REPEATABLE + " every country given is a member of the mechanism.",
    )
    status: MechanismStatus | None = Field(
        default=None,
        description="The current status: that of the latest entry of the status history.",
    )
    kind: MechanismKind | None = Field(default=None, description="The kind of mechanism.")
    sort: MechanismSort = Field(default=MechanismSort.NAME, description="By name.")


class StatusChangePublic(BaseModel):
    """One entry of a mechanism's status history."""

    id: str = Field(
        examples=["security-cooperation-committee--1-resumed"],
        description="Status change id (a slug).",
    )
    status: MechanismStatus = Field(
        examples=["resumed"], description="The mechanism's status from then on."
    )
    date: PartialDate | None = Field(description="When the change happened, if the source says.")
    date_text: str | None = Field(description="The source's own words for a relative date.")
    as_of: PartialDate | None = Field(
        description="For an undated change: the date by which the source reports it."
    )
    citations: list[CitationPublic] = Field(
        description="The sources' exact words that attest this record."
    )


class MechanismPublic(BaseModel):
    """An intergovernmental cooperation body or format, its members and current status."""

    id: str = Field(
        examples=["security-cooperation-committee"], description="Mechanism id (a slug)."
    )
    name: str = Field(
        examples=["Security Cooperation Committee"], description="The mechanism's name."
    )
    aliases: list[str] = Field(
        description="Other names its sources use for it.",
        examples=[["Council on Security Cooperation"]],
    )
    acronym: str | None = Field(description="The usual abbreviation, when there is one.")
    kind: MechanismKind = Field(
        description="What sort of body it is (commission, dialogue, council, ...)."
    )
    countries: list[str] = Field(
        examples=[["FR", "RU"]], description="Upper-case alpha-2 codes of the countries involved."
    )
    notes: str | None = Field(
        description="Context the source gives, in the knowledge base's own words."
    )
    current_status: StatusChangePublic | None = Field(
        description="The latest entry of the status history; null when it has none."
    )
    citations: list[CitationPublic] = Field(
        description="The sources' exact words that attest this record."
    )


class MechanismDetail(MechanismPublic, WithClaims):
    """A mechanism with its whole status history."""

    status_history: list[StatusChangePublic] = Field(description="Oldest first.")
