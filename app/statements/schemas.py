"""Statements: the query parameters and response shapes of the API."""

from enum import StrEnum

from pydantic import BaseModel, Field

from app.claims.schemas import WithClaims
from app.events.schemas import DateRange
from app.pagination import REPEATABLE, ListQuery
from app.patterns import TEXT
from app.schemas import CitationPublic, EventRef, Named
from app.statements.models import StatementMode
from app.values import PartialDate, Slug


class StatementSort(StrEnum):
    DATE = "date"
    DATE_DESC = "-date"


class StatementFacet(StrEnum):
    SPEAKER = "speaker"
    TOPIC = "topic"


class StatementQuery(ListQuery, DateRange):
    speaker: Slug | None = Field(default=None, description="Person id of the speaker.")
    event: Slug | None = Field(default=None, description="Event id: statements made at it.")
    topic: list[Slug] = Field(
        default_factory=list,
        description=REPEATABLE + " topic ids; the statement is on every topic given.",
    )
    mode: StatementMode | None = Field(
        default=None,
        description="`direct_quote` (only words the source quotes) or `paraphrase`.",
    )
    q: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        pattern=TEXT,
        description="Words to look for in the statement's text (case-insensitive).",
    )
    sort: StatementSort = Field(default=StatementSort.DATE_DESC, description="By date.")
    facet: list[StatementFacet] = Field(
        default_factory=list,
        description=REPEATABLE + " count the matching items by this field (see `facets`).",
    )


class StatementPublic(BaseModel):
    """What a person said, where and when, quoted or paraphrased, and the words that attest it."""

    id: str = Field(
        examples=["macron-2019-08-security-structure-russia-europe"],
        description="Statement id (a slug).",
    )
    speaker: Named = Field(description="The person who made the statement.")
    event: EventRef | None = Field(description="The event at which it was said.")
    date: PartialDate
    date_text: str | None = Field(description="The source's own words for a relative date.")
    text: str = Field(
        examples=[
            "France is willing to “join Russia in researching and shaping a security "
            "structure between Russia and Europe”."
        ],
        description="A `direct_quote`: only the words the source quotes; a `paraphrase`: "
        "what was said, with the source's quotation marks around any words it quotes.",
    )
    mode: StatementMode = Field(description="Whether the words are quoted directly or paraphrased.")
    quoted_phrases: list[str] = Field(
        examples=[
            [
                "join Russia in researching and shaping a security structure between "
                "Russia and Europe"
            ]
        ],
        description="The words of a paraphrase that the source gives in quotation marks.",
    )
    topics: list[Named] = Field(description="The topics discussed.")
    citations: list[CitationPublic] = Field(
        description="The sources' exact words that attest this record."
    )


class StatementDetail(StatementPublic, WithClaims):
    """One statement, with its claims by source when asked for (`?claims=`)."""
