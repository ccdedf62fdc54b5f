"""Events: queries. Filtering, ordering and paging happen in SQL."""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Row, Select, bindparam, case, exists, func, select

from app.countries.models import Country
from app.events.models import (
    Event,
    EventCountry,
    EventOrganization,
    EventOutcomes,
    EventParticipant,
    EventTopic,
)
from app.events.schemas import (
    EventDetail,
    EventFacet,
    EventPublic,
    EventQuery,
    EventSort,
    ParticipantPublic,
)
from app.facets import column_facet, link_facet, year_facet
from app.organizations.models import Organization
from app.pagination import Keyset, Listing
from app.people.models import Person
from app.places.models import Place
from app.queries import contains_words, grouped, one_or_not_found, overlaps
from app.refs import event_ref, event_refs, statement_refs
from app.schemas import Named
from app.sources.models import SubjectType
from app.sources.service import citations_of
from app.statements.models import Statement
from app.topics.models import Topic
from app.values import PartialDate, Quantity

event = Event.__table__  # type: ignore[attr-defined]
country = Country.__table__  # type: ignore[attr-defined]
event_country = EventCountry.__table__  # type: ignore[attr-defined]
event_participant = EventParticipant.__table__  # type: ignore[attr-defined]
event_topic = EventTopic.__table__  # type: ignore[attr-defined]
event_organization = EventOrganization.__table__  # type: ignore[attr-defined]
person = Person.__table__  # type: ignore[attr-defined]
place = Place.__table__  # type: ignore[attr-defined]
topic = Topic.__table__  # type: ignore[attr-defined]
organization = Organization.__table__  # type: ignore[attr-defined]
statement = Statement.__table__  # type: ignore[attr-defined]

KEYSETS = {
    EventSort.START: Keyset((event.c.start_first, event.c.id)),
    EventSort.START_DESC: Keyset((event.c.start_first, event.c.id), descending=True),
}
last_day = func.coalesce(event.c.end_last, event.c.start_last)


# With a country filter the list is read from the first country's rows of event_country,
# which hold the events' start dates under an index in date order: no sort, and a page
# costs the same at any depth and whatever the size of the knowledge base.
driving = event_country.alias("driving")
DRIVEN_KEYSETS = {
    sort: Keyset(
        (driving.c.start_first, driving.c.event_id),
        descending=keyset.descending,
        keys=("start_first", "id"),
    )  # equal to the event's own, by construction
    for sort, keyset in KEYSETS.items()
}


def filtered(query: EventQuery) -> Select[Any]:
    """Every event matching the query's filters, unordered."""
    statement_ = select(event)
    if query.country:
        statement_ = statement_.join(
            driving, (driving.c.event_id == event.c.id) & (driving.c.country == query.country[0])
        )
    for country in query.country[1:]:
        # Checked per candidate through the primary key, not by listing the country's events.
        statement_ = statement_.where(
            exists().where(
                event_country.c.event_id == event.c.id, event_country.c.country == country
            )
        )
    if query.host:
        statement_ = statement_.where(event.c.host_country == query.host)
    if query.guest:
        statement_ = statement_.where(
            event.c.id.in_(
                select(event_country.c.event_id).where(event_country.c.country == query.guest)
            ),
            func.coalesce(event.c.host_country, "") != query.guest,
        )
    for person_id in query.participant:
        statement_ = statement_.where(
            event.c.id.in_(
                select(event_participant.c.event_id).where(
                    event_participant.c.person_id == person_id
                )
            )
        )
    if query.kind:
        statement_ = statement_.where(event.c.kind.in_([k.value for k in query.kind]))
    for topic_id in query.topic:
        statement_ = statement_.where(
            event.c.id.in_(select(event_topic.c.event_id).where(event_topic.c.topic_id == topic_id))
        )
    if query.place:
        statement_ = statement_.where(event.c.place_id == query.place)
    statement_ = statement_.where(
        *overlaps(event.c.start_first, last_day, query.date_from, query.date_to)
    )
    if query.q:
        statement_ = statement_.where(contains_words(query.q, event.c.title, event.c.notes))
    return statement_


# The statements that load a page's nested data, built once: `ids` expands to the page's ids.
PAGE_IDS: Any = bindparam("ids", expanding=True)
COUNTRIES_OF = (
    select(event_country.c.event_id, event_country.c.country)
    .where(event_country.c.event_id.in_(PAGE_IDS))
    .order_by(event_country.c.event_id, event_country.c.country)
)
PARTICIPANTS_OF = (
    select(event_participant.c.event_id, person.c.id, person.c.name, event_participant.c.role)
    .join(person, person.c.id == event_participant.c.person_id)
    .where(event_participant.c.event_id.in_(PAGE_IDS))
    .order_by(
        event_participant.c.event_id,
        case({"host": 0, "guest": 1}, value=event_participant.c.role, else_=2),
        person.c.name,
    )
)
TOPICS_OF = (
    select(event_topic.c.event_id, topic.c.id, topic.c.name)
    .join(topic, topic.c.id == event_topic.c.topic_id)
    .where(event_topic.c.event_id.in_(PAGE_IDS))
    .order_by(event_topic.c.event_id, topic.c.name)
)
ORGANIZATIONS_OF = (
    select(event_organization.c.event_id, organization.c.id, organization.c.name)
    .join(organization, organization.c.id == event_organization.c.organization_id)
    .where(event_organization.c.event_id.in_(PAGE_IDS))
    .order_by(event_organization.c.event_id, organization.c.name)
)


def build_events(connection: Connection, rows: list[Row[Any]]) -> list[EventPublic]:
    """Public events for `rows` of the event table: a few IN queries for the whole page."""
    ids = [row.id for row in rows]
    if not ids:
        return []
    page = {"ids": ids}
    countries = grouped(connection, COUNTRIES_OF, page)
    participants = grouped(connection, PARTICIPANTS_OF, page)
    topics = grouped(connection, TOPICS_OF, page)
    organizations = grouped(connection, ORGANIZATIONS_OF, page)
    place_ids = {row.place_id for row in rows if row.place_id}
    places = (
        {
            r.id: Named(id=r.id, name=r.name)
            for r in connection.execute(
                select(place.c.id, place.c.name).where(place.c.id.in_(place_ids))
            )
        }
        if place_ids
        else {}
    )
    parent_ids = {row.parent_id for row in rows if row.parent_id}
    parents = (
        {
            ref.id: ref
            for ref in event_refs(connection, select(event).where(event.c.id.in_(parent_ids)))
        }
        if parent_ids
        else {}
    )
    citations = citations_of(connection, SubjectType.EVENT, ids)

    return [
        EventPublic(
            id=row.id,
            kind=row.kind,
            status=row.status,
            title=row.title,
            start=event_ref(row).start,
            start_text=row.start_text,
            end=PartialDate.from_columns(row.end_first, row.end_last, row.end_precision),
            end_text=row.end_text,
            place=places.get(row.place_id) if row.place_id else None,
            host_country=row.host_country,
            countries=[r.country for r in countries.get(row.id, [])],
            organizations=[Named(id=r.id, name=r.name) for r in organizations.get(row.id, [])],
            participants=[
                ParticipantPublic(person=Named(id=r.id, name=r.name), role=r.role)
                for r in participants.get(row.id, [])
            ],
            duration=Quantity(
                value=row.duration_value,
                unit=row.duration_unit,
                qualifier=row.duration_qualifier,
                text=row.duration_text,
            )
            if row.duration_value is not None
            else None,
            format=row.format,
            outcomes=EventOutcomes.model_validate(row.outcomes) if row.outcomes else None,
            parent=parents.get(row.parent_id) if row.parent_id else None,
            topics=[Named(id=r.id, name=r.name) for r in topics.get(row.id, [])],
            notes=row.notes,
            citations=citations.get(row.id, []),
        )
        for row in rows
    ]


def get_event(connection: Connection, *, event_id: str) -> EventDetail:
    row = one_or_not_found(
        connection, select(event).where(event.c.id == event_id), "event", event_id
    )
    (public,) = build_events(connection, [row])
    children = event_refs(
        connection,
        select(event)
        .where(event.c.parent_id == event_id)
        .order_by(event.c.start_first, event.c.id),
    )
    statements = statement_refs(connection, statement.c.event_id == event_id)
    return EventDetail(**dict(public), children=children, statements=statements)


FACETS = {
    EventFacet.KIND: column_facet("kind"),
    EventFacet.YEAR: year_facet("start_first"),
    EventFacet.COUNTRY: link_facet(event_country, "event_id", "country", country),
    EventFacet.TOPIC: link_facet(event_topic, "event_id", "topic_id", topic),
    EventFacet.PARTICIPANT: link_facet(event_participant, "event_id", "person_id", person),
}


@dataclass(frozen=True)
class EventListing(Listing[EventQuery, EventPublic]):
    def keyset(self, query: EventQuery) -> Keyset:
        return (DRIVEN_KEYSETS if query.country else KEYSETS)[query.sort]


EVENTS = EventListing(filtered=filtered, keysets=KEYSETS, build=build_events, facets=FACETS)
