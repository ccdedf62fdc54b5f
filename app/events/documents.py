"""Event documents: each event as the API lists it, written by the loads that change it.

A page of the events list is read as ready JSON documents (`event_document.body`) instead of
being assembled from eight tables and a pydantic model per event on every request. A
document is `EventPublic` as JSON, in its field order; a test checks every seeded event's
document against the model that `service.build_events` makes.

They are built here in plain Python from a few streams of rows in event order (the event
with its place and parent, then its countries, organizations, participants, topics and
citations), merged by event id: the same code for a load's few changed events and for a
rebuild of a million (about 15 µs an event; assembling them in SQL with the engines' JSON
functions cost six times that on SQLite).

A document shows names from other records (people, topics, places, organizations, the
parent event), so a load that changes one of those rewrites the documents that show it.
"""

import json
from collections.abc import Callable, Iterable, Iterator
from itertools import groupby
from operator import itemgetter
from typing import Any

import orjson
from sqlalchemy import Connection, Insert, bindparam, exists, select, text
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app import rawsql
from app.events.models import Event, EventDocument, EventOutcomes, Role
from app.seeding.sync import SyncReport
from app.values import partial_date_text

document = EventDocument.__table__  # type: ignore[attr-defined]
event = Event.__table__  # type: ignore[attr-defined]
NAME = "event documents"  # as `app.seeding.derived` lists it
TABLE = document.name
CHUNK = 2000
ROLE_ORDER = {Role.HOST.value: 0, Role.GUEST.value: 1}  # then every other role
OUTCOME_FIELDS = tuple(EventOutcomes.model_fields)

# Each statement selects the event id first and is ordered by it (`{where}`: all events, or
# those of a chunk). The link tables are read in primary-key order, which starts with the
# event id; what a document orders otherwise (participants by role and name) is sorted per
# event in Python, a few rows each.
EVENTS = (
    "SELECT e.id, e.kind, e.status, e.title, e.start_first, e.start_precision, e.start_text, "
    "e.end_first, e.end_precision, e.end_text, pl.id, pl.name, e.host_country, "
    "e.duration_value, e.duration_unit, e.duration_qualifier, e.duration_text, e.format, "
    "e.outcomes, pa.id, pa.kind, pa.title, pa.start_first, pa.start_precision, e.notes "
    "FROM event AS e LEFT JOIN place AS pl ON pl.id = e.place_id "
    "LEFT JOIN event AS pa ON pa.id = e.parent_id {where} ORDER BY e.id"
)
COUNTRIES = "SELECT event_id, country FROM event_country {where} ORDER BY event_id, country"
# The names of people, topics and organizations are looked up in dicts read once (a join
# per link row cost SQLite more than the rest of the document).
ORGANIZATIONS = (
    "SELECT event_id, organization_id FROM event_organization {where} "
    "ORDER BY event_id, organization_id"
)
PARTICIPANTS = (
    "SELECT event_id, person_id, role FROM event_participant {where} ORDER BY event_id, person_id"
)
TOPICS = "SELECT event_id, topic_id FROM event_topic {where} ORDER BY event_id, topic_id"
NAMES = {
    "organization": "SELECT id, name FROM organization",
    "person": "SELECT id, name FROM person",
    "topic": "SELECT id, name FROM topic",
}
CITATIONS = (
    "SELECT subject_id, source_id, excerpt FROM citation "
    "WHERE subject_type = 'event' {and_where} ORDER BY subject_id, ordinal"
)


def _outcomes(stored: Any) -> dict[str, Any] | None:
    if stored is None or stored == "null":  # SQLAlchemy's JSON type stores None as null
        return None
    if isinstance(stored, str):
        stored = json.loads(stored)
    if not stored:
        return None
    return {name: stored.get(name) for name in OUTCOME_FIELDS}


def _named(ids: list[str], names: dict[str, str]) -> list[dict[str, Any]]:
    """`{id, name}` of the linked records, by name then id."""
    if len(ids) == 1:  # most links: nothing to sort
        return [{"id": ids[0], "name": names[ids[0]]}]
    return [{"id": id_, "name": name} for name, id_ in sorted([(names[i], i) for i in ids])]


def body_of(
    names: dict[str, dict[str, str]],
    event: tuple[Any, ...],
    countries: list[str],
    organizations: list[str],
    participants: list[tuple[str, str]],
    topics: list[str],
    citations: list[tuple[str | None, str]],
) -> str:
    """The document of `event` (a row of `EVENTS`, values as stored) with its distinct
    countries in order, the ids of its organizations and topics, its participants as
    (person, role) and its citations as (source, excerpt) in order; `names` by kind. Also
    made by a bulk load from the records as it reads them (`app.seeding.bulk`)."""
    (
        id_,
        kind,
        status,
        title,
        start_first,
        start_precision,
        start_text,
        end_first,
        end_precision,
        end_text,
        place_id,
        place_name,
        host_country,
        duration_value,
        duration_unit,
        duration_qualifier,
        duration_text,
        format_,
        outcomes,
        parent_id,
        parent_kind,
        parent_title,
        parent_start_first,
        parent_start_precision,
        notes,
    ) = event
    people = names["person"]
    ordered_participants = sorted(
        [
            (ROLE_ORDER.get(role, 2), people[person_id], person_id, role)
            for person_id, role in participants
        ]
    )
    return orjson.dumps(
        {
            "id": id_,
            "kind": kind,
            "status": status,
            "title": title,
            "start": partial_date_text(start_first, start_precision),
            "start_text": start_text,
            "end": partial_date_text(end_first, end_precision),
            "end_text": end_text,
            "place": {"id": place_id, "name": place_name} if place_id is not None else None,
            "host_country": host_country,
            "countries": countries,
            "organizations": _named(organizations, names["organization"]),
            "participants": [
                {"person": {"id": person_id, "name": name}, "role": role}
                for _, name, person_id, role in ordered_participants
            ],
            "duration": {
                "value": float(duration_value),
                "unit": duration_unit,
                "qualifier": duration_qualifier,
                "text": duration_text,
            }
            if duration_value is not None
            else None,
            "format": format_,
            "outcomes": _outcomes(outcomes),
            "parent": {
                "id": parent_id,
                "kind": parent_kind,
                "title": parent_title,
                "start": partial_date_text(parent_start_first, parent_start_precision),
            }
            if parent_id is not None
            else None,
            "topics": _named(topics, names["topic"]),
            "notes": notes,
            "citations": [{"source": source, "excerpt": excerpt} for source, excerpt in citations],
        }
    ).decode()


Rows = Iterator[tuple[Any, ...]]


def _by_event(rows: Rows) -> Callable[[str], list[Any]]:
    """A reader of `rows` (ordered by their first column, the event id) that, asked for every
    event id in the same order, returns each one's rows without the id: the second column
    alone when there are two, else the tuple of the others.

    Only equality is compared, never order: every row belongs to an event, so the pending
    group is the asked event's or a later one's, whatever collation the database sorts by."""
    groups = groupby(rows, key=itemgetter(0))
    current: tuple[Any, Iterator[tuple[Any, ...]]] | None = next(groups, None)

    def rows_of(event_id: str) -> list[Any]:
        nonlocal current
        if current is not None and current[0] == event_id:
            found = [row[1] if len(row) == 2 else row[1:] for row in current[1]]
            current = next(groups, None)
            return found
        return []

    return rows_of


def _documents(connection: Connection, ids: list[str] | None) -> Iterator[tuple[str, str]]:
    """`(event id, body)` of the events `ids` (None: every event), in id order."""

    def stream(sql: str) -> Rows:
        if ids is None:  # every event: through the driver, without SQLAlchemy's rows
            return rawsql.stream(connection, sql.format(where="", and_where=""))
        else:
            where, and_where = "WHERE {0} IN :ids", "AND subject_id IN :ids"
            params = {"ids": ids}
        column = sql.split("SELECT ", 1)[1].split(",", 1)[0]  # the event id
        statement = text(sql.format(where=where.format(column), and_where=and_where)).bindparams(
            *([bindparam("ids", expanding=True)] if ids is not None else [])
        )
        # Per statement: `Connection.execution_options` would change the connection itself.
        result = connection.execute(statement.execution_options(stream_results=True), params)
        return (tuple(row) for row in result)

    names = {
        kind: {row[0]: row[1] for row in connection.execute(text(sql))}
        for kind, sql in NAMES.items()
    }
    readers = [
        _by_event(stream(sql))
        for sql in (COUNTRIES, ORGANIZATIONS, PARTICIPANTS, TOPICS, CITATIONS)
    ]
    for event in stream(EVENTS):
        event_id = event[0]
        yield event_id, body_of(names, event, *(read(event_id) for read in readers))


def write(connection: Connection, ids: Iterable[str]) -> int:
    """(Re)writes the documents of the events `ids`, each in place (its key, which the pair
    items hold, kept); an id with no event loses its document."""
    ordered = sorted(set(ids))
    written = 0
    gone = ~exists().where(event.c.id == document.c.event_id)
    for start in range(0, len(ordered), CHUNK):
        chunk = ordered[start : start + CHUNK]
        connection.execute(document.delete().where(document.c.event_id.in_(chunk), gone))
        written += _insert(connection, _documents(connection, chunk))
    return written


def _upsert(dialect: str) -> Insert:
    """A document written, or its body replaced if the event has one (its key kept)."""
    statement = (sqlite_insert if dialect == "sqlite" else postgresql_insert)(document)
    return statement.on_conflict_do_update(
        index_elements=[document.c.event_id], set_={"body": statement.excluded.body}
    )


def _insert(connection: Connection, documents: Iterator[tuple[str, str]]) -> int:
    upsert = _upsert(connection.dialect.name)
    written = 0
    batch: list[dict[str, str]] = []
    for event_id, body in documents:
        batch.append({"event_id": event_id, "body": body})
        if len(batch) == CHUNK:
            written += rawsql.execute_many(connection, upsert, batch)
            batch = []
    if batch:
        written += rawsql.execute_many(connection, upsert, batch)
    return written


def write_missing(connection: Connection) -> int:
    """Writes the documents of the events that have none (after a bulk load made the rest)."""
    missing = connection.execute(
        text(
            "SELECT id FROM event WHERE NOT EXISTS "
            "(SELECT 1 FROM event_document AS d WHERE d.event_id = event.id)"
        )
    ).scalars()
    return write(connection, missing)


def rebuild(connection: Connection) -> int:
    connection.execute(document.delete())
    return _insert(connection, _documents(connection, None))


def is_empty(connection: Connection) -> bool:
    return connection.execute(select(document.c.event_id).limit(1)).first() is None


# The tables whose rows a document shows, and how to find the events that show a changed
# record of each: (event ids selected by the record's key).
_SHOWN_BY = {
    "person": "SELECT event_id FROM event_participant WHERE person_id IN :keys",
    "topic": "SELECT event_id FROM event_topic WHERE topic_id IN :keys",
    "organization": "SELECT event_id FROM event_organization WHERE organization_id IN :keys",
    "place": "SELECT id FROM event WHERE place_id IN :keys",
    "event": "SELECT id FROM event WHERE parent_id IN :keys",  # a parent's title or date
}
_OWN_TABLES = ("event", "event_country", "event_participant", "event_topic", "event_organization")


def affected(connection: Connection, report: SyncReport) -> set[str]:
    """The events whose documents the load's changes make stale."""
    ids: set[str] = set()
    for name in _OWN_TABLES:
        if name in report.tables:
            ids.update(str(record[0]) for record in report.tables[name].touched)
    if "citation" in report.tables:
        ids.update(
            str(subject_id)
            for subject_type, subject_id in report.tables["citation"].touched
            if subject_type == "event"
        )
    for name, sql in _SHOWN_BY.items():
        changes = report.tables.get(name)
        if changes is None or not changes.touched:
            continue
        keys = sorted(str(record[0]) for record in changes.touched)
        query = text(sql).bindparams(bindparam("keys", expanding=True))
        for start in range(0, len(keys), CHUNK):
            ids.update(connection.execute(query, {"keys": keys[start : start + CHUNK]}).scalars())
    return ids


def refresh(connection: Connection, report: SyncReport) -> int:
    return write(connection, affected(connection, report))
