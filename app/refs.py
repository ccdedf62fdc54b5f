"""Loading the reference shapes that many resources embed (events, statements)."""

from typing import Any

from sqlalchemy import ColumnElement, Connection, Row, Select, select

from app.events.models import Event
from app.people.models import Person
from app.schemas import EventRef, Named, StatementRef
from app.statements.models import Statement
from app.values import PartialDate

event = Event.__table__  # type: ignore[attr-defined]
statement = Statement.__table__  # type: ignore[attr-defined]
person = Person.__table__  # type: ignore[attr-defined]


def event_ref(row: Row[Any]) -> EventRef:
    """The `EventRef` of a row of the event table."""
    start = PartialDate.required(row.start_first, row.start_last, row.start_precision)
    return EventRef(id=row.id, kind=row.kind, title=row.title, start=start)


def event_refs(
    connection: Connection, statement_: Select[Any], params: dict[str, Any] | None = None
) -> list[EventRef]:
    """`EventRef`s of the events a statement selects (it must select the event table)."""
    return [event_ref(row) for row in connection.execute(statement_, params or {})]


def statements_where(*where: ColumnElement[bool]) -> Select[Any]:
    """The statements matching `where` (on the statement table), by date then id, as
    `statement_refs` reads them."""
    return (
        select(statement, person.c.name.label("speaker_name"))
        .join(person, person.c.id == statement.c.speaker_id)
        .where(*where)
        .order_by(statement.c.date_first, statement.c.id)
    )


def statement_refs(
    connection: Connection, statement_: Select[Any], params: dict[str, Any] | None = None
) -> list[StatementRef]:
    """`StatementRef`s of the statements a `statements_where` statement selects."""
    rows = connection.execute(statement_, params or {})
    return [
        StatementRef(
            id=row.id,
            speaker=Named(id=row.speaker_id, name=row.speaker_name),
            date=PartialDate.required(row.date_first, row.date_last, row.date_precision),
            mode=row.mode,
            text=row.text,
        )
        for row in rows
    ]
