"""Loads seed bundles: every error at once, and all rows or none.

One pipeline, whatever the size of the bundles or of the database: each record is read
(with its line), validated by its pydantic model, checked, turned into rows and written, a
batch of records at a time (`app.seeding.write`), inside one transaction. What waits for
every record (references and sources defined later) is checked at the end; any error
anywhere rolls the whole load back. Then the documents and the search index follow the
changes (`app.seeding.derived`) in the same transaction.
"""

import gc
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pycountry
from pydantic import BaseModel, ValidationError
from sqlalchemy import Connection, Engine, select, text
from sqlalchemy.exc import IntegrityError

from app.revision import bump_revision
from app.seeding import parse
from app.seeding.checks import Checker
from app.seeding.claims import ClaimPass, claiming_source, claims_of, country_wikidata
from app.seeding.derived import refresh_derived
from app.seeding.errors import SeedError, SeedFailed
from app.seeding.partial import salvage
from app.seeding.rows import Rows, build_rows
from app.seeding.source_text import read_source_text
from app.seeding.write import Changes, Writer
from app.sources.models import Source, SourceCreate

# Records validated before their rows are written together.
BATCH = 2000
# Any constant: the key of the PostgreSQL advisory lock that serializes loads.
SEED_LOCK_KEY = 0x656E74656E7465  # "entente"
# How long a load waits for another to finish (SQLite's busy timeout of the load).
WAIT_FOR_LOAD_MS = 24 * 3600 * 1000
# SQLite's page cache while a load writes (KiB): the indexes of a large knowledge base, which
# every insert walks, stay in memory instead of being read again page by page.
LOAD_CACHE_KIB = 1024 * 1024


def _validated(raw: parse.RawRecord) -> tuple[BaseModel | None, list[SeedError]]:
    """The record's model and its validation errors. An invalid record's model holds the
    fields that did validate (`salvage`), so that its other checks still run: one run of
    `validate` reports every error."""
    model_type = parse.item_model(raw.section)
    try:
        return model_type.model_validate(raw.data), []
    except ValidationError as exc:
        return salvage(model_type, raw.data), [
            raw.error((*raw.loc, *error["loc"]), error["msg"].removeprefix("Value error, "))
            for error in exc.errors(include_url=False)
        ]


class _Load:
    """One pass over the bundles: errors collected, rows handed to `write` a batch at a time
    (None: check only)."""

    def __init__(
        self,
        checker: Checker,
        write: Callable[[Rows], None] | None,
        claims: ClaimPass | None = None,
    ) -> None:
        self.checker = checker
        self.write = write
        self.claims = claims
        self.errors: list[SeedError] = []
        self.records = 0
        self._rows = Rows()
        self._pending = 0

    def run(self, paths: list[Path]) -> None:
        files = parse.bundle_files(paths)
        if not files:
            shown = ", ".join(map(str, paths)) or "."
            self.errors.append(SeedError(shown, None, (), "no YAML bundle found"))
        for path in files:
            for item in parse.read(path):
                if isinstance(item, SeedError):
                    self.errors.append(item)
                else:
                    self._record(item)
        self.errors += self.checker.finish()
        self._flush()

    def _record(self, raw: parse.RawRecord) -> None:
        model, errors = _validated(raw)
        source_text = None
        if isinstance(model, SourceCreate) and (model.text, model.text_file) != (None, None):
            source_text, problem = read_source_text(raw.file.path.parent, model)
            if source_text is None:
                errors.append(raw.error((*raw.loc, "text_file"), str(problem)))
            elif model.id is not None:  # None: an id that did not validate
                self.checker.add_source(model.id, source_text)
        claimant = None
        if model is not None:
            claimant = None if source_text is not None else claiming_source(raw, model)
            errors += self.checker.check(raw, model, claimant, valid=not errors)
            if claimant is None and source_text is None and not errors:
                message = "no source claims this record: set the bundle's `default_source`"
                errors.append(raw.error(raw.loc, message))
        self.errors += errors
        self.records += 1
        if model is None or errors or self.errors or self.write is None:
            return  # nothing is written once anything is wrong
        if claimant is None:
            build_rows(raw.section, model, self._rows, raw.default_source, source_text)
        elif self.claims is not None:
            self.claims.add(raw, model, claimant)
        self._pending += 1
        if self._pending >= BATCH:
            self._flush()

    def _flush(self) -> None:
        if self.write is not None and not self.errors and self._pending:
            if self.claims is not None:
                self.claims.flush(self._rows)
            self.write(self._rows)
        self._rows, self._pending = Rows(), 0


def country_rows(connection: Connection) -> Rows:
    """Every ISO 3166-1 country, with the Wikidata id its claims give."""
    claimed = country_wikidata(connection)
    rows = Rows()
    for country in pycountry.countries:
        rows["country"].append(
            {
                "code": country.alpha_2,
                "alpha3": country.alpha_3,
                "name": getattr(country, "common_name", None) or country.name,
                "official_name": getattr(country, "official_name", None),
                "wikidata": claimed.get(country.alpha_2),
            }
        )
    return rows


@contextmanager
def _writing(connection: Connection) -> Iterator[None]:
    """The load's transaction, which no other load runs beside: it takes the write lock
    (SQLite: BEGIN IMMEDIATE, waiting as long as another load runs; PostgreSQL: an advisory
    lock) before it reads what it will write, so two loads at once end as one after the
    other would. No statement of a load has a time budget.

    Foreign keys are checked once, when every row is written (`Writer.finish`): SQLite's are
    off meanwhile. Deferred, they would still be counted row by row: each row inserted makes
    SQLite look for the rows that name it, to count the violations it resolves.
    """
    if connection.dialect.name == "postgresql":
        with connection.begin():
            connection.execute(text("SET LOCAL statement_timeout = 0"))
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SEED_LOCK_KEY})
            yield
        return
    driver: Any = connection.connection.driver_connection  # outside any transaction
    (busy_timeout,) = driver.execute("PRAGMA busy_timeout").fetchone()
    (cache_size,) = driver.execute("PRAGMA cache_size").fetchone()
    driver.execute(f"PRAGMA busy_timeout = {WAIT_FOR_LOAD_MS}")
    driver.execute(f"PRAGMA cache_size = -{LOAD_CACHE_KIB}")
    driver.execute("PRAGMA foreign_keys = OFF")
    try:
        with connection.execution_options(sqlite_begin="IMMEDIATE").begin():
            yield
    finally:
        driver.execute("PRAGMA foreign_keys = ON")
        driver.execute(f"PRAGMA busy_timeout = {int(busy_timeout)}")
        driver.execute(f"PRAGMA cache_size = {int(cache_size)}")


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector paused for the load: a load keeps millions of ids for its
    checks, and the collector, run every few hundred allocations, would walk them again and
    again (measured in docs/BENCHMARKS.md)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


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


def seed(
    engine: Engine,
    paths: Iterable[Path],
    on_progress: Callable[[str], None] | None = None,
    *,
    actor: str = "entente seed",
    withdraw: bool = True,
    guard: Callable[[Connection], None] | None = None,
) -> Changes:
    """Loads the bundles in one transaction; on any error nothing is written.

    `actor` is who the audit names; `withdraw` False keeps the claims the bundles no longer
    make (a write of one claim over HTTP); `guard` runs first inside the transaction and may
    refuse the load by raising (a write that changes a version its client must name).
    """
    phase = _Phases(on_progress)
    with _collector_paused(), engine.connect() as connection, _writing(connection):
        if guard is not None:
            guard(connection)
        writer = Writer(connection, actor)
        claims = ClaimPass(connection, writer, withdraw=withdraw)
        load = _Load(Checker(connection), writer.write, claims)
        load.run(list(paths))
        if load.errors:
            raise SeedFailed(sorted(load.errors, key=lambda e: (e.file, e.line or 0)))
        claims.finish()
        _finish(connection, writer, phase)
    phase.done("committed")
    return writer.changes


def _finish(connection: Connection, writer: Writer, phase: "_Phases") -> None:
    """The countries' rows, the foreign keys checked, what derives from the records."""
    writer.write(country_rows(connection))
    try:
        writer.finish()
    except IntegrityError as exc:
        message = f"a record would name one that no claim supports any more: {exc.orig}"
        raise SeedFailed([SeedError("the knowledge base", None, (), message)]) from exc
    phase.done("records read, checked and written")
    written = refresh_derived(connection, writer.changes, on_done=phase.done)
    if writer.changes.total or written:
        bump_revision(connection)


def unload(
    engine: Engine,
    source_id: str,
    on_progress: Callable[[str], None] | None = None,
    *,
    actor: str = "entente unload",
) -> Changes:
    """Removes the source `source_id`: its claims, and every entity only they supported."""
    phase = _Phases(on_progress)
    with _collector_paused(), engine.connect() as connection, _writing(connection):
        source = Source.__table__  # type: ignore[attr-defined]
        if connection.execute(select(source.c.id).where(source.c.id == source_id)).first() is None:
            raise SeedFailed([SeedError(source_id, None, (), f"unknown source '{source_id}'")])
        writer = Writer(connection, actor)
        claims = ClaimPass(connection, writer)
        claims.withdraw(claims_of(connection, source_id))
        claims.finish()
        writer.remove("source", [source_id])
        _finish(connection, writer, phase)
    phase.done("committed")
    return writer.changes


def withdraw_claims(
    engine: Engine,
    keys: list[tuple[str, str, str]],
    *,
    actor: str,
    guard: Callable[[Connection], None] | None = None,
) -> Changes:
    """Withdraws the claims `(kind, entity id, source)`; a record no claim supports any
    more is removed."""
    phase = _Phases(None)
    with _collector_paused(), engine.connect() as connection, _writing(connection):
        if guard is not None:
            guard(connection)
        writer = Writer(connection, actor)
        claims = ClaimPass(connection, writer)
        claims.withdraw(keys)
        claims.finish()
        _finish(connection, writer, phase)
    return writer.changes


def validate(paths: Iterable[Path], engine: Engine | None = None) -> int:
    """Runs every check of `seed` without writing (references may point at what `engine`
    holds); returns the number of records checked."""
    with _collector_paused(), _read_only(engine) as connection:
        load = _Load(Checker(connection), None)
        load.run(list(paths))
    if load.errors:
        raise SeedFailed(sorted(load.errors, key=lambda e: (e.file, e.line or 0)))
    return load.records


@contextmanager
def _read_only(engine: Engine | None) -> Iterator[Connection | None]:
    if engine is None:
        yield None
        return
    with engine.connect() as connection, connection.begin():
        yield connection
