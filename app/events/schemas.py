"""Events: the query parameters and response shapes of the API."""

from enum import StrEnum

from pydantic import BaseModel, Field, ValidationInfo, field_validator, model_validator

from app.claims.schemas import WithClaims
from app.events.models import EventKind, EventOutcomes, EventStatus, Role
from app.pagination import REPEATABLE, ListQuery
from app.patterns import TEXT
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
        default=None,
        description="Inclusive; `2019-08` means up to 31 August 2019. A range that ends "
        "before it begins (`date_from=2020&date_to=2019`) is a 422.",
    )

    @field_validator("date_to")
    @classmethod
    def _ordered(cls, date_to: PartialDate | None, info: ValidationInfo) -> PartialDate | None:
        # On `date_to`, so that the 422 names it (a model's own check names no field).
        date_from = info.data.get("date_from")
        if date_from and date_to and date_from.first > date_to.last:
            raise ValueError("`date_from` is after `date_to`")
        return date_to


class EventQuery(ListQuery, DateRange):
    country: list[CountryCode] = Field(
        default_factory=list,
        description=REPEATABLE + " every country given is involved in the event.",
    )
    host: CountryCode | None = Field(default=None, description="The host country.")
    guest: CountryCode | None = Field(
        default=None, description="A country involved in the event that is not its host."
    )
    participant: list[Slug] = Field(
        default_factory=list,
        description=REPEATABLE + " person ids; every person given takes part.",
    )
    kind: list[EventKind] = Field(
        default_factory=list,
        description=REPEATABLE + " any of these kinds.",
    )
    topic: list[Slug] = Field(
        default_factory=list,
        description=REPEATABLE + " topic ids; every topic given was discussed.",
    )
    place: Slug | None = Field(default=None, description="Place id.")
    q: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        pattern=TEXT,
        description="Words to look for in the title and notes (case-insensitive).",
    )
    sort: EventSort = Field(default=EventSort.START_DESC, description="By start date.")
    facet: list[EventFacet] = Field(
        default_factory=list,
        description=REPEATABLE + " count the matching items by this field (see `facets`).",
    )

    @model_validator(mode="after")
    def _distinct_countries(self) -> "EventQuery":
        # `country=RU&country=rus` asks for one country (its events), not for a pair.
        self.country = list(dict.fromkeys(self.country))
        return self


class ParticipantPublic(BaseModel):
    person: Named = Field(description="The person.")
    role: Role = Field(description="The person's role (host, guest, participant, ...).")


class EventPublic(BaseModel):
    """A diplomatic engagement, with who took part and the words that attest it."""

    id: str = Field(
        examples=["2019-08-19-putin-macron-talks-bregancon"], description="Event id (a slug)."
    )
    kind: EventKind = Field(description="The kind of event (official visit, talks, summit, ...).")
    status: EventStatus = Field(
        description="Whether it took place, was scheduled or was cancelled, as of the source."
    )
    title: str = Field(
        examples=["Putin-Macron talks at Fort de Brégançon"], description="The event's title."
    )
    start: PartialDate
    start_text: str | None = Field(description="The source's own words for a relative date.")
    end: PartialDate | None = Field(
        description="The last day (or month, or year) of the event, when it spans several."
    )
    end_text: str | None = Field(description="The source's own words for a relative end date.")
    place: Named | None = Field(description="Where the event took place, when known.")
    host_country: str | None = Field(
        examples=["FR"], description="The host country (upper-case alpha-2), when there is one."
    )
    countries: list[str] = Field(
        examples=[["FR", "RU"]], description="Upper-case alpha-2 codes of the countries involved."
    )
    organizations: list[Named] = Field(description="Organizations that took part or convened it.")
    participants: list[ParticipantPublic] = Field(
        description="The people present, with their roles."
    )
    duration: Quantity | None = Field(
        description="How long the event lasted, when the source says."
    )
    format: str | None = Field(
        examples=["closed talks"],
        description="The format of the meeting (closed talks, one-on-one, ...).",
    )
    outcomes: EventOutcomes | None = Field(
        description="What the event produced (agreements, declarations), when known."
    )
    parent: EventRef | None = Field(description="The event this one is part of.")
    topics: list[Named] = Field(description="The topics discussed.")
    notes: str | None = Field(
        description="Context the source gives, in the knowledge base's own words."
    )
    citations: list[CitationPublic] = Field(
        description="The sources' exact words that attest this record."
    )


class EventDetail(EventPublic, WithClaims):
    """An event with its parts and what was said at it."""

    children: list[EventRef] = Field(description="Events that are part of this one.")
    statements: list[StatementRef] = Field(description="Statements made at this event.")
