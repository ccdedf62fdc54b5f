"""Event documents: each event as the API lists it, written by `EventPublic`.

A page of events is then one statement over `event_document` instead of seven statements
and fifty models per request. A document shows names of other records (people, topics,
places, organizations, the parent event), so every change of the knowledge base rewrites
the documents of the events it touches and of those that show what it renamed
(`affected`).
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Connection, Select, bindparam, delete, select

from app.db import insert_rows
from app.events.models import (
    Event,
    EventCountry,
    EventDocument,
    EventOrganization,
    EventParticipant,
    EventTopic,
    Role,
)
from app.events.schemas import EventPublic
from app.organizations.models import Organization
from app.people.models import Person
from app.places.models import Place
from app.sources.models import Citation, SubjectType
from app.topics.models import Topic
from app.values import PartialDate

document = EventDocument.__table__  # type: ignore[attr-defined]
event = Event.__table__  # type: ignore[attr-defined]
event_country = EventCountry.__table__  # type: ignore[attr-defined]
event_participant = EventParticipant.__table__  # type: ignore[attr-defined]
event_topic = EventTopic.__table__  # type: ignore[attr-defined]
event_organization = EventOrganization.__table__  # type: ignore[attr-defined]
person = Person.__table__  # type: ignore[attr-defined]
topic = Topic.__table__  # type: ignore[attr-defined]
organization = Organization.__table__  # type: ignore[attr-defined]
place = Place.__table__  # type: ignore[attr-defined]
citation = Citation.__table__  # type: ignore[attr-defined]
CHUNK = 2000

IDS: Any = bindparam("ids", expanding=True)
parent = event.alias("parent")
ROLE_ORDER = {Role.HOST.value: 0, Role.GUEST.value: 1}  # then every other role


# The event's own columns a document shows, in the order `build_events` unpacks them (by
# position: a SQLAlchemy row's attribute costs ten times an index, per field per event).
EVENT_COLUMNS = (
    "id",
    "kind",
    "status",
    "title",
    "start_first",
    "start_last",
    "start_precision",
    "start_text",
    "end_first",
    "end_last",
    "end_precision",
    "end_text",
    "place_id",
    "host_country",
    "duration_value",
    "duration_unit",
    "duration_qualifier",
    "duration_text",
    "format",
    "outcomes",
    "parent_id",
    "notes",
)


class Statements(NamedTuple):
    """The statements that read what the documents of some events show, each ordered by the
    event id (an index, walked in order); what a document lists in another order is sorted
    per event, a few rows each."""

    events: Select[Any]
    countries: Select[Any]
    participants: Select[Any]
    topics: Select[Any]
    organizations: Select[Any]
    citations: Select[Any]


def _statements(chosen: Callable[[ColumnElement[str]], ColumnElement[bool]]) -> Statements:
    """The statements for the events whose id `chosen` keeps."""
    return Statements(
        events=select(
            *(event.c[name] for name in EVENT_COLUMNS),
            place.c.name,
            parent.c.kind,
            parent.c.title,
            parent.c.start_first,
            parent.c.start_last,
            parent.c.start_precision,
        )
        .outerjoin(place, place.c.id == event.c.place_id)
        .outerjoin(parent, parent.c.id == event.c.parent_id)
        .where(chosen(event.c.id))
        .order_by(event.c.id),
        countries=select(event_country.c.event_id, event_country.c.country)
        .where(chosen(event_country.c.event_id))
        .order_by(event_country.c.event_id, event_country.c.country),
        participants=select(
            event_participant.c.event_id, person.c.id, person.c.name, event_participant.c.role
        )
        .join(person, person.c.id == event_participant.c.person_id)
        .where(chosen(event_participant.c.event_id))
        .order_by(event_participant.c.event_id),
        topics=select(event_topic.c.event_id, topic.c.id, topic.c.name)
        .join(topic, topic.c.id == event_topic.c.topic_id)
        .where(chosen(event_topic.c.event_id))
        .order_by(event_topic.c.event_id),
        organizations=select(event_organization.c.event_id, organization.c.id, organization.c.name)
        .join(organization, organization.c.id == event_organization.c.organization_id)
        .where(chosen(event_organization.c.event_id))
        .order_by(event_organization.c.event_id),
        citations=select(citation.c.subject_id, citation.c.source_id, citation.c.excerpt)
        .where(citation.c.subject_type == SubjectType.EVENT.value, chosen(citation.c.subject_id))
        .order_by(citation.c.subject_id, citation.c.ordinal),
    )


# The events of a list of ids (a change touched them), or of a range of ids (a rebuild).
BY_IDS = _statements(lambda column: column.in_(IDS))
BY_RANGE = _statements(lambda column: column.between(bindparam("low"), bindparam("high")))


def _by_event(
    connection: Connection, statement: Any, params: dict[str, Any]
) -> dict[str, list[Any]]:
    grouped: dict[str, list[Any]] = defaultdict(list)
    for row in connection.execute(statement, params):
        grouped[row[0]].append(row)
    return grouped


def _date(first: Any, last: Any, precision: str | None) -> PartialDate | None:
    return PartialDate.from_columns(first, last, precision)


def _named(rows: list[Any]) -> list[dict[str, str]]:
    """`{id, name}` of linked records (rows of event id, id, name), by name then id."""
    return [{"id": id_, "name": name} for _, id_, name in sorted(rows, key=lambda r: (r[2], r[1]))]


def _participants(rows: list[Any]) -> list[dict[str, Any]]:
    """Participants (rows of event id, person id, name, role): hosts, guests, the others,
    each by name then id."""
    ordered = sorted(rows, key=lambda r: (ROLE_ORDER.get(r[3], 2), r[2], r[1]))
    return [{"person": {"id": id_, "name": name}, "role": role} for _, id_, name, role in ordered]


def build_events(
    connection: Connection, statements: Statements, params: dict[str, Any]
) -> list[EventPublic]:
    """The events the statements select with `params`, as `EventPublic`, in id order."""
    countries = _by_event(connection, statements.countries, params)
    participants = _by_event(connection, statements.participants, params)
    topics = _by_event(connection, statements.topics, params)
    organizations = _by_event(connection, statements.organizations, params)
    citations = _by_event(connection, statements.citations, params)
    events = []
    for row in connection.execute(statements.events, params):
        (
            id_,
            kind,
            status,
            title,
            start_first,
            start_last,
            start_precision,
            start_text,
            end_first,
            end_last,
            end_precision,
            end_text,
            place_id,
            host_country,
            duration_value,
            duration_unit,
            duration_qualifier,
            duration_text,
            format_,
            outcomes,
            parent_id,
            notes,
            place_name,
            parent_kind,
            parent_title,
            parent_start_first,
            parent_start_last,
            parent_start_precision,
        ) = row
        fields = {
            "id": id_,
            "kind": kind,
            "status": status,
            "title": title,
            "start": _date(start_first, start_last, start_precision),
            "start_text": start_text,
            "end": _date(end_first, end_last, end_precision),
            "end_text": end_text,
            "place": {"id": place_id, "name": place_name} if place_id else None,
            "host_country": host_country,
            "countries": [country for _, country in countries[id_]],
            "organizations": _named(organizations[id_]),
            "participants": _participants(participants[id_]),
            "duration": {
                "value": duration_value,
                "unit": duration_unit,
                "qualifier": duration_qualifier,
                "text": duration_text,
            }
            if duration_value is not None
            else None,
            "format": format_,
            "outcomes": outcomes or None,
            "parent": {
                "id": parent_id,
                "kind": parent_kind,
                "title": parent_title,
                "start": _date(parent_start_first, parent_start_last, parent_start_precision),
            }
            if parent_id
            else None,
            "topics": _named(topics[id_]),
            "notes": notes,
            "citations": [
                {"source": source, "excerpt": excerpt} for _, source, excerpt in citations[id_]
            ],
        }
        events.append(EventPublic.model_validate(fields))
    return events


def _chunks(ids: Iterable[str]) -> Iterator[list[str]]:
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


def _insert(connection: Connection, statements: Statements, params: dict[str, Any]) -> int:
    rows = [
        {"event_id": public.id, "body": public.model_dump_json()}
        for public in build_events(connection, statements, params)
    ]
    insert_rows(connection, document, rows)
    return len(rows)


def write(connection: Connection, ids: Iterable[str]) -> int:
    """(Re)writes the documents of the events `ids`; an id with no event loses its document."""
    written = 0
    for chunk in _chunks(ids):
        connection.execute(delete(document).where(document.c.event_id.in_(chunk)))
        written += _insert(connection, BY_IDS, {"ids": chunk})
    return written


def rebuild(connection: Connection) -> int:
    """Every document, from the records, a chunk of events (in id order) at a time."""
    connection.execute(delete(document))
    written, last = 0, ""
    while True:
        chunk = list(
            connection.execute(
                select(event.c.id).where(event.c.id > last).order_by(event.c.id).limit(CHUNK)
            ).scalars()
        )
        if not chunk:
            return written
        written += _insert(connection, BY_RANGE, {"low": chunk[0], "high": chunk[-1]})
        last = chunk[-1]


# The tables whose rows a document shows, and how to find the events that show a changed
# record of each (event ids selected by the record's key).
SHOWN_BY = {
    "person": select(event_participant.c.event_id).where(event_participant.c.person_id.in_(IDS)),
    "topic": select(event_topic.c.event_id).where(event_topic.c.topic_id.in_(IDS)),
    "organization": select(event_organization.c.event_id).where(
        event_organization.c.organization_id.in_(IDS)
    ),
    "place": select(event.c.id).where(event.c.place_id.in_(IDS)),
    "event": select(event.c.id).where(event.c.parent_id.in_(IDS)),  # a parent's title or date
}


def showing(connection: Connection, kind: str, ids: Iterable[str]) -> set[str]:
    """The events whose documents show one of the records `ids` of `kind`."""
    found: set[str] = set()
    for chunk in _chunks(ids):
        found.update(connection.execute(SHOWN_BY[kind], {"ids": chunk}).scalars())
    return found
