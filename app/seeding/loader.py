"""Reads, checks and loads seed bundles: all errors at once, and all rows or none."""

import gc
import json
import re
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args

import pycountry
from pydantic import BaseModel, ValidationError
from sqlalchemy import Connection, Engine, select, text

from app.countries.models import CountryCreate
from app.revision import bump_revision
from app.seeding import bulk
from app.seeding.bundle import SECTION_KINDS, Bundle
from app.seeding.checks import (
    SourceTexts,
    citation_problem,
    fold_whitespace,
    read_source_text,
    references,
    walk,
)
from app.seeding.derived import refresh_derived
from app.seeding.errors import SeedError, SeedFailed
from app.seeding.rows import Rows, build_rows, new_rows
from app.seeding.sync import SyncReport, sync_all
from app.seeding.yaml_lines import Loc, YamlSyntaxError, line_of, load_with_lines
from app.sources.models import CitationCreate, SourceCreate
from app.values import SLUG_PATTERN

BUNDLE_SUFFIXES = (".yaml", ".yml", ".ndjson")
KIND_TABLES = {kind: kind for kind in SECTION_KINDS.values()}


@dataclass
class ParsedRecord:
    section: str
    index: int
    model: BaseModel


@dataclass
class ParsedFile:
    path: Path
    display: str
    lines: dict[Loc, int]
    default_source: str | None = None
    records: list[ParsedRecord] = field(default_factory=list)
    source_texts: dict[str, str] = field(default_factory=dict)  # source id -> raw text
    countries: dict[str, tuple[str, Loc]] = field(default_factory=dict)  # code -> wikidata

    def error(self, loc: Loc, message: str) -> SeedError:
        return SeedError(self.display, line_of(self.lines, loc), loc, message)


def bundle_files(paths: Iterable[Path]) -> list[Path]:
    """The YAML files named, and those below the folders named, in a stable order."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.suffix in BUNDLE_SUFFIXES)
        else:
            files.append(path)
    return files


def _display(path: Path) -> str:
    """The path as given when relative, else relative to the working folder if inside it."""
    if not path.is_absolute():
        return str(path)
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _item_model(section: str) -> type[BaseModel]:
    (model,) = get_args(Bundle.model_fields[section].annotation)
    return model  # type: ignore[no-any-return]


SECTIONS = ", ".join(["default_source", "countries", *SECTION_KINDS])


def parse_file(path: Path) -> tuple[ParsedFile, list[SeedError]]:
    """Parses one bundle, validating each record on its own so one bad record hides no other.

    A `.ndjson` bundle is the bulk form: a JSON object per line with one key, a section
    name, whose value is one record (or, for `default_source`, the source id).
    """
    parsed = ParsedFile(path=path, display=_display(path), lines={})
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        return parsed, [SeedError(parsed.display, None, (), f"cannot read: {exc.strerror}")]
    except UnicodeDecodeError:
        return parsed, [SeedError(parsed.display, None, (), "not UTF-8 text")]
    if path.suffix == ".ndjson":
        return parsed, _parse_ndjson(parsed, text)
    try:
        data, parsed.lines = load_with_lines(text)
    except YamlSyntaxError as exc:
        return parsed, [SeedError(parsed.display, exc.line, (), str(exc))]
    if data is None:
        return parsed, []
    if not isinstance(data, dict):
        return parsed, [parsed.error((), "a bundle is a mapping of sections")]

    errors: list[SeedError] = []
    for key, value in data.items():
        if key == "default_source":
            errors += _set_default_source(parsed, value, (key,))
        elif key in SECTION_KINDS or key == "countries":
            if value is None:
                continue
            if not isinstance(value, list):
                errors.append(parsed.error((key,), "must be a list"))
                continue
            for index, item in enumerate(value):
                errors += _add_record(parsed, key, index, item)
        else:
            errors.append(parsed.error((key,), f"unknown section (known: {SECTIONS})"))
    return parsed, errors


def _parse_ndjson(parsed: ParsedFile, text: str) -> list[SeedError]:
    errors: list[SeedError] = []
    counts: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except ValueError as exc:
            errors.append(SeedError(parsed.display, number, (), f"not JSON: {exc}"))
            continue
        if not (isinstance(data, dict) and len(data) == 1):
            errors.append(
                SeedError(
                    parsed.display, number, (), "a line is an object with one key, a section name"
                )
            )
            continue
        ((section, value),) = data.items()
        if section == "default_source":
            parsed.lines[(section,)] = number
            errors += _set_default_source(parsed, value, (section,))
        elif section in SECTION_KINDS or section == "countries":
            index = counts[section] = counts.get(section, -1) + 1
            parsed.lines[(section, index)] = number
            errors += _add_record(parsed, section, index, value)
        else:
            errors.append(
                SeedError(
                    parsed.display, number, (section,), f"unknown section (known: {SECTIONS})"
                )
            )
    return errors


def _set_default_source(parsed: ParsedFile, value: Any, loc: Loc) -> list[SeedError]:
    if not (isinstance(value, str) and re.match(SLUG_PATTERN, value)):
        return [parsed.error(loc, "must be a source id (a slug)")]
    parsed.default_source = value
    return []


def _validation_errors(parsed: ParsedFile, loc: Loc, exc: ValidationError) -> list[SeedError]:
    return [
        parsed.error((*loc, *error["loc"]), error["msg"].removeprefix("Value error, "))
        for error in exc.errors(include_url=False)
    ]


def _add_record(parsed: ParsedFile, section: str, index: int, item: Any) -> list[SeedError]:
    """Validates one record of `section` and keeps it; or says what is wrong with it."""
    loc: Loc = (section, index)
    try:
        record = _item_model(section).model_validate(item)
    except ValidationError as exc:
        return _validation_errors(parsed, loc, exc)
    if isinstance(record, CountryCreate):
        parsed.countries[record.code] = (record.wikidata, loc)
        return []
    if isinstance(record, SourceCreate):
        source_text, problem = read_source_text(parsed.path.parent, record)
        if source_text is None:
            return [parsed.error((*loc, "text_file"), str(problem))]
        parsed.source_texts[record.id] = source_text
    parsed.records.append(ParsedRecord(section, index, record))
    return []


class KnownIds:
    """Ids defined by the bundles of this run, and (lazily) those already in the database."""

    def __init__(self, connection: Connection | None) -> None:
        self.connection = connection
        self.defined: dict[tuple[str, str], tuple[ParsedFile, Loc]] = {}
        self._stored: dict[str, set[str]] = {}

    def stored(self, kind: str) -> set[str]:
        if kind not in self._stored:
            ids: set[str] = set()
            if self.connection is not None:
                table = KIND_TABLES[kind]
                ids = set(self.connection.execute(text(f"SELECT id FROM {table}")).scalars())
            self._stored[kind] = ids
        return self._stored[kind]

    def __contains__(self, item: tuple[str, str]) -> bool:
        return item in self.defined or item[1] in self.stored(item[0])


def check_files(files: list[ParsedFile], connection: Connection | None) -> list[SeedError]:
    """Unique ids, references and citations across every bundle of the run."""
    errors: list[SeedError] = []
    known = KnownIds(connection)
    for parsed in files:
        for record in parsed.records:
            loc: Loc = (record.section, record.index)
            key = (SECTION_KINDS[record.section], record.model.id)  # type: ignore[attr-defined]
            if key in known.defined:
                first_file, first_loc = known.defined[key]
                first = f"{first_file.display}:{line_of(first_file.lines, first_loc)}"
                errors.append(
                    parsed.error(
                        (*loc, "id"), f"duplicate {key[0]} id '{key[1]}' (first defined at {first})"
                    )
                )
            else:
                known.defined[key] = (parsed, loc)

    wikidata_of: dict[str, tuple[str, ParsedFile, Loc]] = {}
    for parsed in files:
        for code, (wikidata, loc) in parsed.countries.items():
            earlier = wikidata_of.setdefault(code, (wikidata, parsed, loc))
            if earlier[0] != wikidata:
                errors.append(
                    parsed.error(
                        (*loc, "wikidata"),
                        f"country {code} already has "
                        f"Wikidata id {earlier[0]} in {earlier[1].display}",
                    )
                )

    texts = SourceTexts(
        folded={sid: fold_whitespace(t) for f in files for sid, t in f.source_texts.items()},
        fetch=(
            lambda sid: connection.execute(  # type: ignore[union-attr]
                text("SELECT text FROM source WHERE id = :id"), {"id": sid}
            ).scalar_one_or_none()
        )
        if connection is not None
        else None,
    )
    for parsed in files:
        for record in parsed.records:
            for loc, model in walk(record.model, (record.section, record.index)):
                errors += _check_model(parsed, loc, model, known, texts)
    return errors


def _check_model(
    parsed: ParsedFile, loc: Loc, model: BaseModel, known: KnownIds, texts: SourceTexts
) -> list[SeedError]:
    errors: list[SeedError] = []
    seen: set[tuple[Loc, str]] = set()
    for ref_loc, kind, ref_id in references(model, loc):
        field_loc = ref_loc[:-1] if isinstance(ref_loc[-1], int) else ref_loc
        if (field_loc, ref_id) in seen:
            errors.append(parsed.error(ref_loc, f"{kind} '{ref_id}' is listed twice"))
        seen.add((field_loc, ref_id))
        if kind == "source":
            continue  # checked with the excerpt below
        if (kind, ref_id) not in known:
            errors.append(parsed.error(ref_loc, f"unknown {kind} '{ref_id}'"))
    if isinstance(model, CitationCreate):
        problem = citation_problem(model, parsed.default_source, texts)
        if problem is not None:
            errors.append(parsed.error((*loc, problem[0]), problem[1]))
    return errors


def country_rows(connection: Connection, files: list[ParsedFile]) -> list[dict[str, Any]]:
    """Every ISO 3166-1 country; Wikidata ids from the bundles, else as already stored."""
    given: dict[str, str | None] = {
        code: wikidata for f in files for code, (wikidata, _) in f.countries.items()
    }
    return country_rows_for(connection, given)


def country_rows_for(connection: Connection, given: dict[str, str | None]) -> list[dict[str, Any]]:
    """Every ISO 3166-1 country; Wikidata ids from `given`, else as already stored."""
    from app.countries.models import Country

    table = Country.__table__  # type: ignore[attr-defined]
    query = select(table.c.code, table.c.wikidata)
    stored: dict[str, str | None] = dict(connection.execute(query).all())  # type: ignore[arg-type]
    return [
        {
            "code": country.alpha_2,
            "alpha3": country.alpha_3,
            "name": getattr(country, "common_name", None) or country.name,
            "official_name": getattr(country, "official_name", None),
            "wikidata": given.get(country.alpha_2, stored.get(country.alpha_2)),
        }
        for country in pycountry.countries
    ]


def collect_rows(files: list[ParsedFile]) -> Rows:
    rows = new_rows()
    for parsed in files:
        for record in parsed.records:
            source_text = (
                parsed.source_texts.get(record.model.id)  # type: ignore[attr-defined]
                if record.section == "sources"
                else None
            )
            build_rows(record.section, record.model, rows, parsed.default_source, source_text)
    return rows


def read_and_check(paths: Iterable[Path], connection: Connection | None) -> list[ParsedFile]:
    """Parses and checks every bundle; raises `SeedFailed` with every error found."""
    files: list[ParsedFile] = []
    errors: list[SeedError] = []
    found = bundle_files(paths)
    if not found:
        raise SeedFailed(
            [SeedError(", ".join(map(str, paths)) or ".", None, (), "no YAML bundle found")]
        )
    for path in found:
        parsed, file_errors = parse_file(path)
        files.append(parsed)
        errors += file_errors
    errors += check_files(files, connection)
    if errors:
        raise SeedFailed(sorted(errors, key=lambda e: (e.file, e.line or 0)))
    return files


# Any constant: the key of the PostgreSQL advisory lock that serializes loads.
SEED_LOCK_KEY = 0x656E74656E7465  # "entente"


@contextmanager
def begin_writing(connection: Connection) -> Iterator[None]:
    """A transaction that no other load runs beside: it reads what is there only once it
    holds the write lock, so two loads at once end as one would (the second finds nothing
    left to write) instead of both inserting the same rows."""
    if connection.dialect.name == "sqlite":
        connection.execution_options(sqlite_begin="IMMEDIATE")
    with connection.begin():
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SEED_LOCK_KEY})
        yield


def seed(
    engine: Engine, paths: Iterable[Path], on_progress: Callable[[str], None] | None = None
) -> SyncReport:
    """Loads the bundles in one transaction; on any error nothing is written.

    Into a database whose record tables are all empty, the bundles are streamed straight
    into the tables (`app.seeding.bulk`); otherwise each table is brought to the wanted rows
    by a diff (`sync_all`), which also removes what the bundles no longer state.
    """
    paths = list(paths)
    phase = _Phases(on_progress)
    with (
        _collector_paused(),
        _one_load_at_a_time(engine),
        engine.connect() as connection,
        _journal_for_bulk_load(connection),
    ):
        with begin_writing(connection):
            report = _bulk_load(connection, paths)
            if report is None:
                files = read_and_check(paths, connection)
                rows = collect_rows(files)
                rows["country"] = country_rows(connection, files)
                report = sync_all(connection, rows)
            phase.done("records read, checked and written" + ("" if report.diffed else " (bulk)"))
            # After a bulk load every derived table is rebuilt whole (its report names no
            # touched record).
            rewritten = refresh_derived(
                connection,
                report if report.diffed else None,
                on_done=phase.done,
                built=report.built,
            )
            if report.total or rewritten:
                bump_revision(connection)
        phase.done("committed")
        return report


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector paused for the load (the bulk load's reading process, forked
    inside it, inherits the pause).

    A load makes millions of short-lived rows while it keeps millions of names and keys for
    its checks, and the collector, run every few hundred allocations, walks those survivors
    again and again: pausing it took a 1,000,000-event load from 91 to 79 s with the same
    peak memory (0.72 GB: the load leaves little that only the collector could free;
    docs/BENCHMARKS.md)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


@contextmanager
def _one_load_at_a_time(engine: Engine) -> Iterator[None]:
    """On a SQLite file, a lock (`flock` on `<file>-load.lock`) that one load holds at a time,
    from before it connects until after it has committed and restored WAL mode
    (`_journal_for_bulk_load`): a second load waits for all of it, then finds the rows
    written, as one after the other would. PostgreSQL's loads take an advisory lock
    instead (`begin_writing`)."""
    database = engine.url.database
    try:
        import fcntl
    except ImportError:  # not a POSIX system: loads are serialized by SQLite's lock alone
        fcntl = None  # type: ignore[assignment]
    if fcntl is None or engine.dialect.name != "sqlite" or not database or database == ":memory:":
        yield
        return
    with open(f"{database}-load.lock", "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@contextmanager
def _journal_for_bulk_load(connection: Connection) -> Iterator[None]:
    """A SQLite file in WAL mode that a bulk load will fill: a rollback journal meanwhile.

    In WAL mode each page the load writes goes to the WAL, again each time the page cache
    spills it, and is copied into the database by the checkpoint that follows the commit:
    11 GB written for a 3 GB database of a million events, 14 s of the commit alone. With a
    rollback journal, a page the file did not have before the load is written to the
    database, once, and never journaled (the journal keeps the pages the file had). A
    crash midway leaves that journal, which rolls the file back at the next open.

    What it costs: a connection opened during the load waits for it (up to its busy
    timeout, then a 503) instead of reading the empty database beside it. When another
    connection has the file open the switch is refused and the load runs in WAL mode. WAL
    mode comes back after the commit, whatever happens; should a reader hold the file
    then, every connection the app opens sets it again.
    """
    driver = connection.connection.driver_connection
    switched = False
    if (
        connection.dialect.name == "sqlite"
        and not driver.in_transaction  # type: ignore[union-attr]
        and _journal_mode(driver) == "wal"
    ):
        empty = bulk.applicable(connection)
        connection.rollback()  # the read transaction `applicable` began
        switched = empty and _journal_mode(driver, "DELETE") == "delete"
    try:
        yield
    finally:
        if switched:
            if connection.in_transaction():
                connection.rollback()
            _journal_mode(driver, "WAL")


def _journal_mode(driver: Any, mode: str | None = None) -> str:
    """The connection's journal mode, after setting it to `mode` when given; "" when the
    file is locked (a refused switch leaves the mode as it was)."""
    from sqlite3 import OperationalError

    try:
        row = driver.execute("PRAGMA journal_mode" + (f"={mode}" if mode else "")).fetchone()
    except OperationalError:
        return ""
    return str(row[0]).lower()


class _Phases:
    """Reports how long each phase of a load took (`entente seed --timings` prints it)."""

    def __init__(self, on_progress: Callable[[str], None] | None) -> None:
        self.on_progress = on_progress
        self.started = time.perf_counter()

    def done(self, what: str) -> None:
        now = time.perf_counter()
        if self.on_progress is not None:
            self.on_progress(f"{what}: {now - self.started:.1f} s")
        self.started = now


def _bulk_load(connection: Connection, paths: list[Path]) -> SyncReport | None:
    """The report of a bulk load, or None when it does not apply (rolled back, if begun)."""
    if not bulk.applicable(connection):
        return None
    try:
        with connection.begin_nested():
            report = bulk.load(connection, paths)
    except bulk.CannotStream:
        return None
    report.diffed = False
    return report


def validate(paths: Iterable[Path], engine: Engine | None = None) -> int:
    """Runs every check of `seed` without writing; returns the number of records checked."""
    if engine is None:
        files = read_and_check(list(paths), None)
    else:
        with engine.connect() as connection:
            files = read_and_check(list(paths), connection)
    return sum(len(f.records) for f in files)
