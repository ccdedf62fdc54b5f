"""Events: the query parameters and response shapes of the API."""

from enum import StrEnum

from pydantic import BaseModel, Field, model_validator

from app.claims.schemas import WithClaims
from app.events.models import EventKind, EventOutcomes, EventStatus, Role
from app.pagination import MAX_VALUES, ListQuery
from app.schemas import CitationPublic, EventRef, Named, StatementRef
from app.values import CountryCode, PartialDate, Quantity, Slug


class EventFacet(StrEnum):
    KIND = "kind"
    YEAR = "year"
    COUNTRY = "country"
    TOPIC = "topic"
    PARTICIPANT = "participant"


class EventSort(StrEnum):
    START = "start"
    START_DESC = "-start"


class DateRange(BaseModel):
    """`date_from` and `date_to`: a record matches when its dates overlap the range."""

    date_from: PartialDate | None = Field(
        default=None, description="Inclusive; `2019`, `2019-06` or `2019-08-19`."
    )
    date_to: PartialDate | None = Field(
        default=None, description="Inclusive; `2019-08` means up to 31 August 2019."
    )

    @model_validator(mode="after")
    def _ordered(self) -> "DateRange":
        if self.date_from and self.date_to and self.date_from.first > self.date_to.last:
            raise ValueError("`date_from` is after `date_to`")
        return self


class EventQuery(ListQuery, DateRange):
    country: list[CountryCode] = Field(
        default_factory=list,
        max_length=MAX_VALUES,
        description="Repeatable: every country given is involved in the event.",
    )
    host: CountryCode | None = Field(default=None, description="The host country.")
    guest: CountryCode | None = Field(
        default=None, description="A country involved in the event that is not its host."
    )
    participant: list[Slug] = Field(
        default_factory=list,
        max_length=MAX_VALUES,
        description="Repeatable person id: every person given takes part.",
    )
    kind: list[EventKind] = Field(
        default_factory=list, max_length=MAX_VALUES, description="Repeatable: any of these kinds."
    )
    topic: list[Slug] = Field(
        default_factory=list,
        max_length=MAX_VALUES,
        description="Repeatable topic id: every topic given was discussed.",
    )
    place: Slug | None = Field(default=None, description="Place id.")
    q: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="Words to look for in the title and notes (case-insensitive).",
    )
    sort: EventSort = Field(default=EventSort.START_DESC, description="By start date.")
    facet: list[EventFacet] = Field(
        default_factory=list,
        max_length=MAX_VALUES,
        description="Repeatable: count the matching items by this field (see `facets`).",
    )

    @model_validator(mode="after")
    def _distinct_countries(self) -> "EventQuery":
        # `country=RU&country=rus` asks for one country (its events), not for a pair.
        self.country = list(dict.fromkeys(self.country))
        return self


class ParticipantPublic(BaseModel):
    person: Named
    role: Role


class EventPublic(BaseModel):
    """A diplomatic engagement, with who took part and the words that attest it."""

    id: str = Field(examples=["2019-08-19-putin-macron-talks-bregancon"])
    kind: EventKind
    status: EventStatus
    title: str = Field(examples=["Putin-Macron talks at Fort de Brégançon"])
    start: PartialDate
    start_text: str | None = Field(description="The source's own words for a relative date.")
    end: PartialDate | None
    end_text: str | None
    place: Named | None
    host_country: str | None = Field(examples=["FR"])
    countries: list[str] = Field(examples=[["FR", "RU"]])
    organizations: list[Named]
    participants: list[ParticipantPublic]
    duration: Quantity | None
    format: str | None = Field(examples=["closed talks"])
    outcomes: EventOutcomes | None
    parent: EventRef | None = Field(description="The event this one is part of.")
    topics: list[Named]
    notes: str | None
    citations: list[CitationPublic]


class EventDetail(EventPublic, WithClaims):
    """An event with its parts and what was said at it."""

    children: list[EventRef] = Field(description="Events that are part of this one.")
    statements: list[StatementRef] = Field(description="Statements made at this event.")
