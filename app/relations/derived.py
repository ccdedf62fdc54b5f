"""Keeps the pair tables (`relation_item`, `relation_facet`) in step with the records.

Both are written in SQL, set-based: a rebuild is a handful of INSERT .. SELECT over the
whole knowledge base (seconds at a million events), and a load that changed a few records
rewrites the items of those records, then recounts the facets of the pairs they belong to
(before or after the change). The loader calls this through `app/seeding/derived.py`.
"""

import collections
import itertools
from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Connection,
    Integer,
    Select,
    String,
    and_,
    case,
    cast,
    delete,
    exists,
    extract,
    false,
    func,
    insert,
    literal,
    select,
    true,
    union_all,
)

from app import rawsql
from app.events import page_keys
from app.events.models import EventDocument
from app.queries import iso_partial_date
from app.relations.models import Facet, RelationFacet, RelationItem
from app.relations.schemas import EVIDENCE, TimelineType
from app.relations.service import (
    MEETING_KINDS,
    Pair,
    assessment,
    assessment_country,
    event,
    event_country,
    event_topic,
    figure,
    mechanism,
    mechanism_country,
    mechanism_status,
    person,
    statement,
    statement_topic,
    status_dated,
)
from app.seeding.sync import SyncReport

item = RelationItem.__table__  # type: ignore[attr-defined]
document = EventDocument.__table__  # type: ignore[attr-defined]
facet = RelationFacet.__table__  # type: ignore[attr-defined]

# `EVIDENCE`: ids kept as the evidence of each count, the latest ones, so that a count of
# 20,000 events costs the dossier what a count of 3 does (the rest: a filtered /events).
CHUNK = 500
# A load that changes more records than this rebuilds everything: one set-based pass is
# then cheaper than many chunked ones.
REBUILD_ABOVE = 20_000
# A load touching more pairs than this recounts every pair's facets at once.
RECOUNT_ALL_ABOVE = 200
ITEM_COLUMNS = [c.name for c in item.columns if c.name != "item_id"]
FACET_COLUMNS = ["a", "b", "facet", "key", "count", "evidence"]


# -- the items of each type, as rows of relation_item


def _ordered(first: ColumnElement[str], second: ColumnElement[str]) -> tuple[Any, Any]:
    """The two codes alphabetically (a pair is stored once, as (a, b) with a < b)."""
    return (
        case((first < second, first), else_=second),
        case((first < second, second), else_=first),
    )


def _items(type_: TimelineType, ids: list[str] | None) -> Select[Any]:
    """The rows of `relation_item` of type `type_`, for the records `ids` (None: all), in
    the order of `ITEM_COLUMNS`."""
    no_event = (literal(None, String), false(), false(), literal(None, Integer))
    if type_ is TimelineType.EVENT:
        one, other = event_country.alias("one"), event_country.alias("other")
        held = event.c.status == "held"
        # The document's key (the load writes documents before these rows).
        doc_id = select(document.c.doc_id).where(document.c.event_id == event.c.id)
        select_ = (
            select(
                literal(type_.value),
                event.c.id,
                event.c.id,
                one.c.country,
                other.c.country,
                event.c.start_first,
                event.c.start_last,
                event.c.start_precision,
                func.coalesce(event.c.end_last, event.c.start_last),
                event.c.start_text,
                false(),
                event.c.title,
                event.c.kind,
                held,
                and_(held, event.c.parent_id.is_(None)),
                doc_id.scalar_subquery(),
            )
            .select_from(event)
            .join(one, one.c.event_id == event.c.id)
            .join(other, and_(other.c.event_id == event.c.id, one.c.country < other.c.country))
        )
        record = event.c.id
    elif type_ is TimelineType.STATEMENT:
        one, other = event_country.alias("one"), event_country.alias("other")
        select_ = (
            select(
                literal(type_.value),
                statement.c.id,
                statement.c.id,
                one.c.country,
                other.c.country,
                statement.c.date_first,
                statement.c.date_last,
                statement.c.date_precision,
                statement.c.date_last,
                statement.c.date_text,
                false(),
                person.c.name + ": " + statement.c.text,
                *no_event,
            )
            .select_from(statement)
            .join(person, person.c.id == statement.c.speaker_id)
            .join(one, one.c.event_id == statement.c.event_id)
            .join(
                other,
                and_(other.c.event_id == statement.c.event_id, one.c.country < other.c.country),
            )
        )
        record = statement.c.id
    elif type_ is TimelineType.MECHANISM_STATUS:
        one, other = mechanism_country.alias("one"), mechanism_country.alias("other")
        select_ = (
            select(
                literal(type_.value),
                mechanism_status.c.mechanism_id,
                mechanism_status.c.id,
                one.c.country,
                other.c.country,
                status_dated("first"),
                status_dated("last"),
                func.coalesce(
                    mechanism_status.c.date_precision, mechanism_status.c.as_of_precision
                ),
                status_dated("last"),
                mechanism_status.c.date_text,
                mechanism_status.c.date_first.is_(None),
                mechanism.c.name + ": " + mechanism_status.c.status,
                *no_event,
            )
            .select_from(mechanism_status)
            .join(mechanism, mechanism.c.id == mechanism_status.c.mechanism_id)
            .join(one, one.c.mechanism_id == mechanism.c.id)
            .join(
                other,
                and_(other.c.mechanism_id == mechanism.c.id, one.c.country < other.c.country),
            )
            # An undated entry with no reporting date has no place on a timeline.
            .where(status_dated("first").is_not(None))
        )
        record = mechanism.c.id
    elif type_ is TimelineType.FIGURE:
        value = case(
            (
                figure.c.value == func.round(figure.c.value),
                cast(cast(figure.c.value, BigInteger), String),
            ),
            else_=cast(figure.c.value, String),
        )
        select_ = select(
            literal(type_.value),
            figure.c.id,
            figure.c.id,
            *_ordered(figure.c.country, figure.c.partner),
            figure.c.period_first,
            figure.c.period_last,
            figure.c.period_precision,
            figure.c.period_last,
            figure.c.period_text,
            false(),
            (
                figure.c.metric
                + " "
                + figure.c.country
                + "-"
                + figure.c.partner
                + " "
                + iso_partial_date(figure.c.period_first, figure.c.period_precision)
                + ": "
                + func.coalesce(figure.c.value_text, value + " " + figure.c.unit)
            ),
            *no_event,
        ).where(figure.c.country != figure.c.partner)
        record = figure.c.id
    else:
        one, other = assessment_country.alias("one"), assessment_country.alias("other")
        select_ = (
            select(
                literal(type_.value),
                assessment.c.id,
                assessment.c.id,
                one.c.country,
                other.c.country,
                assessment.c.period_first,
                assessment.c.period_last,
                assessment.c.period_precision,
                func.coalesce(assessment.c.period_end_last, assessment.c.period_last),
                assessment.c.period_text,
                false(),
                assessment.c.stance + ": " + assessment.c.text,
                *no_event,
            )
            .select_from(assessment)
            .join(one, one.c.assessment_id == assessment.c.id)
            .join(
                other,
                and_(other.c.assessment_id == assessment.c.id, one.c.country < other.c.country),
            )
        )
        record = assessment.c.id
    if ids is not None:
        select_ = select_.where(record.in_(ids))
    # Named as relation_item's columns, so the branches line up in a UNION ALL.
    rows = select_.subquery(type_.value)
    return select(*(c.label(name) for c, name in zip(rows.c, ITEM_COLUMNS, strict=True)))


# -- the facets of pairs, counted from relation_item


def _of_pair(pair: Pair | None) -> list[ColumnElement[bool]]:
    return [] if pair is None else [item.c.a == pair[0], item.c.b == pair[1]]


def _events(pair: Pair | None) -> list[ColumnElement[bool]]:
    """The event items (of `pair`). For every pair, asked by an expression no index serves:
    events are most items, which a table scan reads in storage order, while SQLite would walk
    the record index and fetch each row at random (several times slower)."""
    if pair is None:
        return [item.c.type + "" == TimelineType.EVENT.value]
    return [item.c.type == TimelineType.EVENT.value, *_of_pair(pair)]


def _facet_selects(pair: Pair | None) -> list[tuple[tuple[Facet, ...], Select[Any]]]:
    """The facets counted in each pass, and the select of the pass's rows (a, b, id,
    date_first, item_id, then one key per facet), for one pair or, with `pair` None, every pair."""
    engaged = [*_events(pair), item.c.engaged == true()]
    statements = [item.c.type == TimelineType.STATEMENT.value, *_of_pair(pair)]
    year = cast(cast(extract("year", item.c.date_first), Integer), String)

    def of_items(*keys: ColumnElement[Any]) -> Select[Any]:
        return select(item.c.a, item.c.b, item.c.id, item.c.date_first, item.c.item_id, *keys)

    pair_a, pair_b = _ordered(figure.c.country, figure.c.partner)
    claims = (
        of_items(figure.c.id)
        .select_from(figure)
        .join(
            item,
            and_(
                item.c.a == pair_a,
                item.c.b == pair_b,
                item.c.type == TimelineType.EVENT.value,
                item.c.date_first >= figure.c.period_first,
                item.c.date_first <= figure.c.period_last,
            ),
        )
        .where(
            figure.c.metric == "leader_meetings",
            item.c.engaged == true(),
            item.c.kind.in_([kind.value for kind in MEETING_KINDS]),
            item.c.date_last <= figure.c.period_last,
            *_of_pair(pair),
        )
    )
    return [
        (
            (Facet.YEAR, Facet.KIND, Facet.ENGAGEMENT),
            of_items(year, item.c.kind, literal("", String)).where(*engaged),
        ),
        (
            (Facet.TOPIC_EVENT,),
            of_items(event_topic.c.topic_id)
            .join(event_topic, event_topic.c.event_id == item.c.resource_id)
            .where(*_events(pair), item.c.held == true()),
        ),
        (
            (Facet.TOPIC_STATEMENT,),
            of_items(statement_topic.c.topic_id)
            .join(statement_topic, statement_topic.c.statement_id == item.c.resource_id)
            .where(*statements),
        ),
        ((Facet.STATEMENT,), of_items(literal("", String)).where(*statements)),
        ((Facet.CLAIM,), claims),
    ]


def _counted_rows(
    connection: Connection,
    names: tuple[Facet, ...],
    source: Select[Any],
    *,
    every_pair: bool,
    stored_in_order: bool,
) -> Iterator[dict[str, Any]]:
    """Rows of `relation_facet` for the facets `names` from `source` (a, b, id, date_first,
    item_id, a key per name): per (a, b, facet, key) the number of items and the ids of
    the latest `EVIDENCE`, oldest first, joined by spaces.

    The database orders the rows by pair then date; Python walks them once, keeping each
    bucket's last ids. SQL window functions ranking every row cost SQLite several times the
    whole pass, and a string aggregate's order is not guaranteed."""
    rows = source.subquery("counted")
    columns = list(rows.c)
    if stored_in_order:
        # Just rebuilt: the items were numbered in (a, b, date_first, type, id) order, and
        # each pass reads one type, so their numbers give the order wanted (no sort).
        order: list[Any] = [columns[4]]
    else:
        # For every pair, ordered by an expression no index serves: SQLite would otherwise
        # walk the timeline index and fetch each row from the table, slower than a scan and
        # a sort.
        first = columns[0] + "" if every_pair else columns[0]
        order = [first, columns[1], columns[3], columns[2]]
    ordered = select(*columns[:3], *columns[5:]).order_by(*order)
    facet_names = [name.value for name in names]
    pair_: tuple[str, str] = ("", "")
    buckets: dict[Any, list[Any]] = {}  # (name, key), or key alone in a pass of one facet

    def flush() -> Iterator[dict[str, Any]]:
        for bucket_key, (count, latest) in buckets.items():
            name, key = (single, bucket_key) if single is not None else bucket_key
            yield {
                "a": pair_[0],
                "b": pair_[1],
                "facet": name,
                "key": key,
                "count": count,
                "evidence": " ".join(latest),
            }
        buckets.clear()

    single = facet_names[0] if len(facet_names) == 1 else None
    # Through the driver (`app.rawsql`): SQLAlchemy's row objects cost more than the
    # counting. The statement's values are constants of the code and a pair's codes.
    sql = str(ordered.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))
    a_, b_ = pair_
    walked = rawsql.stream(connection, sql, 20_000)
    if single is not None:
        # One facet a pass but the first (the topics': two million rows at a million
        # events): a bucket a key, named in `flush`.
        for a, b, item_id, key in walked:
            if b != b_ or a != a_:
                if a_:
                    yield from flush()
                pair_ = a_, b_ = a, b
            bucket = buckets.get(key)
            if bucket is None:
                bucket = buckets[key] = [0, collections.deque(maxlen=EVIDENCE)]
            bucket[0] += 1
            bucket[1].append(item_id)
    else:
        for a, b, item_id, *keys in walked:
            if b != b_ or a != a_:
                if a_:
                    yield from flush()
                pair_ = a_, b_ = a, b
            for bucket_key in zip(facet_names, keys, strict=True):
                bucket = buckets.get(bucket_key)
                if bucket is None:
                    bucket = buckets[bucket_key] = [0, collections.deque(maxlen=EVIDENCE)]
                bucket[0] += 1
                bucket[1].append(item_id)
    if a_:
        yield from flush()


def _count_facets(connection: Connection, pair: Pair | None, stored_in_order: bool = False) -> int:
    """Writes the facets of `pair` (None: of every pair); its old rows must be gone."""
    written = 0
    for names, source in _facet_selects(pair):
        rows = _counted_rows(
            connection, names, source, every_pair=pair is None, stored_in_order=stored_in_order
        )
        while batch := list(itertools.islice(rows, 10_000)):
            written += rawsql.execute_many(connection, insert(facet), batch)
    # A topic's total, by which the dossier ranks topics (its parts hold the evidence).
    parts = select(
        facet.c.a,
        facet.c.b,
        literal(Facet.TOPIC.value, String),
        facet.c.key,
        func.sum(facet.c.count),
        literal("", String),
    ).where(facet.c.facet.in_([Facet.TOPIC_EVENT.value, Facet.TOPIC_STATEMENT.value]))
    if pair is not None:
        parts = parts.where(facet.c.a == pair[0], facet.c.b == pair[1])
    written += connection.execute(
        insert(facet).from_select(FACET_COLUMNS, parts.group_by(facet.c.a, facet.c.b, facet.c.key))
    ).rowcount
    return written


# -- the hooks the loader calls


def rebuild(connection: Connection) -> int:
    """Rewrites both tables from the records.

    The items are written in the order of the timeline's index, with the secondary indexes
    dropped and built again after: appending rows and sorting each index once is several
    times faster than inserting a million keys into three b-trees at random places."""
    connection.execute(delete(facet))
    connection.execute(delete(item))
    indexes = sorted(item.indexes, key=lambda index: str(index.name))
    with page_keys.set_aside(connection, "relation_item"):
        for index in indexes:
            index.drop(connection)
        every = union_all(*(_items(type_, None) for type_ in TimelineType)).subquery("every")
        written = connection.execute(
            insert(item).from_select(
                ITEM_COLUMNS,
                select(*(every.c[name] for name in ITEM_COLUMNS)).order_by(
                    every.c.a, every.c.b, every.c.date_first, every.c.type, every.c.id
                ),
            )
        ).rowcount
        for index in indexes:
            index.create(connection)
    # SQLite numbers the rows of an INSERT .. SELECT in the order the SELECT gives them.
    in_order = connection.dialect.name == "sqlite"
    return written + _count_facets(connection, None, stored_in_order=in_order)


def is_empty(connection: Connection) -> bool:
    """True when no item is stored although records that make items exist."""
    if connection.execute(select(exists().select_from(item))).scalar():
        return False
    sources = (event_country, figure, assessment_country, mechanism_country)
    return any(connection.execute(select(exists().select_from(t))).scalar() for t in sources)


def _chunks(ids: Iterable[str]) -> Iterator[list[str]]:
    ordered = sorted(ids)
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


def _touched(report: SyncReport, *tables: str) -> set[str]:
    return {
        key[0] for table in tables if table in report.tables for key in report.tables[table].touched
    }


def _touched_items(connection: Connection, report: SyncReport) -> dict[TimelineType, set[str]]:
    """Per type, the records whose items may have changed (by `resource_id`)."""
    events = _touched(report, "event", "event_country")
    statements = _touched(report, "statement")
    # A statement's pairs are its event's countries; its title, its speaker's name.
    for chunk in _chunks(events):
        statements.update(
            connection.execute(select(statement.c.id).where(statement.c.event_id.in_(chunk)))
            .scalars()
            .all()
        )
    for chunk in _chunks(_touched(report, "person")):
        statements.update(
            connection.execute(select(statement.c.id).where(statement.c.speaker_id.in_(chunk)))
            .scalars()
            .all()
        )
    return {
        TimelineType.EVENT: events,
        TimelineType.STATEMENT: statements,
        TimelineType.MECHANISM_STATUS: _touched(
            report, "mechanism", "mechanism_status", "mechanism_country"
        ),
        TimelineType.FIGURE: _touched(report, "figure"),
        TimelineType.ASSESSMENT: _touched(report, "assessment", "assessment_country"),
    }


def _pairs_of(connection: Connection, type_: TimelineType, ids: list[str]) -> set[Pair]:
    rows = connection.execute(
        select(item.c.a, item.c.b)
        .where(item.c.type == type_.value, item.c.resource_id.in_(ids))
        .distinct()
    )
    return {(row.a, row.b) for row in rows}


def refresh(connection: Connection, report: SyncReport) -> int:
    """Rewrites the items of the records the load changed, and recounts the facets of every
    pair they were or are now about."""
    touched = _touched_items(connection, report)
    if sum(len(ids) for ids in touched.values()) > REBUILD_ABOVE:
        return rebuild(connection)
    written = 0
    pairs: set[Pair] = set()
    for type_, ids in touched.items():
        for chunk in _chunks(ids):
            pairs |= _pairs_of(connection, type_, chunk)
            connection.execute(
                delete(item).where(item.c.type == type_.value, item.c.resource_id.in_(chunk))
            )
            written += connection.execute(
                insert(item).from_select(ITEM_COLUMNS, _items(type_, chunk))
            ).rowcount
            pairs |= _pairs_of(connection, type_, chunk)
    # Topics change a pair's counts, not its items.
    for type_, tables in (
        (TimelineType.EVENT, ("event_topic",)),
        (TimelineType.STATEMENT, ("statement_topic",)),
    ):
        for chunk in _chunks(_touched(report, *tables)):
            pairs |= _pairs_of(connection, type_, chunk)
    if len(pairs) > RECOUNT_ALL_ABOVE:
        connection.execute(delete(facet))
        return written + _count_facets(connection, None)
    for pair in sorted(pairs):
        connection.execute(delete(facet).where(facet.c.a == pair[0], facet.c.b == pair[1]))
        written += _count_facets(connection, pair)
    return written
