"""Brings tables to the rows a seed run wants, writing only what differs.

Rows are keyed by their primary keys, which are stable slugs (or slug + ordinal), so a
second run of the same bundles finds every row equal and writes nothing. Child rows
(participants, citations, positions, ...) of an owner that the run loads are replaced as
a set: those the bundles no longer have are deleted. Owners that the run does not load
are left alone, so seeding one bundle never deletes another's facts.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Table, and_, bindparam, delete, insert, select, update

from app.models import metadata

Row = dict[str, Any]

# Child tables and the columns naming their owner.
OWNER_COLUMNS: dict[str, tuple[str, ...]] = {
    "position": ("person_id",),
    "event_country": ("event_id",),
    "event_participant": ("event_id",),
    "event_topic": ("event_id",),
    "event_organization": ("event_id",),
    "mechanism_country": ("mechanism_id",),
    "mechanism_status": ("mechanism_id",),
    "figure_derivation": ("figure_id",),
    "statement_topic": ("statement_id",),
    "assessment_country": ("assessment_id",),
    "assessment_organization": ("assessment_id",),
    "citation": ("subject_type", "subject_id"),
}


@dataclass
class TableChanges:
    inserted: int = 0
    updated: int = 0
    deleted: int = 0
    # The records whose rows changed: the owner (OWNER_COLUMNS) of a child row, else its key.
    touched: set[tuple[Any, ...]] = field(default_factory=set)


@dataclass
class SyncReport:
    tables: dict[str, TableChanges] = field(default_factory=dict)
    # False after a bulk load (`app.seeding.bulk`), whose changes name no touched record.
    diffed: bool = True
    # The derived tables (`app.seeding.derived`) the load itself made whole as it wrote.
    built: set[str] = field(default_factory=set)

    @property
    def total(self) -> int:
        return sum(c.inserted + c.updated + c.deleted for c in self.tables.values())


def _key_columns(table: Table) -> tuple[str, ...]:
    return tuple(column.name for column in table.primary_key.columns)


def _parents_first(rows: list[Row]) -> list[Row]:
    """Orders rows of a self-referencing table (events) so each parent precedes its children."""
    by_id = {row["id"]: row for row in rows}
    ordered: list[Row] = []
    placed: set[str] = set()

    def place(row: Row, seen: frozenset[str]) -> None:
        if row["id"] in placed or row["id"] in seen:
            return
        parent = by_id.get(row.get("parent_id") or "")
        if parent is not None:
            place(parent, seen | {row["id"]})
        placed.add(row["id"])
        ordered.append(row)

    for row in rows:
        place(row, frozenset())
    return ordered


def sync_table(connection: Connection, table: Table, wanted: Iterable[Row]) -> TableChanges:
    keys = _key_columns(table)
    columns = [column.name for column in table.columns]
    wanted_by_key = {
        tuple(row[k] for k in keys): {c: row.get(c) for c in columns} for row in wanted
    }
    owner_columns = OWNER_COLUMNS.get(table.name, ())
    owners = {tuple(row[c] for c in owner_columns) for row in wanted_by_key.values()}
    changes = TableChanges()

    to_update: list[Row] = []
    to_delete: list[Row] = []
    record_of = (
        (lambda row: tuple(row[c] for c in owner_columns))
        if owner_columns
        else (lambda row: tuple(row[k] for k in keys))
    )
    for existing in connection.execute(select(table)).mappings():
        key = tuple(existing[k] for k in keys)
        row = wanted_by_key.pop(key, None)
        if row is None:
            if owner_columns and tuple(existing[c] for c in owner_columns) in owners:
                to_delete.append({f"k_{k}": existing[k] for k in keys})
                changes.touched.add(record_of(existing))
        elif any(existing[c] != row[c] for c in columns):
            to_update.append(row)
            changes.touched.add(record_of(row))
    to_insert = list(wanted_by_key.values())
    changes.touched.update(record_of(row) for row in to_insert)
    if "parent_id" in columns:
        to_insert = _parents_first(to_insert)

    key_match = and_(*(table.c[k] == bindparam(f"k_{k}") for k in keys))
    if to_delete:
        connection.execute(delete(table).where(key_match), to_delete)
        changes.deleted = len(to_delete)
    if to_insert:
        connection.execute(insert(table), to_insert)
        changes.inserted = len(to_insert)
    if to_update:
        values: dict[str, Any] = {c: bindparam(f"v_{c}") for c in columns if c not in keys}
        connection.execute(
            update(table).where(key_match).values(values),
            [
                {**{f"k_{k}": row[k] for k in keys}, **{f"v_{c}": row[c] for c in values}}
                for row in to_update
            ],
        )
        changes.updated = len(to_update)
    return changes


def sync_all(connection: Connection, rows: dict[str, list[Row]]) -> SyncReport:
    """Syncs every table in `rows`, parents before children (the metadata's FK order)."""
    report = SyncReport()
    for table in metadata.sorted_tables:
        if table.name in rows:
            report.tables[table.name] = sync_table(connection, table, rows[table.name])
    return report
