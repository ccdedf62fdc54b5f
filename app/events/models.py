"""Events: diplomatic engagements (visits, talks, summits, calls) and who took part."""

import datetime as dt
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import JSON, Column, Index
from sqlmodel import Field as SQLField
from sqlmodel import SQLModel

from app import references
from app.claims.models import RANK, Rank
from app.sources.models import Citations
from app.values import CountryCode, PartialDate, Quantity, Ref, Slug


class EventKind(StrEnum):
    STATE_VISIT = "state_visit"
    OFFICIAL_VISIT = "official_visit"
    WORKING_VISIT = "working_visit"
    VISIT = "visit"  # a visit whose protocol level the source does not give
    BILATERAL_MEETING = "bilateral_meeting"
    SUMMIT = "summit"
    PHONE_CALL = "phone_call"
    PRESS_CONFERENCE = "press_conference"
    MINISTERIAL_MEETING = "ministerial_meeting"
    COMMITTEE_SESSION = "committee_session"


class EventStatus(StrEnum):
    HELD = "held"
    SCHEDULED = "scheduled"  # announced as future at the source's date
    CANCELLED = "cancelled"


class Role(StrEnum):
    HOST = "host"
    GUEST = "guest"
    PARTICIPANT = "participant"


class Event(SQLModel, table=True):
    id: str = SQLField(primary_key=True, max_length=200)
    kind: str = SQLField(max_length=32, index=True)
    status: str = SQLField(max_length=16)
    title: str
    start_first: dt.date
    start_last: dt.date
    start_precision: str = SQLField(max_length=5)
    start_text: str | None = None
    end_first: dt.date | None = None
    end_last: dt.date | None = None
    end_precision: str | None = SQLField(default=None, max_length=5)
    end_text: str | None = None
    place_id: str | None = SQLField(default=None, sa_column_args=references("place.id"), index=True)
    host_country: str | None = SQLField(
        default=None, sa_column_args=references("country.code"), index=True
    )
    duration_value: float | None = None
    duration_unit: str | None = SQLField(default=None, max_length=32)
    duration_qualifier: str | None = SQLField(default=None, max_length=16)
    duration_text: str | None = None
    format: str | None = None
    outcomes: dict[str, object] | None = SQLField(default=None, sa_column=Column(JSON))
    parent_id: str | None = SQLField(
        default=None, sa_column_args=references("event.id"), index=True
    )
    notes: str | None = None

    # The default order of every event list, and the keyset its cursor walks.
    __table_args__ = (Index("ix_event_start_first_id", "start_first", "id"),)


class EventDocument(SQLModel, table=True):
    """An event as the API lists it: `EventPublic` as JSON, written by every change of the
    event or of anything it shows (`app/events/documents.py`)."""

    __tablename__ = "event_document"

    event_id: str = SQLField(sa_column_args=references("event.id"), primary_key=True)
    body: str


class EventCountry(SQLModel, table=True):
    """A country involved in an event, with the event's start copied beside it so that a
    country's events are read from one index already in date order (the hottest list)."""

    __tablename__ = "event_country"

    event_id: str = SQLField(sa_column_args=references("event.id"), primary_key=True)
    country: str = SQLField(sa_column_args=references("country.code"), primary_key=True)
    start_first: dt.date

    __table_args__ = (
        Index(
            "ix_event_country_country_start_first_event_id", "country", "start_first", "event_id"
        ),
    )


class EventParticipant(SQLModel, table=True):
    __tablename__ = "event_participant"

    event_id: str = SQLField(sa_column_args=references("event.id"), primary_key=True)
    person_id: str = SQLField(sa_column_args=references("person.id"), primary_key=True)
    role: str = SQLField(max_length=16)

    __table_args__ = (Index("ix_event_participant_person_id_event_id", "person_id", "event_id"),)


class EventTopic(SQLModel, table=True):
    __tablename__ = "event_topic"

    event_id: str = SQLField(sa_column_args=references("event.id"), primary_key=True)
    topic_id: str = SQLField(sa_column_args=references("topic.id"), primary_key=True)

    __table_args__ = (Index("ix_event_topic_topic_id_event_id", "topic_id", "event_id"),)


class EventOrganization(SQLModel, table=True):
    __tablename__ = "event_organization"

    event_id: str = SQLField(sa_column_args=references("event.id"), primary_key=True)
    organization_id: str = SQLField(sa_column_args=references("organization.id"), primary_key=True)

    __table_args__ = (
        Index("ix_event_organization_organization_id_event_id", "organization_id", "event_id"),
    )


class ParticipantCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    person: Annotated[Slug, Ref("person")]
    role: Role = Role.PARTICIPANT


class EventOutcomes(BaseModel):
    """What came out of an event; a field the source says nothing of stays absent."""

    model_config = ConfigDict(extra="forbid")

    joint_statement: bool | None = Field(
        default=None, description="Whether a joint statement was issued."
    )


class EventCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: Slug
    kind: EventKind
    status: EventStatus = EventStatus.HELD
    title: str = Field(min_length=1)
    start: PartialDate
    start_text: str | None = Field(default=None, description="The source's relative words.")
    end: PartialDate | None = None
    end_text: str | None = None
    place: Annotated[Slug | None, Ref("place")] = None
    host_country: CountryCode | None = None
    countries: list[CountryCode] = Field(min_length=1)
    organizations: Annotated[list[Slug], Ref("organization")] = []
    participants: list[ParticipantCreate] = []
    duration: Quantity | None = None
    format: str | None = None
    outcomes: EventOutcomes | None = None
    part_of: Annotated[Slug | None, Ref("event")] = None
    topics: Annotated[list[Slug], Ref("topic")] = []
    notes: str | None = None
    rank: Rank = RANK
    citations: Citations

    @model_validator(mode="after")
    def _consistent(self) -> "EventCreate":
        if self.end is not None and self.end.last < self.start.first:
            raise ValueError("`end` is before `start`")
        if len(set(self.countries)) != len(self.countries):
            raise ValueError("a country is listed twice in `countries`")
        if self.host_country is not None and self.host_country not in self.countries:
            raise ValueError("`host_country` must be one of `countries`")
        people = [participant.person for participant in self.participants]
        if len(people) != len(set(people)):
            raise ValueError("a person is listed twice in `participants`")
        if self.part_of == self.id:
            raise ValueError("an event cannot be part of itself")
        return self
