"""People: queries. Filtering, ordering and paging happen in SQL."""

from typing import Any

from sqlalchemy import Connection, Row, Select, select

from app import refs
from app.events.models import Event, EventParticipant
from app.organizations.models import Organization
from app.pagination import Keyset, RowListing
from app.people.models import Person, Position
from app.people.schemas import (
    PersonDetail,
    PersonEvent,
    PersonPublic,
    PersonQuery,
    PersonSort,
    PersonStatement,
    PositionPublic,
)
from app.queries import contains_words, one_or_not_found
from app.schemas import Named
from app.sources.models import SubjectType
from app.sources.service import citations_of
from app.statements.models import Statement
from app.values import PartialDate

person = Person.__table__  # type: ignore[attr-defined]
position = Position.__table__  # type: ignore[attr-defined]
organization = Organization.__table__  # type: ignore[attr-defined]
event = Event.__table__  # type: ignore[attr-defined]
event_participant = EventParticipant.__table__  # type: ignore[attr-defined]
statement = Statement.__table__  # type: ignore[attr-defined]

KEYSETS = {PersonSort.NAME: Keyset((person.c.name, person.c.id))}


def filtered(query: PersonQuery) -> Select[Any]:
    """Every person matching the query's filters, unordered."""
    statement_ = select(person)
    if query.country:
        statement_ = statement_.where(person.c.country == query.country)
    if query.q:
        statement_ = statement_.where(contains_words(query.q, person.c.name))
    return statement_


def build_people(connection: Connection, rows: list[Row[Any]]) -> list[PersonPublic]:
    citations = citations_of(connection, SubjectType.PERSON, [row.id for row in rows])
    return [
        PersonPublic(
            id=row.id,
            name=row.name,
            aliases=row.aliases,
            country=row.country,
            wikidata=row.wikidata,
            citations=citations.get(row.id, []),
        )
        for row in rows
    ]


def _positions(connection: Connection, person_id: str) -> list[PositionPublic]:
    rows = list(
        connection.execute(
            select(position, organization.c.name.label("organization_name"))
            .outerjoin(organization, organization.c.id == position.c.organization_id)
            .where(position.c.person_id == person_id)
            .order_by(position.c.ordinal)
        )
    )
    citations = citations_of(connection, SubjectType.POSITION, [row.id for row in rows])
    return [
        PositionPublic(
            id=row.id,
            title=row.title,
            country=row.country,
            organization=Named(id=row.organization_id, name=row.organization_name)
            if row.organization_id
            else None,
            start=PartialDate.from_columns(row.start_first, row.start_last, row.start_precision),
            end=PartialDate.from_columns(row.end_first, row.end_last, row.end_precision),
            held_on=PartialDate.from_columns(
                row.held_on_first, row.held_on_last, row.held_on_precision
            ),
            citations=citations.get(row.id, []),
        )
        for row in rows
    ]


def _events(connection: Connection, person_id: str) -> list[PersonEvent]:
    taking_part = event_participant.c.person_id == person_id
    roles = {
        event_id: role
        for event_id, role in connection.execute(
            select(event_participant.c.event_id, event_participant.c.role).where(taking_part)
        )
    }
    events = refs.event_refs(
        connection,
        select(event)
        .join(event_participant, event_participant.c.event_id == event.c.id)
        .where(taking_part)
        .order_by(event.c.start_first, event.c.id),
    )
    return [PersonEvent(event=ref, role=roles[ref.id]) for ref in events]


def _statements(connection: Connection, person_id: str) -> list[PersonStatement]:
    said = connection.execute(
        select(statement)
        .where(statement.c.speaker_id == person_id)
        .order_by(statement.c.date_first, statement.c.id)
    )
    return [
        PersonStatement(
            id=s.id,
            date=PartialDate.required(s.date_first, s.date_last, s.date_precision),
            mode=s.mode,
            text=s.text,
            event=s.event_id,
        )
        for s in said
    ]


def get_person(connection: Connection, *, person_id: str) -> PersonDetail:
    row = one_or_not_found(
        connection, select(person).where(person.c.id == person_id), "person", person_id
    )
    (public,) = build_people(connection, [row])
    return PersonDetail(
        **dict(public),
        positions=_positions(connection, person_id),
        events=_events(connection, person_id),
        statements=_statements(connection, person_id),
    )


PEOPLE = RowListing(item=PersonPublic, filtered=filtered, keysets=KEYSETS, build=build_people)
