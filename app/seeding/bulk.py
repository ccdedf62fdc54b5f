"""Loads bundles into an empty knowledge base in one streaming pass (the first, bulk load).

The diff-based load (`sync_all`) holds every model and every row of the run in memory and
compares each table with what is stored: a million events took 12 minutes and 11 GB. When
no table a load writes holds a row yet, there is nothing to compare with, so this reads the
bundles one record at a time, checks each as the diff-based load does (same model, same
references, same excerpts, same messages in the same order) and inserts its rows in batches
of plain tuples, all inside the load's one transaction: any error rolls everything back.

What the streaming order changes is handled here: a reference (or a cited source) that is
not known yet when its record is read is checked again at the end, once every record is;
SQLite defers its foreign-key checks to the commit (`defer_foreign_keys`, so a violation is
still never written), and PostgreSQL, whose constraints cannot be deferred, gets every row
at the end, parents first.
"""

import json
import multiprocessing as mp
import pickle
import queue
import re
import threading
import traceback
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pydantic_core
from pydantic import BaseModel, ValidationError
from sqlalchemy import Column, Connection, Table, text

from app.countries.models import Country, CountryCreate
from app.events import documents as event_documents
from app.events import page_keys
from app.models import metadata
from app.seeding import fast_events
from app.seeding.bundle import SECTION_KINDS
from app.seeding.checks import (
    SourceTexts,
    excerpt_problem,
    fold_whitespace,
    read_source_text,
    references,
    walk,
)
from app.seeding.errors import SeedError, SeedFailed
from app.seeding.rows import build_rows, new_rows
from app.seeding.sync import SyncReport, TableChanges, sync_table
from app.seeding.yaml_lines import Loc, line_of
from app.sources.models import CitationCreate, SourceCreate
from app.values import SLUG_PATTERN

# The tables a load writes besides `country`: the bulk load applies only when all are empty.
RECORD_TABLES = (
    "source",
    "organization",
    "person",
    "position",
    "place",
    "topic",
    "event",
    "event_country",
    "event_participant",
    "event_topic",
    "event_organization",
    "mechanism",
    "mechanism_country",
    "mechanism_status",
    "figure",
    "figure_derivation",
    "statement",
    "statement_topic",
    "assessment",
    "assessment_country",
    "assessment_organization",
    "citation",
)
# Rows kept before an insert (SQLite); large enough that a batch costs little per row.
BATCH_ROWS = 20_000
# Events kept before their rows (about 8 an event) are inserted.
EVENTS_A_BATCH = BATCH_ROWS // 8
# Events whose kind, title and start are kept for their children's documents.
PARENTS_KEPT = 100_000
# The kinds whose names event documents show.
_NAMED = ("person", "topic", "organization", "place")
# The page cache of the load's connection (KiB, as SQLite takes a negative cache_size):
# the default 2 MB makes every index insert of a large table a disk read.
SQLITE_CACHE_KIB = 512 * 1024
# The phases of the diff-based checks, whose order the errors keep (see `_sorted_errors`).
PARSE, DUPLICATE, WIKIDATA, CHECK = range(4)


class CannotStream(Exception):
    """The bundles need what only the diff-based load does (a source id given twice with
    different texts, whose excerpts that load checks against the last text only)."""


def applicable(connection: Connection) -> bool:
    """Whether every table a load writes is empty (a fresh database)."""
    if connection.dialect.name not in ("sqlite", "postgresql"):
        return False
    return all(
        connection.execute(text(f"SELECT 1 FROM {name} LIMIT 1")).first() is None
        for name in RECORD_TABLES
    )


def _display(path: Path) -> str:
    from app.seeding.loader import _display as display

    return display(path)


@cache
def _item_model(section: str) -> type[BaseModel]:
    from app.seeding.loader import _item_model as item_model

    return item_model(section)


@dataclass
class _File:
    display: str
    path: Path
    lines: dict[Loc, int] | None  # YAML: the line of each path; NDJSON: None (one a record)
    default_source: str | None = None
    # code -> (wikidata, loc, line of the record), the last of each code in the file
    countries: dict[str, tuple[str | None, Loc, int]] = field(default_factory=dict)

    def line(self, loc: Loc, record_line: int) -> int:
        return record_line if self.lines is None else line_of(self.lines, loc)


@dataclass(slots=True)
class _Deferred:
    """A check that waits for every record: a reference, or a citation of an unknown source."""

    seq: int
    file: _File
    line: int
    loc: Loc
    kind: str  # the kind referred to; "" for a citation
    ref: str | None  # the id referred to, or the citation's own source
    excerpt: str = ""


class RowWriter:
    """Inserts rows (lists in column order) with the driver's `executemany`.

    Given a `channel` (the reading process of a SQLite load, see `_load_in_worker`), it
    sends each full batch, its values already as the driver takes them, to the process
    that holds the connection instead.
    """

    def __init__(self, connection: Connection, channel: Any = None) -> None:
        self.connection = connection
        self.channel = channel
        self.streaming = connection.dialect.name == "sqlite"
        self.tables: dict[str, Table] = {table.name: table for table in metadata.sorted_tables}
        self.buffers: dict[str, list[list[Any]]] = defaultdict(list)
        self.counts: dict[str, int] = defaultdict(int)
        self._cursor: Any = None

    def _send(self, name: str, rows: list[list[Any]]) -> None:
        self._process(name, rows)
        if self.channel is None:
            self.execute(name, rows)
        else:
            self.channel.put(("rows", name, rows))

    @cache  # noqa: B019 (one writer a load)
    def _written(self, name: str) -> tuple[Column[Any], ...]:
        """The table's columns a row gives: all but a surrogate key the database numbers
        (`event_document.doc_id`)."""
        return tuple(
            column
            for column in self.tables[name].columns
            if not (column.primary_key and column.autoincrement is True)
        )

    @cache  # noqa: B019
    def columns(self, name: str) -> tuple[str, ...]:
        return tuple(column.name for column in self._written(name))

    @cache  # noqa: B019
    def _processors(self, name: str) -> tuple[tuple[int, Callable[[Any], Any]], ...]:
        """The bind processors of the columns that have one (dates on SQLite, JSON), so that
        values are stored exactly as an SQLAlchemy insert stores them."""
        dialect = self.connection.dialect
        found = []
        for index, column in enumerate(self._written(name)):
            processor = column.type.dialect_impl(dialect).bind_processor(dialect)
            if processor is not None:
                found.append((index, _remembered(processor)))
        return tuple(found)

    @cache  # noqa: B019
    def _insert_sql(self, name: str) -> str:
        mark = "?" if self.connection.dialect.paramstyle == "qmark" else "%s"
        columns = self.columns(name)
        return (
            f"INSERT INTO {name} ({', '.join(columns)}) VALUES ({', '.join(mark for _ in columns)})"
        )

    def add(self, name: str, row: list[Any]) -> None:
        buffer = self.buffers[name]
        buffer.append(row)
        if self.streaming and len(buffer) >= BATCH_ROWS:
            self._send(name, self.buffers.pop(name))

    def write_all(self) -> None:
        """Inserts every row kept (SQLite; PostgreSQL waits for `finish`)."""
        if self.streaming:
            for name in list(self.buffers):
                self._send(name, self.buffers.pop(name))

    def add_dict(self, name: str, row: dict[str, Any]) -> None:
        self.add(name, [row.get(column) for column in self.columns(name)])

    def send_all(self) -> None:
        """Sends every row kept, whatever the engine (the end of a reading process)."""
        for name in list(self.buffers):
            self._send(name, self.buffers.pop(name))

    def _process(self, name: str, rows: list[list[Any]]) -> None:
        for index, processor in self._processors(name):
            for row in rows:
                row[index] = processor(row[index])

    def execute(self, name: str, rows: list[list[Any]]) -> None:
        """Inserts rows whose values are ready for the driver."""
        if self._cursor is None:
            self._cursor = self.connection.connection.cursor()
        self._cursor.executemany(self._insert_sql(name), rows)
        self.counts[name] += len(rows)

    def finish(self) -> None:
        """Writes what is left, parents before children (PostgreSQL checks each row)."""
        for name in self.tables:
            rows = self.buffers.pop(name, None)
            if rows:
                self._send(name, _parents_first(rows) if name == "event" else rows)
        if self._cursor is not None:
            self._cursor.close()
            self._cursor = None


def _remembered(processor: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """`processor` that remembers its results for values that repeat (dates, None)."""
    memo: dict[tuple[type, Any], Any] = {}

    def process(value: Any) -> Any:
        try:
            key = (type(value), value)
            if key not in memo:
                memo[key] = processor(value)
            return memo[key]
        except TypeError:  # not hashable (a JSON list or mapping)
            return processor(value)

    return process


def _parents_first(rows: list[list[Any]]) -> list[list[Any]]:
    """Event rows ordered so that each parent precedes its children (`part_of`)."""
    parent_at = fast_events.EVENT_COLUMNS.index("parent_id")
    by_id = {row[0]: row for row in rows}
    placed: set[str] = set()
    ordered: list[list[Any]] = []
    for first in rows:
        chain = []
        row: list[Any] | None = first
        while row is not None and row[0] not in placed:
            chain.append(row)
            placed.add(row[0])
            row = by_id.get(row[parent_at]) if row[parent_at] is not None else None
        ordered += reversed(chain)
    return ordered


def _json_line(line: str) -> Any:
    """`json.loads`, through pydantic's faster parser when the line has no escape (whose
    handling, as of lone surrogates, may differ); errors come from `json.loads`."""
    if "\\u" not in line:
        try:
            return pydantic_core.from_json(line)
        except ValueError:
            pass
    return json.loads(line)


def _is_default_source(value: Any) -> bool:
    return isinstance(value, str) and re.match(SLUG_PATTERN, value) is not None


def _final_default_source(lines: list[str]) -> str | None:
    """The source a file's citations default to: its last valid `default_source` line,
    wherever it is (the diff-based load reads the whole file before checking)."""
    found = None
    for line in lines:
        if "default_source" in line or "\\u" in line:
            try:
                data = json.loads(line)
            except ValueError:
                continue
            if (
                isinstance(data, dict)
                and len(data) == 1
                and _is_default_source(data.get("default_source"))
            ):
                found = data["default_source"]
    return found


class BulkLoad:
    """One streaming load: reads, checks and writes record by record."""

    def __init__(self, writer: RowWriter) -> None:
        self.writer = writer
        self.files: list[_File] = []
        self.errors: list[tuple[int, int, SeedError]] = []
        self.deferred: list[_Deferred] = []
        # kind -> id -> (index of the file, line) of the record that defines it
        self.defined: dict[str, dict[str, tuple[int, int]]] = {
            kind: {} for kind in SECTION_KINDS.values()
        }
        self.texts = SourceTexts()
        self._seq = 0
        # What event documents show of other records, kept as they are read, so that an
        # event whose references all came before it gets its document with its rows (see
        # `_document`): names by kind, and the latest events' (kind, title, start).
        self.names: dict[str, dict[str, str]] = {kind: {} for kind in _NAMED}
        self.parents: OrderedDict[str, tuple[Any, ...]] = OrderedDict()

    # Errors ------------------------------------------------------------------------------

    def _next(self) -> int:
        self._seq += 1
        return self._seq

    def _error(self, phase: int, file: _File, line: int | None, loc: Loc, message: str) -> None:
        self.errors.append((phase, self._next(), SeedError(file.display, line, loc, message)))

    def sorted_errors(self) -> list[SeedError]:
        """In the diff-based load's order: by phase (parsing, duplicate ids, countries, then
        references and excerpts), each in file and record order; then by file and line."""
        in_order = [error for _, _, error in sorted(self.errors, key=lambda e: (e[0], e[1]))]
        return sorted(in_order, key=lambda e: (e.file, e.line or 0))

    # Reading -----------------------------------------------------------------------------

    def read(self, path: Path) -> None:
        if path.suffix == ".ndjson":
            self._read_ndjson(path)
        else:
            self._read_yaml(path)

    def _read_yaml(self, path: Path) -> None:
        from app.seeding.loader import parse_file

        parsed, errors = parse_file(path)
        file = _File(parsed.display, path, parsed.lines, parsed.default_source)
        self.files.append(file)
        for error in errors:
            self.errors.append((PARSE, self._next(), error))
        for code, (wikidata, loc) in parsed.countries.items():
            file.countries[code] = (wikidata, loc, line_of(parsed.lines, loc))
        for source_id, given in parsed.source_texts.items():
            self._add_source_text(source_id, given)
        for record in parsed.records:
            source_text = None
            if record.section == "sources":
                source_text = parsed.source_texts.get(record.model.id)  # type: ignore[attr-defined]
            line = line_of(parsed.lines, (record.section, record.index))
            self._record(file, record.section, record.index, line, record.model, source_text)

    def _read_ndjson(self, path: Path) -> None:
        file = _File(_display(path), path, None)
        self.files.append(file)
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            self._error(PARSE, file, None, (), f"cannot read: {exc.strerror}")
            return
        except UnicodeDecodeError:
            self._error(PARSE, file, None, (), "not UTF-8 text")
            return
        file.default_source = _final_default_source(lines)
        counts: dict[str, int] = {}
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                data = _json_line(line)
            except ValueError as exc:
                self._error(PARSE, file, number, (), f"not JSON: {exc}")
                continue
            if not (isinstance(data, dict) and len(data) == 1):
                message = "a line is an object with one key, a section name"
                self._error(PARSE, file, number, (), message)
                continue
            ((section, value),) = data.items()
            if section == "default_source":
                if not _is_default_source(value):
                    self._error(PARSE, file, number, (section,), "must be a source id (a slug)")
            elif section in SECTION_KINDS or section == "countries":
                index = counts[section] = counts.get(section, -1) + 1
                self._item(file, section, index, number, value)
            else:
                from app.seeding.loader import SECTIONS

                message = f"unknown section (known: {SECTIONS})"
                self._error(PARSE, file, number, (section,), message)
        lines.clear()

    def _item(self, file: _File, section: str, index: int, line: int, item: Any) -> None:
        """Validates one record read from NDJSON, then checks and writes it."""
        if section == "events":
            event = fast_events.fast_event(item)
            if event is not None:
                self._fast_event(file, index, line, event)
                return
        loc: Loc = (section, index)
        try:
            record = _item_model(section).model_validate(item)
        except ValidationError as exc:
            for error in exc.errors(include_url=False):
                message = error["msg"].removeprefix("Value error, ")
                self._error(PARSE, file, line, (*loc, *error["loc"]), message)
            return
        if isinstance(record, CountryCreate):
            file.countries[record.code] = (record.wikidata, loc, line)
            return
        source_text = None
        if isinstance(record, SourceCreate):
            source_text = self._source_text(file, loc, line, record)
            if source_text is None:
                return
            self._add_source_text(record.id, source_text)
        self._record(file, section, index, line, record, source_text)

    def _source_text(self, file: _File, loc: Loc, line: int, record: SourceCreate) -> str | None:
        source_text, problem = read_source_text(file.path.parent, record)
        if source_text is None:
            self._error(PARSE, file, line, (*loc, "text_file"), str(problem))
        return source_text

    def _add_source_text(self, source_id: str, source_text: str) -> None:
        folded = fold_whitespace(source_text)
        if self.texts.folded.setdefault(source_id, folded) != folded:
            raise CannotStream(f"source '{source_id}' is given twice with different texts")

    # Checking ----------------------------------------------------------------------------

    def _define(self, file: _File, section: str, index: int, line: int, record_id: str) -> None:
        kind = SECTION_KINDS[section]
        ids = self.defined[kind]
        first = ids.get(record_id)
        if first is None:
            ids[record_id] = (len(self.files) - 1, line)
            return
        first_file, first_line = self.files[first[0]], first[1]
        loc: Loc = (section, index, "id")
        message = (
            f"duplicate {kind} id '{record_id}' "
            f"(first defined at {first_file.display}:{first_line})"
        )
        self._error(DUPLICATE, file, file.line(loc, line), loc, message)

    def _references(self, file: _File, line: int, found: Iterable[tuple[Loc, str, str]]) -> None:
        """The reference checks of one model (`loader._check_model`), unknown ids deferred."""
        seen: set[tuple[Loc, str]] = set()
        for ref_loc, kind, ref_id in found:
            field_loc = ref_loc[:-1] if isinstance(ref_loc[-1], int) else ref_loc
            if (field_loc, ref_id) in seen:
                message = f"{kind} '{ref_id}' is listed twice"
                self._error(CHECK, file, file.line(ref_loc, line), ref_loc, message)
            seen.add((field_loc, ref_id))
            if kind == "source":
                continue
            if ref_id not in self.defined[kind]:
                where = file.line(ref_loc, line)
                self.deferred.append(_Deferred(self._next(), file, where, ref_loc, kind, ref_id))

    def _citation(self, file: _File, loc: Loc, line: int, source: str | None, excerpt: str) -> None:
        source_id = source or file.default_source
        if source_id is not None and source_id not in self.texts.folded:
            self.deferred.append(_Deferred(self._next(), file, line, loc, "", source, excerpt))
            return
        problem = excerpt_problem(source, excerpt, file.default_source, self.texts)
        if problem is not None:
            where = (*loc, problem[0])
            self._error(CHECK, file, file.line(where, line), where, problem[1])

    def _check(self, file: _File, loc: Loc, line: int, record: BaseModel) -> None:
        for model_loc, model in walk(record, loc):
            self._references(file, line, references(model, model_loc))
            if isinstance(model, CitationCreate):
                self._citation(file, model_loc, line, model.source, model.excerpt)

    def resolve_deferred(self) -> None:
        """The checks that waited for every record, as errors in their original places."""
        for item in self.deferred:
            if item.kind:
                assert item.ref is not None
                if item.ref not in self.defined[item.kind]:
                    error = SeedError(
                        item.file.display, item.line, item.loc, f"unknown {item.kind} '{item.ref}'"
                    )
                    self.errors.append((CHECK, item.seq, error))
                continue
            problem = excerpt_problem(item.ref, item.excerpt, item.file.default_source, self.texts)
            if problem is not None:
                where = (*item.loc, problem[0])
                error = SeedError(
                    item.file.display, item.file.line(where, item.line), where, problem[1]
                )
                self.errors.append((CHECK, item.seq, error))
        self.deferred.clear()

    def check_countries(self) -> None:
        """A country's Wikidata id is the same in every bundle that gives one."""
        wikidata_of: dict[str, tuple[str | None, _File]] = {}
        for file in self.files:
            for code, (wikidata, loc, line) in file.countries.items():
                earlier = wikidata_of.setdefault(code, (wikidata, file))
                if earlier[0] != wikidata:
                    where = (*loc, "wikidata")
                    message = (
                        f"country {code} already has "
                        f"Wikidata id {earlier[0]} in {earlier[1].display}"
                    )
                    self._error(WIKIDATA, file, file.line(where, line), where, message)

    def given_wikidata(self) -> dict[str, str | None]:
        return {
            code: wikidata
            for file in self.files
            for code, (wikidata, _, _) in file.countries.items()
        }

    # Records -----------------------------------------------------------------------------

    def _record(
        self,
        file: _File,
        section: str,
        index: int,
        line: int,
        record: BaseModel,
        source_text: str | None = None,
    ) -> None:
        self._define(file, section, index, line, record.id)  # type: ignore[attr-defined]
        self._check(file, (section, index), line, record)
        if self.errors:
            return  # nothing will be written: no need for rows
        rows = new_rows()
        build_rows(section, record, rows, file.default_source, source_text)
        for name, table_rows in rows.items():
            # A record may list a country twice (alpha-2 and alpha-3): one row, as the
            # diff-based load keeps one row a key.
            if len(table_rows) > 1:
                keys = [c.name for c in self.writer.tables[name].primary_key.columns]
                table_rows = list({tuple(r[k] for k in keys): r for r in table_rows}.values())
            for row in table_rows:
                self.writer.add_dict(name, row)
            if name in self.names:
                self.names[name].update((row["id"], row["name"]) for row in table_rows)

    def _fast_event(self, file: _File, index: int, line: int, event: fast_events.FastEvent) -> None:
        """`_record` of an event that `fast_events` read: the same checks, in the same
        order, when any of them can fail; else only the look-ups."""
        self._define(file, "events", index, line, event.id)
        plainly_valid = self._plainly_valid(file, event)
        if not plainly_valid:
            self._check_event(file, ("events", index), line, event)
        if self.errors:
            return
        buffers = self.writer.buffers
        event_id = event.id
        buffers["event"].append(event.row)
        start = event.start.first
        rows = buffers["event_country"]
        for country in dict.fromkeys(event.countries):
            rows.append([event_id, country, start])
        rows = buffers["event_participant"]
        for person, role in event.participants:
            rows.append([event_id, person, role])
        rows = buffers["event_topic"]
        for topic in event.topics:
            rows.append([event_id, topic])
        if event.organizations:
            rows = buffers["event_organization"]
            for organization in event.organizations:
                rows.append([event_id, organization])
        rows = buffers["citation"]
        default = file.default_source
        for ordinal, (source, excerpt) in enumerate(event.citations, start=1):
            rows.append(["event", event_id, ordinal, source or default, excerpt])
        self._document(event, default, plainly_valid)
        if len(buffers["event"]) >= EVENTS_A_BATCH:
            self.writer.write_all()

    def _document(self, event: fast_events.FastEvent, default: str | None, known: bool) -> None:
        """The event's document (`app.events.documents`), made from the record now when
        everything it shows was read before it (`known`: its references are; their names
        were kept); else it is made from the tables at the end of the load. The parent's
        part is kept for the latest `PARENTS_KEPT` events only: an older parent's children
        wait for the end too."""
        if not self.writer.streaming:
            # PostgreSQL's rows are all kept until the end: its documents, a gigabyte more
            # for a million events, are rebuilt from the tables instead.
            return
        row = event.row
        parents = self.parents
        parents[event.id] = (event.id, row[1], row[3], row[4], row[6])  # kind, title, start
        if len(parents) > PARENTS_KEPT:
            parents.popitem(last=False)
        if not known:
            return
        parent = (None,) * 5
        if event.part_of is not None:
            if event.part_of not in parents:
                return
            parent = parents[event.part_of]
        body = event_documents.body_of(
            self.names,
            (
                *row[0:4],
                row[4],  # start_first
                row[6],  # start_precision
                row[7],  # start_text
                row[8],  # end_first
                row[10],  # end_precision
                row[11],  # end_text
                row[12],  # place_id
                self.names["place"][row[12]] if row[12] is not None else None,
                *row[13:20],  # host country, duration (4), format, outcomes
                *parent,
                row[21],  # notes
            ),
            sorted(dict.fromkeys(event.countries)),
            event.organizations,
            event.participants,
            event.topics,
            [(source or default, excerpt) for source, excerpt in event.citations],
        )
        self.writer.buffers[event_documents.TABLE].append([event.id, body])

    def _plainly_valid(self, file: _File, event: fast_events.FastEvent) -> bool:
        """Whether every reference of the event is known already and every excerpt found."""
        defined = self.defined
        places, topics, people = defined["place"], defined["topic"], defined["person"]
        if event.place is not None and event.place not in places:
            return False
        if event.part_of is not None and event.part_of not in defined["event"]:
            return False
        for topic in event.topics:
            if topic not in topics:
                return False
        if len(set(event.topics)) != len(event.topics):
            return False
        if event.organizations:
            organizations = defined["organization"]
            if len(set(event.organizations)) != len(event.organizations):
                return False
            for organization in event.organizations:
                if organization not in organizations:
                    return False
        for person, _ in event.participants:
            if person not in people:
                return False
        folded = self.texts.folded
        for source, excerpt in event.citations:
            source_id = source or file.default_source
            text = folded.get(source_id) if source_id is not None else None
            if text is None or not self.texts.contains(source_id, text, excerpt):  # type: ignore[arg-type]
                return False
        return True

    def _check_event(self, file: _File, loc: Loc, line: int, event: fast_events.FastEvent) -> None:
        """`_check` of a fast event: its references, then its participants' and citations'
        (the order in which `walk` meets them)."""
        refs: list[tuple[Loc, str, str]] = []
        if event.place is not None:
            refs.append(((*loc, "place"), "place", event.place))
        refs += [
            ((*loc, "organizations", i), "organization", o)
            for i, o in enumerate(event.organizations)
        ]
        if event.part_of is not None:
            refs.append(((*loc, "part_of"), "event", event.part_of))
        refs += [((*loc, "topics", i), "topic", t) for i, t in enumerate(event.topics)]
        self._references(file, line, refs)
        for i, (person, _) in enumerate(event.participants):
            self._references(file, line, [((*loc, "participants", i, "person"), "person", person)])
        for i, (source, excerpt) in enumerate(event.citations):
            self._citation(file, (*loc, "citations", i), line, source, excerpt)


@contextmanager
def writing_rows(connection: Connection) -> Iterator[None]:
    """SQLite settings for a bulk load, inside its transaction: foreign keys checked at the
    commit (rows come in file order, a child may come before its parent; a violation left
    then fails the commit) and a page cache that holds the indexes being filled."""
    if connection.dialect.name != "sqlite":
        yield
        return
    cache_size = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
    connection.exec_driver_sql("PRAGMA defer_foreign_keys=ON")  # until the transaction ends
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size={int(cache_size or 0)}")


def _country_table() -> Table:
    return Country.__table__  # type: ignore[attr-defined,no-any-return]


def load(connection: Connection, paths: list[Path]) -> SyncReport:
    """Checks and writes the bundles into empty tables; raises `SeedFailed` with every error
    (the caller's transaction then writes nothing), or `CannotStream`."""
    from app.seeding.loader import bundle_files, country_rows_for

    found = bundle_files(paths)
    if not found:
        raise SeedFailed(
            [SeedError(", ".join(map(str, paths)) or ".", None, (), "no YAML bundle found")]
        )
    countries = _country_table()
    # Countries first, so that rows citing them are valid as they are written; the bundles'
    # Wikidata ids are set at the end. Counted as the inserts they are.
    empty = connection.execute(countries.select().limit(1)).first() is None
    early = sync_table(connection, countries, country_rows_for(connection, {})) if empty else None
    with writing_rows(connection), page_keys.set_aside(connection, "event_country"):
        if connection.dialect.name == "sqlite" and "fork" in mp.get_all_start_methods():
            errors, given, writer = _load_in_worker(connection, found)
        else:
            errors, given, writer = _load_here(connection, found)
        if errors:
            raise SeedFailed(errors)
        late = sync_table(connection, countries, country_rows_for(connection, given))
        writer.finish()
        documents_written = bool(writer.counts.get(event_documents.TABLE))
        if documents_written:
            # The events whose documents could not come with their rows (a reference read
            # after them, a record checked the slow way, an old parent): made now.
            event_documents.write_missing(connection)
    report = SyncReport()
    if documents_written:
        report.built.add(event_documents.NAME)
    report.tables["country"] = (
        TableChanges(inserted=early.inserted, touched=early.touched) if early else late
    )
    for name in writer.tables:
        if writer.counts.get(name) and name != event_documents.TABLE:  # records only
            report.tables[name] = TableChanges(inserted=writer.counts[name])
    return report


Outcome = tuple[list[SeedError], dict[str, str | None], RowWriter]


def _read_all(bulk: BulkLoad, found: list[Path]) -> None:
    for path in found:
        bulk.read(path)
    bulk.resolve_deferred()
    bulk.check_countries()


def _load_here(connection: Connection, found: list[Path]) -> Outcome:
    """Reads, checks and writes in this process (PostgreSQL: rows kept for `finish`)."""
    bulk = BulkLoad(RowWriter(connection))
    _read_all(bulk, found)
    return bulk.sorted_errors(), bulk.given_wikidata(), bulk.writer


class _Channel:
    """Messages from the reading process to the writing one, through a pipe.

    The reader pickles and writes each message from its own thread: `multiprocessing.Queue`
    hands that to a feeder thread, which then fights the reading thread for the GIL and
    writes a pipe's worth (64 KiB) a turn, so a batch of rows took longer to send than to
    read. In the writing process a thread receives them (the pipe is read without the GIL)
    while the main thread inserts; `maxsize` messages may wait there.
    """

    def __init__(self, context: Any, maxsize: int) -> None:
        self._incoming, self._outgoing = context.Pipe(duplex=False)
        self._received: queue.Queue[bytes | None] = queue.Queue(maxsize=maxsize)
        self._closed = threading.Event()

    def put(self, message: Any) -> None:
        """(reading process) Sends `message`; blocks while the pipe is full."""
        self._outgoing.send_bytes(pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))

    def start_receiving(self) -> None:
        """(writing process, once the reader is forked) Receives until the reader ends."""
        self._outgoing.close()  # the reader's end: its exit then ends the stream here

        def receive() -> None:
            while not self._closed.is_set():
                try:
                    data: bytes | None = self._incoming.recv_bytes()
                except (EOFError, OSError):
                    data = None
                while not self._closed.is_set():
                    try:
                        self._received.put(data, timeout=0.5)
                        break
                    except queue.Full:
                        continue
                if data is None:
                    return

        threading.Thread(target=receive, name="bulk-load-receiver", daemon=True).start()

    def get(self) -> Any:
        """(writing process) The next message; None once the reader has ended."""
        data = self._received.get()
        return None if data is None else pickle.loads(data)

    def close(self) -> None:
        """(writing process) Stops receiving (the receiving thread ends within a second)."""
        self._closed.set()
        self._incoming.close()


def _load_in_worker(connection: Connection, found: list[Path]) -> Outcome:
    """Reads and checks in a forked process while this one inserts the rows it sends.

    Reading and checking a record costs about what inserting its rows does, and a thread
    could not share the work (`sqlite3` takes the GIL back after each row); two processes
    do it at once on two cores. The connection stays here: the reader only uses its
    dialect. Errors and the bundles' countries come back at the end.
    """
    context = mp.get_context("fork")
    channel = _Channel(context, maxsize=32)
    worker = context.Process(target=_read_in_worker, args=(connection, found, channel))
    worker.start()
    channel.start_receiving()
    writer = RowWriter(connection)
    try:
        while True:
            message = channel.get()
            if message is None:
                raise RuntimeError("the bulk load's reading process ended early")
            if message[0] == "rows":
                writer.execute(message[1], message[2])
            elif message[0] == "done":
                return message[1], message[2], writer
            elif message[0] == "cannot":
                raise CannotStream(message[1])
            else:
                raise RuntimeError(f"the bulk load's reading process failed:\n{message[1]}")
    finally:
        if worker.is_alive():
            worker.terminate()
        worker.join()
        channel.close()


def _read_in_worker(connection: Connection, found: list[Path], channel: Any) -> None:
    """The reading process: every row and, last, the errors and the countries given."""
    try:
        bulk = BulkLoad(RowWriter(connection, channel))
        _read_all(bulk, found)
        if not bulk.errors:
            bulk.writer.send_all()
        channel.put(("done", bulk.sorted_errors(), bulk.given_wikidata()))
    except CannotStream as exc:
        channel.put(("cannot", str(exc)))
    except BaseException:
        channel.put(("failed", traceback.format_exc()))
