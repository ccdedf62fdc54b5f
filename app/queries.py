"""Query helpers shared by the services."""

from collections import defaultdict
from typing import Any

from sqlalchemy import ColumnElement, Connection, Row, Select, String, case, cast, func, or_

from app.errors import NotFound
from app.values import PartialDate


def grouped(
    connection: Connection, statement: Select[Any], parameters: dict[str, Any] | None = None
) -> dict[Any, list[Row[Any]]]:
    """Rows of `statement` grouped by their first column, keeping the statement's order."""
    groups: dict[Any, list[Row[Any]]] = defaultdict(list)
    for row in connection.execute(statement, parameters or {}):
        groups[row[0]].append(row)
    return groups


def one_or_not_found(
    connection: Connection, statement: Select[Any], kind: str, id: str
) -> Row[Any]:
    """The first row `statement` selects; none is `NotFound(kind, id)`, which answers 404."""
    row = connection.execute(statement).first()
    if row is None:
        raise NotFound(kind, id)
    return row


def overlaps(
    first: ColumnElement[Any],
    last: ColumnElement[Any],
    date_from: PartialDate | None,
    date_to: PartialDate | None,
) -> list[ColumnElement[bool]]:
    """Conditions for an interval [first, last] to overlap [date_from, date_to]."""
    conditions = []
    if date_to is not None:
        conditions.append(first <= date_to.last)
    if date_from is not None:
        conditions.append(last >= date_from.first)
    return conditions


def escape_like(text: str) -> str:
    """`text` with LIKE's wildcards taken literally (escape character: backslash)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def contains_words(text: str, *columns: ColumnElement[Any]) -> ColumnElement[bool]:
    """Case-insensitive substring match of `text` in any of `columns` (LIKE, escaped)."""
    pattern = f"%{escape_like(text)}%"
    return or_(*(column.ilike(pattern, escape="\\") for column in columns))


def iso_partial_date(
    first: ColumnElement[Any], precision: ColumnElement[Any]
) -> ColumnElement[str]:
    """A partial date as its ISO string at its precision (`2018`, `2019-08`, `2019-08-19`),
    in SQL that SQLite and PostgreSQL both run."""
    length = case({"year": 4, "month": 7}, value=precision, else_=10)
    return func.substr(cast(first, String), 1, length, type_=String)
