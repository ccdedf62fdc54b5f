"""Tables derived from the records (search documents, ...), kept in step by every load.

A load calls `refresh_derived` inside its transaction after writing the records: with the
load's `SyncReport` it rewrites what the changed rows affect; with `None` it rebuilds
everything (a database migrated after it was seeded, `entente reindex`, a bulk load into an
empty database). Each derived table registers a `Derived` here, so the loader and the CLI
need not know them one by one.
"""

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection

from app.events import documents as event_documents
from app.relations import derived as relations
from app.search import index as search_index
from app.seeding.sync import SyncReport


@dataclass(frozen=True)
class Derived:
    name: str
    # Rewrites what the report's changes affect; returns the number of rows written.
    refresh: Callable[[Connection, SyncReport], int]
    # Rebuilds the whole table from the records.
    rebuild: Callable[[Connection], int]
    # True when the table holds nothing although records exist (migrated after seeding).
    is_empty: Callable[[Connection], bool]
    # The tables (before this one in `DERIVED`) whose rebuild this one must follow with its own.
    rebuilt_with: tuple[str, ...] = ()


def _search_refresh(connection: Connection, report: SyncReport) -> int:
    return search_index.refresh(connection, search_index.touched_records(report))


def _search_rebuild(connection: Connection) -> int:
    return search_index.rebuild(connection)


# In this order: the pair items hold their events' document keys (`relation_item.doc_id`),
# read from the documents when the items are written, so the documents come first, and a
# rebuild of the documents (which gives them new keys) rebuilds the items too.
DERIVED: list[Derived] = [
    Derived("search", _search_refresh, _search_rebuild, search_index.is_empty),
    Derived(
        event_documents.NAME,
        event_documents.refresh,
        event_documents.rebuild,
        event_documents.is_empty,
    ),
    Derived(
        "relations",
        relations.refresh,
        relations.rebuild,
        relations.is_empty,
        rebuilt_with=(event_documents.NAME,),
    ),
]


def refresh_derived(
    connection: Connection,
    report: SyncReport | None,
    on_done: Callable[[str], None] | None = None,
    built: set[str] | frozenset[str] = frozenset(),
) -> int:
    """Brings every derived table up to date; returns the number of rows written.

    With `report` None, or for a table that is empty, everything is rebuilt, except the
    tables named in `built`, which the load made whole itself. `on_done` is told each
    table's name once it is done (the loader times its phases with it).
    """
    written = 0
    rebuilt = set(built)  # made anew by the load
    for derived in DERIVED:
        if derived.name not in built:
            if (
                report is None
                or rebuilt.intersection(derived.rebuilt_with)
                or derived.is_empty(connection)
            ):
                written += derived.rebuild(connection)
                rebuilt.add(derived.name)
            elif report.total:
                written += derived.refresh(connection, report)
        if on_done is not None:
            on_done(derived.name)
    return written
