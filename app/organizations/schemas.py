"""Organizations: the query parameters and response shapes of the API."""

from enum import StrEnum

from pydantic import BaseModel, Field

from app.assessments.models import Stance
from app.claims.schemas import WithClaims
from app.pagination import ListQuery
from app.patterns import TEXT
from app.schemas import CitationPublic, EventRef
from app.values import PartialDate


class OrganizationSort(StrEnum):
    NAME = "name"


class OrganizationQuery(ListQuery):
    kind: str | None = Field(
        default=None,
        min_length=1,
        max_length=32,
        pattern=TEXT,
        description="The kind of organization (`union`, `forum`, `alliance`, ...).",
        examples=["union"],
    )
    q: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        pattern=TEXT,
        description="Words to look for in the name or acronym (case-insensitive).",
    )
    sort: OrganizationSort = Field(default=OrganizationSort.NAME, description="By name.")


class OrganizationPublic(BaseModel):
    """A union, forum, alliance or other grouping of countries."""

    id: str = Field(examples=["european-union"], description="Organization id (a slug).")
    name: str = Field(examples=["European Union"], description="The organization's name.")
    aliases: list[str] = Field(
        description="Other names its sources use for it.",
        examples=[[]],
    )
    acronym: str | None = Field(
        examples=["EU"], description="The usual abbreviation, when there is one."
    )
    kind: str = Field(
        examples=["union"], description="What sort of grouping it is (union, forum, alliance, ...)."
    )
    wikidata: str | None = Field(examples=["Q458"], description="The Wikidata item id, when known.")
    citations: list[CitationPublic] = Field(
        description="The sources' exact words that attest this record."
    )


class AssessmentRef(BaseModel):
    """An assessment of a relationship that names the organization as one party."""

    id: str = Field(
        examples=["ru-eu-2019-08-improving-trend"], description="Assessment id (a slug)."
    )
    stance: Stance = Field(
        description="How the relationship is judged (improving, cooperative, strained, ...)."
    )
    period: PartialDate
    period_end: PartialDate | None = Field(description="Last period it covers, if a range.")
    holder: str = Field(description="Who judges.", examples=["author"])
    text: str = Field(
        description="The judgement, as the source words it or close to it.",
        examples=["The trend of improving relations between Russia and the EU is being pushed "],
    )
    citations: list[CitationPublic] = Field(
        description="The sources' exact words that attest this record."
    )


class OrganizationDetail(OrganizationPublic, WithClaims):
    """An organization, the events it took part in and the assessments that name it."""

    events: list[EventRef] = Field(description="Events it is involved in, by start date.")
    assessments: list[AssessmentRef] = Field(description="Assessments naming it, by period.")
