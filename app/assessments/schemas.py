"""Assessments: the query parameters and response shapes of the API."""

from enum import StrEnum

from pydantic import BaseModel, Field

from app.assessments.models import Stance
from app.claims.schemas import WithClaims
from app.events.schemas import DateRange
from app.pagination import REPEATABLE, ListQuery
from app.patterns import TEXT
from app.schemas import CitationPublic, Named
from app.values import CountryCode, PartialDate


class AssessmentSort(StrEnum):
    PERIOD = "period"
    PERIOD_DESC = "-period"


class AssessmentQuery(ListQuery, DateRange):
    country: list[CountryCode] = Field(
        default_factory=list,
        description=REPEATABLE + " every country given is a party to the relationship.",
    )
    stance: list[Stance] = Field(
        default_factory=list,
        description=REPEATABLE + " any of these stances.",
    )
    holder: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        pattern=TEXT,
        description="Who holds the judgement, e.g. `author` or `observers` (case-insensitive).",
        examples=["observers"],
    )
    sort: AssessmentSort = Field(
        default=AssessmentSort.PERIOD_DESC, description="By the start of the period judged."
    )


class AssessmentPublic(BaseModel):
    """A judgement of the climate of a relationship, who holds it, and the words that attest it.

    The two parties are two countries, a country and an organization, or a country and a
    grouping named in `counterpart` ("the West").
    """

    id: str = Field(
        examples=["ru-fr-2019-08-visit-shows-improvement"], description="Assessment id (a slug)."
    )
    countries: list[str] = Field(
        examples=[["FR", "RU"]], description="Upper-case alpha-2 codes of the countries involved."
    )
    organizations: list[Named] = Field(description="Organizations the judgement is about.")
    counterpart: str | None = Field(
        examples=["the West"],
        description="The other party of the relationship judged, when not a country.",
    )
    period: PartialDate = Field(description="The period judged (its start, with `period_end`).")
    period_text: str | None = Field(description="The source's own words for a relative period.")
    period_end: PartialDate | None = Field(description="The end of the period, when it spans.")
    stance: Stance | None = Field(
        description="The climate judged (improving, cooperative, strained, ...); null for a "
        "judgement of something else (what the relationship does for a leader, how often "
        "leaders talk, progress in a field)."
    )
    topics: list[Named] = Field(description="What the judgement is about, when it says.")
    holder: str = Field(
        examples=["author", "observers"],
        description="Who holds the judgement: the source's author, observers, or a named party.",
    )
    text: str = Field(
        description="The judgement, as the source words it or close to it.",
        examples=[
            "Putin's visit to France indicated that Russia-France relations are continuing to "
            "improve and are showing signs of being warm again."
        ],
    )
    citations: list[CitationPublic] = Field(
        description="The sources' exact words that attest this record."
    )


class AssessmentDetail(AssessmentPublic, WithClaims):
    """One assessment, with its claims by source when asked for (`?claims=`)."""
