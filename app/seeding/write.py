"""Writes the rows of loaded records, a batch at a time, changing only what differs.

Rows are keyed by their primary keys, stable slugs (or slug and ordinal), so loading the
same records again finds every row equal and writes nothing. A batch reads the rows it
could change (those of its records, by key, and the child rows of the records that own
children), then inserts, updates and deletes the difference. Into an empty database every
read finds nothing and every row is inserted, in bulk, by the same steps.
"""

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    Connection,
    Table,
    and_,
    bindparam,
    delete,
    select,
    text,
    tuple_,
    update,
)
from sqlalchemy.exc import IntegrityError

from app.db import insert_rows
from app.models import metadata
from app.seeding.rows import OWNER_COLUMNS, Row, Rows
from app.sources.models import SubjectType

# Records whose changed rows are remembered one by one; past this a table is marked as
# changed throughout, and what derives from it is rebuilt whole (a first load of a million).
TOUCHED_AT_MOST = 50_000
KEYS_A_QUERY = 500
# Tables whose rows are the subject of citations: deleting one deletes its citations.
CITED = {
    "position": SubjectType.POSITION.value,
    "mechanism_status": SubjectType.MECHANISM_STATUS.value,
}


@dataclass
class TableChanges:
    inserted: int = 0
    updated: int = 0
    deleted: int = 0
    # The records whose rows changed (a child row's owner, else the row's key); None once
    # more than TOUCHED_AT_MOST did.
    touched: set[tuple[Any, ...]] | None = field(default_factory=set)

    def touch(self, records: Iterable[tuple[Any, ...]]) -> None:
        if self.touched is not None:
            self.touched.update(records)
            if len(self.touched) > TOUCHED_AT_MOST:
                self.touched = None

    @property
    def total(self) -> int:
        return self.inserted + self.updated + self.deleted


@dataclass
class Changes:
    """What a load changed, by table."""

    tables: dict[str, TableChanges] = field(default_factory=dict)

    def of(self, table: str) -> TableChanges:
        return self.tables.setdefault(table, TableChanges())

    @property
    def total(self) -> int:
        return sum(changes.total for changes in self.tables.values())


# The tables of the records, parents first; citations last, so that the citations of
# deleted positions and status changes go with them. (Not what derives from the records:
# the event documents, the search index, the revision.)
DERIVED = {"event_document", "search_document", "kb_revision"}
# Tables a load does not write from bundles: the write side's own.
NOT_LOADED = {"change", "proposal", "api_key"}
ORDER = [
    table
    for table in metadata.sorted_tables
    if table.name not in DERIVED | NOT_LOADED and table.name != "citation"
] + [metadata.tables["citation"]]
# The tables whose every change is recorded in `change` (the audit and the change feed).
AUDITED = {"claim", "source"}


def audited(table: str, row: Row | None) -> dict[str, Any] | None:
    """A claim's or a source's stored value as the audit keeps it (JSON: dates as text)."""
    if row is None:
        return None
    if table == "claim":
        return {"rank": row["rank"], "bundle": row["bundle"], "record": row["record"]}
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in row.items()}


def change_key(table: str, row: Row) -> dict[str, str]:
    if table == "claim":
        return {"kind": row["kind"], "entity_id": row["entity_id"], "source_id": row["source_id"]}
    return {"kind": "source", "entity_id": row["id"], "source_id": row["id"]}


def chunks(items: list[Any]) -> Iterator[list[Any]]:
    """`items` a query's worth at a time (`KEYS_A_QUERY`)."""
    for start in range(0, len(items), KEYS_A_QUERY):
        yield items[start : start + KEYS_A_QUERY]


class Writer:
    """Brings the tables to the rows of the records given, batch after batch; `finish` once
    every batch is written."""

    def __init__(self, connection: Connection, actor: str = "entente seed") -> None:
        self.connection = connection
        self.changes = Changes()
        self.actor = actor
        self._audit: list[Row] = []
        # A table empty when the load began holds only rows this load wrote, each record
        # once (a duplicate id is an error): there is nothing to read before writing to it.
        self.empty = {
            table.name
            for table in ORDER
            if connection.execute(select(table).limit(1)).first() is None
        }

    def finish(self) -> None:
        """Checks every foreign key, now that every row is written (a broken one raises
        `IntegrityError` here, not at the commit)."""
        if self.connection.dialect.name == "postgresql":
            self.connection.execute(text("SET CONSTRAINTS ALL IMMEDIATE"))
        else:
            broken = self.connection.exec_driver_sql("PRAGMA foreign_key_check").first()
            if broken is not None:
                table, rowid, parent, _ = broken
                raise IntegrityError(
                    "PRAGMA foreign_key_check",
                    None,
                    Exception(f"a row of {table} (rowid {rowid}) names a missing {parent}"),
                )

    def audit(self, table: str, before: Row | None, after: Row | None) -> None:
        """Records a change of a claim or a source (written with the batch)."""
        self._audit.append(
            {
                **change_key(table, before or after or {}),
                "actor": self.actor,
                "before": audited(table, before),
                "after": audited(table, after),
            }
        )

    def _write_audit(self) -> None:
        if self._audit:
            at = dt.datetime.now(dt.UTC)
            insert_rows(
                self.connection,
                metadata.tables["change"],
                [{**row, "at": at} for row in self._audit],
            )
            self._audit = []

    def remove(self, table_name: str, ids: list[str]) -> None:
        """Deletes the rows of `table_name` of these ids (their child rows: `write`)."""
        table = metadata.tables[table_name]
        if table_name in AUDITED:
            for row in self.connection.execute(select(table).where(table.c.id.in_(ids))):
                self.audit(table_name, dict(row._mapping), None)
            self._write_audit()
        self.connection.execute(delete(table).where(table.c.id.in_(ids)))
        changes = self.changes.of(table_name)
        changes.deleted += len(ids)
        changes.touch((id_,) for id_ in ids)

    def write(self, rows: Rows) -> None:
        deleted_subjects: set[tuple[Any, ...]] = set()
        for table in ORDER:
            wanted = rows.tables.get(table.name, [])
            owners = set(rows.owners.get(table.name, ()))
            if table.name == "citation":
                owners |= deleted_subjects
            if not wanted and not owners:
                continue
            deleted = self._sync(table, wanted, owners)
            if table.name in CITED:
                deleted_subjects |= {(CITED[table.name], key[0]) for key in deleted}
        self._write_audit()

    @staticmethod
    def _records(table: Table, rows: list[Row]) -> list[tuple[Any, ...]]:
        """The records the rows belong to: a child row's owner, else the row's key."""
        columns = OWNER_COLUMNS.get(table.name) or [c.name for c in table.primary_key.columns]
        return [tuple(row[c] for c in columns) for row in rows]

    def _existing(self, table: Table, wanted: list[Row], owners: set[tuple[Any, ...]]) -> list[Row]:
        """The stored rows the batch could change: those of its keys, or of its owners."""
        if table.name in self.empty:
            return []
        owner_columns = OWNER_COLUMNS.get(table.name)
        columns = owner_columns or tuple(c.name for c in table.primary_key.columns)
        if owner_columns:
            keys = sorted(owners)
        else:
            keys = sorted({tuple(row[c] for c in columns) for row in wanted})
        found: list[Row] = []
        for chunk in chunks(keys):
            if len(columns) == 1:
                condition = table.c[columns[0]].in_([key[0] for key in chunk])
            else:
                condition = tuple_(*(table.c[c] for c in columns)).in_(chunk)
            found += [
                dict(row)
                for row in self.connection.execute(select(table).where(condition)).mappings()
            ]
        return found

    def _sync(
        self, table: Table, wanted: list[Row], owners: set[tuple[Any, ...]]
    ) -> list[tuple[Any, ...]]:
        """Inserts, updates and deletes what differs; returns the keys of the deleted rows."""
        changes = self.changes.of(table.name)
        if table.name in self.empty:
            # Nothing stored to compare with: every row is new (their keys are unique: a
            # record is loaded once, and its child rows are keyed by what it lists once).
            insert_rows(self.connection, table, wanted)
            if table.name in AUDITED:
                for new in wanted:
                    self.audit(table.name, None, new)
            changes.inserted += len(wanted)
            if changes.touched is not None:
                changes.touch(self._records(table, wanted))
            return []
        keys = tuple(column.name for column in table.primary_key.columns)
        columns = [column.name for column in table.columns]
        owner_columns = OWNER_COLUMNS.get(table.name)
        wanted_by_key = {
            tuple(row[k] for k in keys): {c: row.get(c) for c in columns} for row in wanted
        }

        def record_of(row: Row) -> tuple[Any, ...]:
            return tuple(row[c] for c in (owner_columns or keys))

        to_update: list[Row] = []
        to_delete: list[tuple[Any, ...]] = []
        for existing in self._existing(table, wanted, owners):
            key = tuple(existing[k] for k in keys)
            row = wanted_by_key.pop(key, None)
            if row is None:
                if owner_columns:  # a child row its owner no longer has
                    to_delete.append(key)
                    changes.touch([record_of(existing)])
            elif any(existing[c] != row[c] for c in columns):
                to_update.append(row)
                if table.name in AUDITED:
                    self.audit(table.name, existing, row)
        to_insert = list(wanted_by_key.values())
        if table.name in AUDITED:
            for new in to_insert:
                self.audit(table.name, None, new)
        changes.touch(record_of(row) for row in to_insert + to_update)

        key_match = and_(*(table.c[k] == bindparam(f"k_{k}") for k in keys))
        if to_delete:
            self.connection.execute(
                delete(table).where(key_match),
                [
                    {f"k_{k}": value for k, value in zip(keys, key, strict=True)}
                    for key in to_delete
                ],
            )
        if to_insert:
            insert_rows(self.connection, table, to_insert)
        if to_update:
            values: dict[str, Any] = {c: bindparam(f"v_{c}") for c in columns if c not in keys}
            self.connection.execute(
                update(table).where(key_match).values(values),
                [
                    {**{f"k_{k}": row[k] for k in keys}, **{f"v_{c}": row[c] for c in values}}
                    for row in to_update
                ],
            )
        changes.inserted += len(to_insert)
        changes.updated += len(to_update)
        changes.deleted += len(to_delete)
        return to_delete
