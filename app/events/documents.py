"""Event documents: each event as the API lists it, written by `EventPublic`.

A page of events is then one statement over `event_document` instead of seven statements
and fifty models per request. A document shows names of other records (people, topics,
places, organizations, the parent event), so every change of the knowledge base rewrites
the documents of the events it touches and of those that show what it renamed
(`affected`).
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import Connection, bindparam, case, delete, insert, select

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
_EVENTS = (
    select(
        event,
        place.c.name.label("place_name"),
        parent.c.kind.label("parent_kind"),
        parent.c.title.label("parent_title"),
        parent.c.start_first.label("parent_start_first"),
        parent.c.start_last.label("parent_start_last"),
        parent.c.start_precision.label("parent_start_precision"),
    )
    .outerjoin(place, place.c.id == event.c.place_id)
    .outerjoin(parent, parent.c.id == event.c.parent_id)
    .where(event.c.id.in_(IDS))
    .order_by(event.c.id)
)
# The linked records of the events `ids`, each event's in the order its document lists them.
_COUNTRIES = (
    select(event_country.c.event_id, event_country.c.country)
    .where(event_country.c.event_id.in_(IDS))
    .order_by(event_country.c.country)
)
_PARTICIPANTS = (
    select(event_participant.c.event_id, person.c.id, person.c.name, event_participant.c.role)
    .join(person, person.c.id == event_participant.c.person_id)
    .where(event_participant.c.event_id.in_(IDS))
    .order_by(
        case({Role.HOST.value: 0, Role.GUEST.value: 1}, value=event_participant.c.role, else_=2),
        person.c.name,
        person.c.id,
    )
)
_TOPICS = (
    select(event_topic.c.event_id, topic.c.id, topic.c.name)
    .join(topic, topic.c.id == event_topic.c.topic_id)
    .where(event_topic.c.event_id.in_(IDS))
    .order_by(topic.c.name, topic.c.id)
)
_ORGANIZATIONS = (
    select(event_organization.c.event_id, organization.c.id, organization.c.name)
    .join(organization, organization.c.id == event_organization.c.organization_id)
    .where(event_organization.c.event_id.in_(IDS))
    .order_by(organization.c.name, organization.c.id)
)
_CITATIONS = (
    select(citation.c.subject_id, citation.c.source_id, citation.c.excerpt)
    .where(citation.c.subject_type == SubjectType.EVENT.value, citation.c.subject_id.in_(IDS))
    .order_by(citation.c.ordinal)
)


def _by_event(connection: Connection, statement: Any, ids: list[str]) -> dict[str, list[Any]]:
    grouped: dict[str, list[Any]] = defaultdict(list)
    for row in connection.execute(statement, {"ids": ids}):
        grouped[row[0]].append(row)
    return grouped


def _date(first: Any, last: Any, precision: str | None) -> PartialDate | None:
    return PartialDate.from_columns(first, last, precision)


def build_events(connection: Connection, ids: list[str]) -> list[EventPublic]:
    """The events `ids` (those that exist) as `EventPublic`, in id order."""
    countries = _by_event(connection, _COUNTRIES, ids)
    participants = _by_event(connection, _PARTICIPANTS, ids)
    topics = _by_event(connection, _TOPICS, ids)
    organizations = _by_event(connection, _ORGANIZATIONS, ids)
    citations = _by_event(connection, _CITATIONS, ids)
    events = []
    for row in connection.execute(_EVENTS, {"ids": ids}):
        fields = {
            "id": row.id,
            "kind": row.kind,
            "status": row.status,
            "title": row.title,
            "start": _date(row.start_first, row.start_last, row.start_precision),
            "start_text": row.start_text,
            "end": _date(row.end_first, row.end_last, row.end_precision),
            "end_text": row.end_text,
            "place": {"id": row.place_id, "name": row.place_name} if row.place_id else None,
            "host_country": row.host_country,
            "countries": [r.country for r in countries[row.id]],
            "organizations": [{"id": r.id, "name": r.name} for r in organizations[row.id]],
            "participants": [
                {"person": {"id": r.id, "name": r.name}, "role": r.role}
                for r in participants[row.id]
            ],
            "duration": {
                "value": row.duration_value,
                "unit": row.duration_unit,
                "qualifier": row.duration_qualifier,
                "text": row.duration_text,
            }
            if row.duration_value is not None
            else None,
            "format": row.format,
            "outcomes": row.outcomes or None,
            "parent": {
                "id": row.parent_id,
                "kind": row.parent_kind,
                "title": row.parent_title,
                "start": _date(
                    row.parent_start_first, row.parent_start_last, row.parent_start_precision
                ),
            }
            if row.parent_id
            else None,
            "topics": [{"id": r.id, "name": r.name} for r in topics[row.id]],
            "notes": row.notes,
            "citations": [{"source": r.source_id, "excerpt": r.excerpt} for r in citations[row.id]],
        }
        events.append(EventPublic.model_validate(fields))
    return events


def _chunks(ids: Iterable[str]) -> Iterator[list[str]]:
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


def _insert(connection: Connection, ids: list[str]) -> int:
    rows = [
        {"event_id": public.id, "body": public.model_dump_json()}
        for public in build_events(connection, ids)
    ]
    if rows:
        connection.execute(insert(document), rows)
    return len(rows)


def write(connection: Connection, ids: Iterable[str]) -> int:
    """(Re)writes the documents of the events `ids`; an id with no event loses its document."""
    written = 0
    for chunk in _chunks(ids):
        connection.execute(delete(document).where(document.c.event_id.in_(chunk)))
        written += _insert(connection, chunk)
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
        written += _insert(connection, chunk)
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
