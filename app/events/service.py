"""Events: queries. Filtering, ordering and paging happen in SQL.

A page of events is a page of their documents (`event_document`, each event as
`EventPublic` wrote it, kept by every change of the knowledge base: `app/events/documents.py`),
read by one statement whatever the filters.

The statement of a query depends only on which filters it uses (its `EventShape`), the
values being bound parameters: it is built once per shape. Building a SQLAlchemy statement
costs more than SQLite spends running it (docs/BENCHMARKS.md).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, NamedTuple

from sqlalchemy import (
    ColumnElement,
    Connection,
    Date,
    Select,
    bindparam,
    exists,
    func,
    or_,
    select,
    tuple_,
)

from app.countries.models import Country
from app.errors import NotFound
from app.events.models import (
    Event,
    EventCountry,
    EventDocument,
    EventParticipant,
    EventTopic,
)
from app.events.schemas import EventDetail, EventFacet, EventPublic, EventQuery
from app.facets import Facet, FacetCount, column_facet, facet_counts, link_facet, year_facet
from app.pagination import Keyset, Slice
from app.people.models import Person
from app.queries import escape_like
from app.refs import event_refs, statement_refs, statements_where
from app.statements.models import Statement
from app.topics.models import Topic

event = Event.__table__  # type: ignore[attr-defined]
event_country = EventCountry.__table__  # type: ignore[attr-defined]
event_participant = EventParticipant.__table__  # type: ignore[attr-defined]
event_topic = EventTopic.__table__  # type: ignore[attr-defined]
document = EventDocument.__table__  # type: ignore[attr-defined]
statement = Statement.__table__  # type: ignore[attr-defined]
country = Country.__table__  # type: ignore[attr-defined]
person = Person.__table__  # type: ignore[attr-defined]
topic = Topic.__table__  # type: ignore[attr-defined]


class EventShape(NamedTuple):
    """Which filters a query uses, and how many values each repeatable one has."""

    countries: int
    host: bool
    guest: bool
    participants: int
    kinds: int
    topics: int
    place: bool
    date_from: bool
    date_to: bool
    words: bool
    descending: bool


def shape_of(query: EventQuery) -> EventShape:
    return EventShape(
        countries=len(query.country),
        host=query.host is not None,
        guest=query.guest is not None,
        participants=len(query.participant),
        kinds=len(query.kind),
        topics=len(query.topic),
        place=query.place is not None,
        date_from=query.date_from is not None,
        date_to=query.date_to is not None,
        words=query.q is not None,
        descending=query.sort.startswith("-"),
    )


def params_of(query: EventQuery) -> dict[str, Any]:
    """The values of the query's filters, by the names of their bound parameters."""
    params: dict[str, Any] = {
        "host": query.host,
        "guest": query.guest,
        "place": query.place,
        "date_from": query.date_from.first if query.date_from else None,
        "date_to": query.date_to.last if query.date_to else None,
        "q": f"%{escape_like(query.q)}%" if query.q else None,
    }
    for name, values in (
        ("country", query.country),
        ("participant", query.participant),
        ("kind", [kind.value for kind in query.kind]),
        ("topic", query.topic),
    ):
        params.update({f"{name}_{index}": value for index, value in enumerate(values)})
    return params


class Matching(NamedTuple):
    """The events of a query shape: a select of their ids, and the keyset of their order."""

    ids: Select[Any]
    id_column: ColumnElement[str]
    keyset: Keyset


def _linked(link: Any, column: str, name: str) -> ColumnElement[bool]:
    return exists().where(link.c.event_id == event.c.id, link.c[column] == bindparam(name))


@lru_cache(maxsize=1024)
def matching(shape: EventShape) -> Matching:
    """Every event a query of `shape` matches, unordered.

    With countries, the first country's rows of `event_country` drive the list: they hold
    each event's start date under an index in date order, so a page reads that index in
    order and checks the other filters row by row.
    """
    conditions: list[ColumnElement[bool]] = []
    if shape.countries:
        driving = event_country.alias("driving")
        id_column: ColumnElement[str] = driving.c.event_id
        keyset = Keyset((driving.c.start_first, driving.c.event_id), shape.descending)
        statement_ = select(id_column).where(driving.c.country == bindparam("country_0"))
        for index in range(1, shape.countries):
            other = event_country.alias(f"country_{index}")
            statement_ = statement_.join(
                other,
                (other.c.event_id == id_column)
                & (other.c.country == bindparam(f"country_{index}")),
            )
        if shape.date_to:
            conditions.append(driving.c.start_first <= bindparam("date_to", type_=Date))
        reads_event = shape.host or shape.guest or shape.kinds or shape.place
        if reads_event or shape.date_from or shape.words or shape.participants or shape.topics:
            statement_ = statement_.join(event, event.c.id == id_column)
    else:
        id_column = event.c.id
        keyset = Keyset((event.c.start_first, event.c.id), shape.descending)
        statement_ = select(id_column)
        if shape.date_to:
            conditions.append(event.c.start_first <= bindparam("date_to", type_=Date))
    if shape.host:
        conditions.append(event.c.host_country == bindparam("host"))
    if shape.guest:
        conditions += [
            _linked(event_country, "country", "guest"),
            func.coalesce(event.c.host_country, "") != bindparam("guest"),
        ]
    conditions += [
        _linked(event_participant, "person_id", f"participant_{i}")
        for i in range(shape.participants)
    ]
    if shape.kinds:
        conditions.append(event.c.kind.in_([bindparam(f"kind_{i}") for i in range(shape.kinds)]))
    conditions += [_linked(event_topic, "topic_id", f"topic_{i}") for i in range(shape.topics)]
    if shape.place:
        conditions.append(event.c.place_id == bindparam("place"))
    if shape.date_from:
        # Overlap of the event's dates with the range (see `app.queries.overlaps`).
        last_day = func.coalesce(event.c.end_last, event.c.start_last)
        conditions.append(last_day >= bindparam("date_from", type_=Date))
    if shape.words:
        # Case-insensitive, with LIKE's wildcards in the words taken literally.
        words: Any = bindparam("q")
        conditions.append(
            or_(
                func.lower(event.c.title).like(func.lower(words), escape="\\"),
                func.lower(event.c.notes).like(func.lower(words), escape="\\"),
            )
        )
    return Matching(statement_.where(*conditions), id_column, keyset)


@lru_cache(maxsize=2048)
def _page_statement(shape: EventShape, after: bool) -> Select[Any]:
    """A page of documents of a query shape, in its order, with each row's key last;
    `after_0`, `after_1` bind the key of the previous page's last row, `limit` the size.

    The page's keys are found first (a subquery, from the indexes), and only the page's
    documents are read: joined in one flat statement, the planner could read a document for
    every row it then skips (it did past the first page: docs/BENCHMARKS.md, "Page 100").
    """
    found = matching(shape)
    keys = found.ids.with_only_columns(*found.keyset.columns)
    if after:
        bound = tuple_(bindparam("after_0", type_=Date), bindparam("after_1"))
        key = tuple_(*found.keyset.columns)
        keys = keys.where(key < bound if shape.descending else key > bound)
    page = keys.order_by(*found.keyset.order_by()).limit(bindparam("limit")).subquery("page")
    in_order = Keyset(tuple(page.c), shape.descending)  # the same order, on the page's keys
    return (
        select(document.c.body, *in_order.columns)
        .join(document, document.c.event_id == in_order.columns[-1])
        .order_by(*in_order.order_by())
    )


@lru_cache(maxsize=1024)
def _count_statement(shape: EventShape) -> Select[Any]:
    return select(func.count()).select_from(matching(shape).ids.subquery())


FACETS = {
    EventFacet.KIND: column_facet("kind"),
    EventFacet.YEAR: year_facet("start_first"),
    EventFacet.COUNTRY: link_facet(event_country, "event_id", "country", country),
    EventFacet.TOPIC: link_facet(event_topic, "event_id", "topic_id", topic),
    EventFacet.PARTICIPANT: link_facet(event_participant, "event_id", "person_id", person),
}


@dataclass(frozen=True)
class EventListing:
    """Events are listed from their documents, by statements built once per shape (a
    `Listing`)."""

    item: type[EventPublic] = EventPublic
    facets: Mapping[EventFacet, Facet] = field(default_factory=lambda: FACETS)

    def sort_of(self, query: EventQuery) -> str:
        return str(query.sort)

    def page(
        self, connection: Connection, query: EventQuery, after: list[Any] | None, limit: int
    ) -> Slice[str]:
        shape = shape_of(query)
        keyset = matching(shape).keyset
        params = params_of(query) | {"limit": limit + 1}
        if after is not None:
            params["after_0"], params["after_1"] = keyset.typed(after)
        rows = connection.execute(_page_statement(shape, after is not None), params).all()
        if len(rows) <= limit:
            return Slice([row[0] for row in rows], None)
        return Slice([row[0] for row in rows[:limit]], keyset.key_of(rows[limit - 1]))

    def count(self, connection: Connection, query: EventQuery) -> int:
        counted = connection.execute(_count_statement(shape_of(query)), params_of(query))
        return int(counted.scalar_one())

    def facet_counts(
        self, connection: Connection, query: EventQuery, names: list[str]
    ) -> dict[str, list[FacetCount]]:
        ids = matching(shape_of(query)).ids
        events = select(event).where(event.c.id.in_(ids))
        facets = {str(name): facet for name, facet in self.facets.items()}
        return facet_counts(connection, events, facets, names, params_of(query))


EVENTS = EventListing()


# An event's statements, built once like a page's (the event's id a bound parameter).
_DOCUMENT = select(document.c.body).where(document.c.event_id == bindparam("id"))
_CHILDREN = (
    select(event)
    .where(event.c.parent_id == bindparam("id"))
    .order_by(event.c.start_first, event.c.id)
)
_STATEMENTS = statements_where(statement.c.event_id == bindparam("id"))


def get_event(connection: Connection, *, event_id: str) -> EventDetail:
    params = {"id": event_id}
    body = connection.execute(_DOCUMENT, params).scalar_one_or_none()
    if body is None:
        raise NotFound("event", event_id)
    public = EventPublic.model_validate_json(body)
    children = event_refs(connection, _CHILDREN, params)
    statements = statement_refs(connection, _STATEMENTS, params)
    return EventDetail(**dict(public), children=children, statements=statements)
