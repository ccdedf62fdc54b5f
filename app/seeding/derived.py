"""What derives from the records, kept in step by every change: the event documents and the
search index.

A load (or a write) calls `refresh_derived` inside its transaction after writing the
records: with its `Changes` it rewrites what the changed rows affect; with None, or when a
change touched too many records to list (`TableChanges.touched` None), it rebuilds.
"""

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, exists, select

from app.events import documents
from app.events.models import Event, EventDocument
from app.search import index as search_index
from app.search.models import SearchType
from app.seeding.write import Changes

event = Event.__table__  # type: ignore[attr-defined]
document = EventDocument.__table__  # type: ignore[attr-defined]
# The tables whose rows an event's document holds (each row's record: the event).
EVENT_TABLES = ("event", "event_country", "event_participant", "event_topic", "event_organization")
SHOWN = tuple(documents.SHOWN_BY)  # records whose names documents show


class _TooMany(Exception):
    """A change touched more records than are listed one by one: rebuild."""


def _touched(changes: Changes, table: str) -> set[tuple[Any, ...]]:
    found = changes.tables.get(table)
    if found is None:
        return set()
    if found.touched is None:
        raise _TooMany(table)
    return found.touched


def _stale_documents(connection: Connection, changes: Changes) -> set[str]:
    """The events whose documents the changes make stale, and those that have none."""
    ids = {key[0] for table in EVENT_TABLES for key in _touched(changes, table)}
    ids |= {key[1] for key in _touched(changes, "citation") if key[0] == "event"}
    for kind in SHOWN:
        renamed = {key[0] for key in _touched(changes, kind)}
        if renamed:
            ids |= documents.showing(connection, kind, renamed)
    missing = select(event.c.id).where(~exists().where(document.c.event_id == event.c.id))
    ids.update(connection.execute(missing).scalars())
    return ids


def _stale_search(changes: Changes) -> dict[SearchType, set[str]]:
    """The searchable records whose own rows, positions or citations changed."""
    records: dict[SearchType, set[str]] = {kind: set() for kind in SearchType}
    for kind in SearchType:
        records[kind] |= {key[0] for key in _touched(changes, kind.value)}
    records[SearchType.PERSON] |= {key[0] for key in _touched(changes, "position")}
    for subject_type, subject_id in _touched(changes, "citation"):
        if subject_type in records:
            records[SearchType(subject_type)].add(subject_id)
    return records


def refresh_derived(
    connection: Connection,
    changes: Changes | None,
    on_done: Callable[[str], None] | None = None,
) -> int:
    """Brings the documents and the search index up to date; returns the rows written."""
    written = 0
    try:
        if changes is None:
            raise _TooMany()
        written += documents.write(connection, _stale_documents(connection, changes))
    except _TooMany:
        written += documents.rebuild(connection)
    if on_done is not None:
        on_done("event documents")
    try:
        if changes is None or search_index.is_empty(connection):
            raise _TooMany()
        written += search_index.refresh(connection, _stale_search(changes))
    except _TooMany:
        written += search_index.rebuild(connection)
    if on_done is not None:
        on_done("search index")
    return written
