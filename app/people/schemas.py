"""People: the query parameters and response shapes of the API."""

from enum import StrEnum

from pydantic import BaseModel, Field

from app.claims.schemas import WithClaims
from app.events.models import Role
from app.pagination import ListQuery
from app.patterns import TEXT
from app.schemas import CitationPublic, EventRef, Named
from app.statements.models import StatementMode
from app.values import CountryCode, PartialDate


class PersonSort(StrEnum):
    NAME = "name"


class PersonQuery(ListQuery):
    country: CountryCode | None = Field(default=None, description="The person's country.")
    q: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        pattern=TEXT,
        description="Part of the person's name (case-insensitive).",
    )
    sort: PersonSort = Field(default=PersonSort.NAME, description="By name.")


class PersonPublic(BaseModel):
    """A person who takes part in diplomatic relations."""

    id: str = Field(examples=["vladimir-putin"], description="Person id (a slug).")
    name: str = Field(
        examples=["Vladimir Putin"],
        description="The person's name as the knowledge base spells it.",
    )
    aliases: list[str] = Field(
        description="Other names its sources use for it.",
        examples=[[]],
    )
    country: str | None = Field(
        examples=["RU"], description="The person's country (upper-case alpha-2), when known."
    )
    wikidata: str | None = Field(
        examples=["Q7747"], description="The Wikidata item id, when known."
    )
    citations: list[CitationPublic] = Field(
        description="The sources' exact words that attest this record."
    )


class PositionPublic(BaseModel):
    """An office held. A date the source does not give stays null."""

    id: str = Field(
        examples=["vladimir-putin--1-president-of-russia"], description="Position id (a slug)."
    )
    title: str = Field(examples=["President of Russia"], description="The office's title.")
    country: str | None = Field(
        examples=["RU"], description="The country of the office, when it is a national one."
    )
    organization: Named | None = Field(
        description="The organization of the office, when it is not national."
    )
    start: PartialDate | None = Field(description="When the person took office, when known.")
    end: PartialDate | None = Field(
        description="When the person left office; null while in office or unknown."
    )
    held_on: PartialDate | None = Field(
        description="A date on which the source shows the office held, when start and end "
        "are unknown."
    )
    citations: list[CitationPublic] = Field(
        description="The sources' exact words that attest this record."
    )


class PersonEvent(BaseModel):
    """An event the person took part in, and in which role."""

    event: EventRef = Field(description="The event.")
    role: Role = Field(description="The person's role at it (host, guest, participant, ...).")


class PersonStatement(BaseModel):
    """Something the person said."""

    id: str = Field(
        examples=["macron-2019-08-19-two-great-powers-in-europe"],
        description="Statement id (a slug).",
    )
    date: PartialDate
    mode: StatementMode = Field(description="Whether the words are quoted directly or paraphrased.")
    text: str = Field(
        examples=["France and Russia are the “two great powers in Europe”."],
        description="The statement, quoted or paraphrased as `mode` says.",
    )
    event: str | None = Field(
        description="Id of the event it was said at.",
        examples=["2019-08-19-putin-macron-joint-press-conference"],
    )


class PersonDetail(PersonPublic, WithClaims):
    """A person with the offices held, the events taken part in and what was said."""

    positions: list[PositionPublic] = Field(description="Offices the person held, earliest first.")
    events: list[PersonEvent] = Field(description="By start date.")
    statements: list[PersonStatement] = Field(description="By date.")
