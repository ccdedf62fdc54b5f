"""Topics: the query parameters and response shapes of the API."""

from enum import StrEnum

from pydantic import BaseModel, Field

from app.claims.schemas import WithClaims
from app.pagination import ListQuery
from app.patterns import TEXT
from app.schemas import CitationPublic, EventRef, StatementRef
from app.topics.models import TopicCategory
from app.values import CountryCode


class TopicSort(StrEnum):
    NAME = "name"
    NAME_DESC = "-name"


class TopicQuery(ListQuery):
    category: TopicCategory | None = Field(default=None, description="The topic's category.")
    q: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        pattern=TEXT,
        description="Words to look for in the name and description (case-insensitive).",
    )
    country: CountryCode | None = Field(
        default=None, description="Only topics that concern this country."
    )
    sort: TopicSort = Field(default=TopicSort.NAME, description="By name.")


class TopicPublic(BaseModel):
    """A subject that leaders discuss: a crisis, a security question, an agreement, ..."""

    id: str = Field(examples=["libya-crisis"], description="Topic id (a slug).")
    name: str = Field(examples=["Crisis in Libya"], description="The topic's name.")
    aliases: list[str] = Field(
        description="Other names its sources use for it.",
        examples=[[]],
    )
    category: TopicCategory = Field(
        description="What sort of subject it is (crisis, conflict, economy, ...)."
    )
    description: str | None = Field(
        examples=["The crisis in Libya."], description="What the topic covers, in a sentence."
    )
    wikidata: str | None = Field(
        examples=["Q7942"], description="The Wikidata item id, when known."
    )
    countries: list[str] = Field(
        examples=[["LY"]], description="The countries it concerns (ISO 3166-1 alpha-2)."
    )
    citations: list[CitationPublic] = Field(
        description="The sources' exact words that attest this record."
    )


class TopicDetail(TopicPublic, WithClaims):
    """A topic with the events that discussed it and what was said about it."""

    events: list[EventRef] = Field(description="Events that discussed it, by start date.")
    statements: list[StatementRef] = Field(description="Statements about it, by date.")
