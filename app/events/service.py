"""Events: queries. Filtering, ordering and paging happen in SQL."""

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from functools import partial
from typing import Any

import orjson
from sqlalchemy import (
    Connection,
    Date,
    Row,
    Select,
    TextClause,
    bindparam,
    case,
    func,
    select,
    text,
)

from app import rawsql
from app.countries.models import Country
from app.events.models import (
    Event,
    EventCountry,
    EventDocument,
    EventOrganization,
    EventOutcomes,
    EventParticipant,
    EventTopic,
)
from app.events.schemas import (
    EventDetail,
    EventFacet,
    EventPublic,
    EventQuery,
    EventSort,
    ParticipantPublic,
)
from app.facets import column_facet, link_facet, year_facet
from app.organizations.models import Organization
from app.pagination import Keyset, Listing, RevisedPage
from app.people.models import Person
from app.places.models import Place
from app.queries import escape_like, grouped, one_or_not_found
from app.rawsql import Fragment
from app.refs import event_ref, event_refs, statement_refs
from app.revision import REVISION_COLUMNS, revision_text
from app.schemas import Named
from app.sources.models import SubjectType
from app.sources.service import citations_of
from app.statements.models import Statement
from app.topics.models import Topic
from app.values import PartialDate, Quantity

event = Event.__table__  # type: ignore[attr-defined]
country = Country.__table__  # type: ignore[attr-defined]
event_country = EventCountry.__table__  # type: ignore[attr-defined]
event_participant = EventParticipant.__table__  # type: ignore[attr-defined]
event_topic = EventTopic.__table__  # type: ignore[attr-defined]
event_organization = EventOrganization.__table__  # type: ignore[attr-defined]
person = Person.__table__  # type: ignore[attr-defined]
place = Place.__table__  # type: ignore[attr-defined]
topic = Topic.__table__  # type: ignore[attr-defined]
organization = Organization.__table__  # type: ignore[attr-defined]
statement = Statement.__table__  # type: ignore[attr-defined]
event_document = EventDocument.__table__  # type: ignore[attr-defined]

KEYSETS = {
    EventSort.START: Keyset((event.c.start_first, event.c.id)),
    EventSort.START_DESC: Keyset((event.c.start_first, event.c.id), descending=True),
}
last_day = func.coalesce(event.c.end_last, event.c.start_last)


# With a country filter the list is read from the first country's rows of event_country,
# which hold the events' start dates under an index in date order: no sort, and a page
# costs the same at any depth and whatever the size of the knowledge base.
driving = event_country.alias("driving")
DRIVEN_KEYSETS = {
    sort: Keyset(
        (driving.c.start_first, driving.c.event_id),
        descending=keyset.descending,
        keys=("start_first", "id"),
    )  # equal to the event's own, by construction
    for sort, keyset in KEYSETS.items()
}


def event_filters(query: EventQuery, *, driven: int = 1) -> list[Fragment]:
    """The query's filters as SQL fragments, but for its first `driven` countries, which the
    table that drives the list already selects.

    The fragments' text depends only on which filters are used (their values are
    parameters), so a statement made of them is compiled once per shape; `{id}` is the
    event id expression, which lets a list driven by another table skip the event table
    when no filter reads its columns.
    """
    fragments: list[Fragment] = []
    for index, country in enumerate(query.country[driven:], start=driven):
        # Checked per candidate through the primary key, not by listing the country's events.
        fragments.append(
            Fragment(
                "EXISTS (SELECT 1 FROM event_country AS c WHERE c.event_id = {id} "
                f"AND c.country = :country_{index})",
                {f"country_{index}": country},
            )
        )
    if query.host:
        fragments.append(Fragment("event.host_country = :host", {"host": query.host}, True))
    if query.guest:
        fragments.append(
            Fragment(
                "EXISTS (SELECT 1 FROM event_country AS g WHERE g.event_id = {id} "
                "AND g.country = :guest) AND coalesce(event.host_country, '') <> :guest",
                {"guest": query.guest},
                True,
            )
        )
    for index, person_id in enumerate(query.participant):
        fragments.append(
            Fragment(
                "EXISTS (SELECT 1 FROM event_participant AS p WHERE p.event_id = {id} "
                f"AND p.person_id = :participant_{index})",
                {f"participant_{index}": person_id},
            )
        )
    if query.kind:
        kinds = {f"kind_{index}": kind.value for index, kind in enumerate(query.kind)}
        names = ", ".join(f":{name}" for name in kinds)
        fragments.append(Fragment(f"event.kind IN ({names})", kinds, True))
    for index, topic_id in enumerate(query.topic):
        fragments.append(
            Fragment(
                "EXISTS (SELECT 1 FROM event_topic AS t WHERE t.event_id = {id} "
                f"AND t.topic_id = :topic_{index})",
                {f"topic_{index}": topic_id},
            )
        )
    if query.place:
        fragments.append(Fragment("event.place_id = :place", {"place": query.place}, True))
    # Overlap of the event's dates with the range (see `app.queries.overlaps`).
    if query.date_to is not None:
        fragments.append(
            Fragment("event.start_first <= :date_to", {"date_to": query.date_to.last}, True)
        )
    if query.date_from is not None:
        fragments.append(
            Fragment(
                "coalesce(event.end_last, event.start_last) >= :date_from",
                {"date_from": query.date_from.first},
                True,
            )
        )
    if query.q:
        # Case-insensitive, with LIKE's wildcards in the words taken literally.
        fragments.append(
            Fragment(
                "(lower(event.title) LIKE lower(:q) ESCAPE '\\' "
                "OR lower(event.notes) LIKE lower(:q) ESCAPE '\\')",
                {"q": f"%{escape_like(query.q)}%"},
                True,
            )
        )
    return fragments


def _bound(fragment: Fragment, id_expression: str) -> TextClause:
    return text(fragment.sql.format(id=id_expression)).bindparams(
        *(
            bindparam(name, value, type_=Date if isinstance(value, dt.date) else None, unique=True)
            for name, value in fragment.params.items()
        )
    )


def filtered(query: EventQuery) -> Select[Any]:
    """Every event matching the query's filters, unordered."""
    fragments = event_filters(query)
    statement_ = select(event)
    if query.country:
        statement_ = statement_.join(
            driving, (driving.c.event_id == event.c.id) & (driving.c.country == query.country[0])
        )
    return statement_.where(*(_bound(fragment, "event.id") for fragment in fragments))


class Driver(StrEnum):
    """The table a page of events is read from, in date order, through one of its indexes."""

    EVENT = "event"  # no country: the event table itself (`ix_event_start_first_id`)
    COUNTRY = "country"  # a country's rows of `event_country`, with the events' dates
    PAIR = "pair"  # two countries: the pair's event rows of `relation_item` (exactly theirs)


DRIVERS = {
    # The event id expression, the two key columns, the tables and their condition, and on
    # SQLite the one text key of an index in the keys' order (None: the event table has
    # none, see `_page_sql`) and the document key that index holds (None: the event id's).
    Driver.EVENT: ("event.id", ("event.start_first", "event.id"), "event", "", None, None),
    Driver.COUNTRY: (
        "driving.event_id",
        ("driving.start_first", "driving.event_id"),
        "event_country AS driving",
        "driving.country = :country_0",
        "driving.start_first || driving.event_id",  # ix_page_key_event_country
        None,
    ),
    Driver.PAIR: (
        "driving.id",
        ("driving.date_first", "driving.id"),
        "relation_item AS driving",
        "driving.a = :pair_a AND driving.b = :pair_b AND driving.type = 'event'",
        "driving.date_first || driving.id",  # ix_page_key_relation_item
        "driving.doc_id",
    ),
}


# How each engine joins a page's documents, and lists the keys of its rows, in the page's
# order. SQLite before 3.44 takes no ORDER BY inside an aggregate: it aggregates the rows in
# the order its subquery returns them (`tests/api/test_event_documents.py` compares every
# page with the models'); the documents come back as a BLOB, with no decoding to text.
_AGGREGATES = {
    "sqlite": (
        "CAST(group_concat(body, ',') AS BLOB)",
        "json_group_array(json_array(k0, k1))",
    ),
    "postgresql": (
        "string_agg(body, ',' ORDER BY {order})",
        "CAST(json_agg(json_build_array(k0, k1) ORDER BY {order}) AS TEXT)",
    ),
}


def _page_sql(
    dialect: str, driver: Driver, fragments: list[Fragment], *, descending: bool, after: bool
) -> str:
    """The SQL of a page of event documents for a query of this shape: in one statement
    (one snapshot), the knowledge base's revision, the page's documents joined (`:limit` of
    them), and the keys of its last row and of the row after it, if any (from `:last`, the
    0-based position of the page's last row)."""
    id_expression, keys, tables, driving, page_key, doc_key = DRIVERS[driver]
    if driver is not Driver.EVENT and any(fragment.needs_row for fragment in fragments):
        tables += f" JOIN event ON event.id = {id_expression}"
    where = [driving] if driving else []
    where += [fragment.sql.format(id=id_expression) for fragment in fragments]
    direction = "DESC" if descending else "ASC"
    order = f"ORDER BY {keys[0]} {direction}, {keys[1]} {direction}"
    # The rows passed over before the page, and before its last row: SQLite's form of
    # "after the cursor" on the event table (below) adds a count to both.
    offset, last = "", ":last"
    if dialect == "sqlite" and page_key:
        # SQLite seeks a row value `(k0, k1) < (:after_0, :after_1)` through the index, then
        # tests it again on every row it reads (the key columns being DATE, turning both
        # dates into numbers each time). A range of one column it seeks and does not test
        # again: the page is ordered by, and after a cursor sought on, one text key in the
        # keys' order, the ISO date (fixed width) followed by the id, which an index holds
        # (migration d8f4a3b2c004). The first page and the hundredth then run the same steps.
        order = f"ORDER BY {page_key} {direction}"
        if after:
            where.append(f"{page_key} {'<' if descending else '>'} :after_0 || :after_1")
    elif after and dialect == "sqlite":
        # The event table has no such index (a list of every event filtered by dates
        # seeks `start_first` itself): the seek is on k0 alone, and the rows that share
        # the cursor's k0 but come before it are counted (their own seek, usually no row or
        # one) and skipped.
        bound, before = ("<=", ">=") if descending else (">=", "<=")
        ties = [*where, f"{keys[0]} = :after_0", f"{keys[1]} {before} :after_1"]
        skip = f"(SELECT count(*) FROM {tables} WHERE {' AND '.join(ties)})"
        offset, last = f" OFFSET {skip}", f":last + {skip}"
        where.append(f"{keys[0]} {bound} :after_0")
    elif after:
        where.append(f"({keys[0]}, {keys[1]}) {'<' if descending else '>'} (:after_0, :after_1)")
    condition = " AND ".join(where) or "1 = 1"
    # On SQLite a pair's documents are found by their integer key, read from the page key
    # index (one b-tree descent a document, not the event id's index and then the table);
    # PostgreSQL's index of the pair's rows holds the event id, not that key.
    if dialect == "sqlite" and doc_key:
        document = f"doc.doc_id = {doc_key}"
    else:
        document = f"doc.event_id = {id_expression}"
    documents, row_keys = (
        aggregate.format(order=f"k0 {direction}, k1 {direction}")
        for aggregate in _AGGREGATES[dialect]
    )
    # Every event has its document (each load writes both in one transaction, and
    # `tests/api/test_event_documents.py` checks it), so the keys are read without them.
    return (
        f"SELECT {REVISION_COLUMNS}, "
        f"(SELECT {documents} FROM (SELECT {keys[0]} AS k0, {keys[1]} AS k1, doc.body AS body "
        f"FROM {tables} JOIN event_document AS doc ON {document} "
        f"WHERE {condition} {order} LIMIT :limit{offset}) AS page), "
        f"(SELECT {row_keys} FROM (SELECT {keys[0]} AS k0, {keys[1]} AS k1 "
        f"FROM {tables} WHERE {condition} {order} LIMIT 2 OFFSET {last}) AS following)"
    )


# The statements that load a page's nested data, built once: `ids` expands to the page's ids.
PAGE_IDS: Any = bindparam("ids", expanding=True)
COUNTRIES_OF = (
    select(event_country.c.event_id, event_country.c.country)
    .where(event_country.c.event_id.in_(PAGE_IDS))
    .order_by(event_country.c.event_id, event_country.c.country)
)
PARTICIPANTS_OF = (
    select(event_participant.c.event_id, person.c.id, person.c.name, event_participant.c.role)
    .join(person, person.c.id == event_participant.c.person_id)
    .where(event_participant.c.event_id.in_(PAGE_IDS))
    .order_by(
        event_participant.c.event_id,
        case({"host": 0, "guest": 1}, value=event_participant.c.role, else_=2),
        person.c.name,
        person.c.id,
    )
)
TOPICS_OF = (
    select(event_topic.c.event_id, topic.c.id, topic.c.name)
    .join(topic, topic.c.id == event_topic.c.topic_id)
    .where(event_topic.c.event_id.in_(PAGE_IDS))
    .order_by(event_topic.c.event_id, topic.c.name, topic.c.id)
)
ORGANIZATIONS_OF = (
    select(event_organization.c.event_id, organization.c.id, organization.c.name)
    .join(organization, organization.c.id == event_organization.c.organization_id)
    .where(event_organization.c.event_id.in_(PAGE_IDS))
    .order_by(event_organization.c.event_id, organization.c.name, organization.c.id)
)


def build_events(connection: Connection, rows: list[Row[Any]]) -> list[EventPublic]:
    """Public events for `rows` of the event table: a few IN queries for the whole page."""
    ids = [row.id for row in rows]
    if not ids:
        return []
    page = {"ids": ids}
    countries = grouped(connection, COUNTRIES_OF, page)
    participants = grouped(connection, PARTICIPANTS_OF, page)
    topics = grouped(connection, TOPICS_OF, page)
    organizations = grouped(connection, ORGANIZATIONS_OF, page)
    place_ids = {row.place_id for row in rows if row.place_id}
    places = (
        {
            r.id: Named(id=r.id, name=r.name)
            for r in connection.execute(
                select(place.c.id, place.c.name).where(place.c.id.in_(place_ids))
            )
        }
        if place_ids
        else {}
    )
    parent_ids = {row.parent_id for row in rows if row.parent_id}
    parents = (
        {
            ref.id: ref
            for ref in event_refs(connection, select(event).where(event.c.id.in_(parent_ids)))
        }
        if parent_ids
        else {}
    )
    citations = citations_of(connection, SubjectType.EVENT, ids)

    return [
        EventPublic(
            id=row.id,
            kind=row.kind,
            status=row.status,
            title=row.title,
            start=event_ref(row).start,
            start_text=row.start_text,
            end=PartialDate.from_columns(row.end_first, row.end_last, row.end_precision),
            end_text=row.end_text,
            place=places.get(row.place_id) if row.place_id else None,
            host_country=row.host_country,
            countries=[r.country for r in countries.get(row.id, [])],
            organizations=[Named(id=r.id, name=r.name) for r in organizations.get(row.id, [])],
            participants=[
                ParticipantPublic(person=Named(id=r.id, name=r.name), role=r.role)
                for r in participants.get(row.id, [])
            ],
            duration=Quantity(
                value=row.duration_value,
                unit=row.duration_unit,
                qualifier=row.duration_qualifier,
                text=row.duration_text,
            )
            if row.duration_value is not None
            else None,
            format=row.format,
            outcomes=EventOutcomes.model_validate(row.outcomes) if row.outcomes else None,
            parent=parents.get(row.parent_id) if row.parent_id else None,
            topics=[Named(id=r.id, name=r.name) for r in topics.get(row.id, [])],
            notes=row.notes,
            citations=citations.get(row.id, []),
        )
        for row in rows
    ]


def get_event(connection: Connection, *, event_id: str) -> EventDetail:
    row = one_or_not_found(
        connection, select(event).where(event.c.id == event_id), "event", event_id
    )
    (public,) = build_events(connection, [row])
    children = event_refs(
        connection,
        select(event)
        .where(event.c.parent_id == event_id)
        .order_by(event.c.start_first, event.c.id),
    )
    statements = statement_refs(connection, statement.c.event_id == event_id)
    return EventDetail(**dict(public), children=children, statements=statements)


FACETS = {
    EventFacet.KIND: column_facet("kind"),
    EventFacet.YEAR: year_facet("start_first"),
    EventFacet.COUNTRY: link_facet(event_country, "event_id", "country", country),
    EventFacet.TOPIC: link_facet(event_topic, "event_id", "topic_id", topic),
    EventFacet.PARTICIPANT: link_facet(event_participant, "event_id", "person_id", person),
}


@dataclass(frozen=True)
class EventListing(Listing[EventQuery, EventPublic]):
    def keyset(self, query: EventQuery) -> Keyset:
        return (DRIVEN_KEYSETS if query.country else KEYSETS)[query.sort]

    def bounded(self, query: EventQuery) -> bool:
        # The table that drives the page (the pair's rows, a country's, the events') selects
        # every filter: each row read is a row of the page.
        return not event_filters(query, driven=2 if len(query.country) >= 2 else 1)

    def page_at_revision(
        self, connection: Connection, *, query: EventQuery, after: list[Any] | None, limit: int
    ) -> RevisedPage:
        """A page of ready documents and the revision, in one statement run through the
        driver.

        Two countries or more are read from the pair's rows of `relation_item` (one row per
        event of both, in date order: no row read is thrown away, however many other events
        either country has); one country from its rows of `event_country`."""
        keyset = self.keyset(query)
        params: dict[str, Any] = {"limit": limit, "last": limit - 1}
        if len(query.country) >= 2:
            driver = Driver.PAIR
            params["pair_a"], params["pair_b"] = sorted(query.country[:2])
        elif query.country:
            driver = Driver.COUNTRY
            params["country_0"] = query.country[0]
        else:
            driver = Driver.EVENT
        fragments = event_filters(query, driven=2 if driver is Driver.PAIR else 1)
        for fragment in fragments:
            params.update(fragment.params)
        if after is not None:
            params.update(
                {f"after_{i}": value for i, value in enumerate(keyset.typed_values(after))}
            )
        shape = (
            driver,
            tuple(fragment.sql for fragment in fragments),
            keyset.descending,
            after is not None,
        )
        ((revision, changed_at, documents, row_keys),) = rawsql.fetch(
            connection,
            ("events page", shape),
            partial(
                _page_sql,
                connection.dialect.name,
                driver,
                fragments,
                descending=keyset.descending,
                after=after is not None,
            ),
            params,
        )
        following = orjson.loads(row_keys) if row_keys else []
        return RevisedPage(
            revision=revision_text(revision, changed_at),
            items=documents.encode() if isinstance(documents, str) else documents or b"",
            last_key=following[0] if len(following) == 2 else None,
        )


EVENTS = EventListing(filtered=filtered, keysets=KEYSETS, build=build_events, facets=FACETS)
