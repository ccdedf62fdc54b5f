"""Keeps the search documents in step with the records they index (called by the loader).

A document holds a record's title and, as body, its descriptive text and the excerpts that
cite it, so that a search finds a record by the words of its source too.
"""

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    aggregate_order_by,
    and_,
    delete,
    func,
    insert,
    literal,
    select,
)

from app.events.models import Event
from app.mechanisms.models import Mechanism
from app.people.models import Person, Position
from app.search.models import SearchDocument, SearchType
from app.sources.models import Citation, Source
from app.statements.models import Statement
from app.topics.models import Topic

document = SearchDocument.__table__  # type: ignore[attr-defined]
citation = Citation.__table__  # type: ignore[attr-defined]
position = Position.__table__  # type: ignore[attr-defined]
CHUNK = 500
FTS_TABLE = "search_fts"  # SQLite: the FTS5 index of the documents (the search migration)


def _text(*parts: ColumnElement[Any]) -> ColumnElement[str]:
    """The parts joined by spaces, NULLs as empty (string concatenation on every engine)."""
    joined: ColumnElement[str] = func.coalesce(parts[0], "")
    for part in parts[1:]:
        joined = joined + " " + func.coalesce(part, "")
    return func.trim(joined)


def _joined(column: Any, where: Any, order: Any, outer: Any, dialect: str) -> Any:
    """The strings of `column` in the rows `where` picks, space-separated, in the order of
    `order` (so that the same rows make the same document). PostgreSQL is told the order;
    SQLite's `group_concat` takes none before 3.44 and joins the rows of an ordered
    subquery (correlated to the `outer` table) in their order."""
    if dialect == "postgresql":
        joined = aggregate_order_by(func.aggregate_strings(column, " "), order)
        return select(joined).where(where).scalar_subquery()
    rows = select(column.label("part")).where(where).order_by(order).correlate(outer).subquery()
    return select(func.aggregate_strings(rows.c.part, " ")).scalar_subquery()


def _excerpts(subject: str, outer: Any, dialect: str) -> ColumnElement[Any]:
    """The record's excerpts, in their order."""
    where = and_(citation.c.subject_type == subject, citation.c.subject_id == outer.c.id)
    return _joined(citation.c.excerpt, where, citation.c.ordinal, outer, dialect)


TABLES = {
    SearchType.EVENT: Event,
    SearchType.STATEMENT: Statement,
    SearchType.SOURCE: Source,
    SearchType.MECHANISM: Mechanism,
    SearchType.TOPIC: Topic,
    SearchType.PERSON: Person,
}


def _table(kind: SearchType) -> Any:
    return TABLES[kind].__table__  # type: ignore[attr-defined]


def _documents(kind: SearchType, ids: list[str] | None, dialect: str) -> Select[Any]:
    """`(type, id, title, body)` of the records of `kind` among `ids` (None: all of them)."""
    t = _table(kind)
    if kind is SearchType.EVENT:
        title, body = t.c.title, _text(t.c.notes, t.c.format, _excerpts(kind, t, dialect))
    elif kind is SearchType.STATEMENT:
        title, body = t.c.text, _text(_excerpts(kind, t, dialect))
    elif kind is SearchType.SOURCE:
        title, body = t.c.title, _text(t.c.publisher, t.c.text)
    elif kind is SearchType.MECHANISM:
        title, body = t.c.name, _text(t.c.acronym, t.c.notes, _excerpts(kind, t, dialect))
    elif kind is SearchType.TOPIC:
        title, body = t.c.name, _text(t.c.description, _excerpts(kind, t, dialect))
    else:
        titles = _joined(
            position.c.title, position.c.person_id == t.c.id, position.c.ordinal, t, dialect
        )
        title, body = t.c.name, _text(titles, _excerpts(kind, t, dialect))
    query = select(literal(kind.value), t.c.id, title, body)
    return query if ids is None else query.where(t.c.id.in_(ids))


def refresh(connection: Connection, records: Mapping[SearchType, Iterable[str]]) -> int:
    """Rewrites the documents of `records` (a record no longer there loses its document)."""
    written = 0
    for kind, ids in records.items():
        ordered = sorted(ids)
        for start in range(0, len(ordered), CHUNK):
            chunk = ordered[start : start + CHUNK]
            connection.execute(
                delete(document).where(document.c.type == kind.value, document.c.id.in_(chunk))
            )
            result = connection.execute(
                insert(document).from_select(
                    ["type", "id", "title", "body"],
                    _documents(kind, chunk, connection.dialect.name),
                )
            )
            written += max(result.rowcount, 0)
    return written


def _build(connection: Connection) -> int:
    """Every document, into an empty table: one INSERT .. SELECT a kind instead of a DELETE
    and an INSERT every 500 records (a million events made 4,000 statements). The same
    documents in the same order (kinds in turn, ids in code-point order), so the same
    `doc_id`s as the chunked rewrite."""
    written = 0
    with _one_fts_build(connection):
        for kind in SearchType:
            written += _build_kind(connection, kind)
    return written


def _build_kind(connection: Connection, kind: SearchType) -> int:
    key = _table(kind).c.id
    if connection.dialect.name == "postgresql":
        key = key.collate("C")  # the order of Python's `sorted`, whatever the locale
    query = _documents(kind, None, connection.dialect.name).order_by(key)
    statement = insert(document).from_select(["type", "id", "title", "body"], query)
    return max(connection.execute(statement).rowcount, 0)


@contextmanager
def _one_fts_build(connection: Connection) -> Iterator[None]:
    """SQLite: while an empty document table is filled, the triggers that add each document
    to the FTS5 index (the search migration's) are set aside, and the index is then built
    once from the documents (FTS5 'rebuild'): the same index, a third faster. All inside
    the caller's transaction; the triggers come back as they were, even on an error."""
    if connection.dialect.name != "sqlite" or not _has_fts(connection):
        yield
        return
    triggers = connection.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
        "AND tbl_name = 'search_document' ORDER BY name"
    ).all()
    for name, _ in triggers:
        connection.exec_driver_sql(f'DROP TRIGGER "{name}"')
    try:
        yield
        connection.exec_driver_sql(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")
    finally:
        for _, sql in triggers:
            connection.exec_driver_sql(sql)


def _has_fts(connection: Connection) -> bool:
    query = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"
    return connection.exec_driver_sql(query, (FTS_TABLE,)).first() is not None


def rebuild(connection: Connection) -> int:
    """Every document from the records; into an empty table without listing them first."""
    if is_empty(connection):
        return _build(connection)
    return refresh(connection, all_records(connection))


def all_records(connection: Connection) -> dict[SearchType, set[str]]:
    """Every searchable record, for a full rebuild."""
    return {
        kind: set(connection.execute(select(_table(kind).c.id)).scalars()) for kind in SearchType
    }


def is_empty(connection: Connection) -> bool:
    return connection.execute(select(document.c.doc_id).limit(1)).first() is None
