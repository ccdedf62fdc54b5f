"""The timeline of a pair: every dated item about it, merged in date order."""

from collections import defaultdict
from functools import partial
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Connection,
    Date,
    Row,
    Select,
    String,
    case,
    cast,
    column,
    false,
    func,
    literal_column,
    select,
    union_all,
)

from app.pagination import Keyset, Listing
from app.queries import iso_partial_date, overlaps
from app.relations.schemas import (
    TimelineItem,
    TimelineQuery,
    TimelineSort,
    TimelineType,
)
from app.relations.service import (
    Pair,
    assessment,
    assessment_country,
    canonical,
    event,
    figure,
    figures_of,
    mechanism,
    mechanism_country,
    mechanism_status,
    pair_events,
    pair_of,
    person,
    statement,
    status_dated,
    with_both,
)
from app.sources.models import SubjectType
from app.sources.service import citations_of
from app.values import PartialDate, Precision

ITEM_PATHS = {
    TimelineType.EVENT: "/api/v1/events/",
    TimelineType.MECHANISM_STATUS: "/api/v1/mechanisms/",
    TimelineType.FIGURE: "/api/v1/figures/",
    TimelineType.STATEMENT: "/api/v1/statements/",
    TimelineType.ASSESSMENT: "/api/v1/assessments/",
}


# The timeline: one UNION ALL of the five kinds of dated item, with common columns.


def _kind(type_: TimelineType) -> ColumnElement[str]:
    return literal_column(f"'{type_.value}'", String).label("type")


def _branches(pair: Pair) -> dict[TimelineType, Select[Any]]:
    """Per type, the select of its items about `pair`: type, id, resource_id (what the url
    fetches), date_first, date_last, precision, span_last (where the item ends, for range
    filters), date_text, date_is_as_of, title."""
    value = case(
        (
            figure.c.value == func.round(figure.c.value),
            cast(cast(figure.c.value, BigInteger), String),
        ),
        else_=cast(figure.c.value, String),
    )
    return {
        TimelineType.EVENT: select(
            _kind(TimelineType.EVENT),
            event.c.id,
            event.c.id.label("resource_id"),
            event.c.start_first.label("date_first"),
            event.c.start_last.label("date_last"),
            event.c.start_precision.label("precision"),
            func.coalesce(event.c.end_last, event.c.start_last).label("span_last"),
            event.c.start_text.label("date_text"),
            false().label("date_is_as_of"),
            event.c.title.label("title"),
        ).where(event.c.id.in_(pair_events(pair))),
        TimelineType.MECHANISM_STATUS: select(
            _kind(TimelineType.MECHANISM_STATUS),
            mechanism_status.c.id,
            mechanism_status.c.mechanism_id.label("resource_id"),
            status_dated("first").label("date_first"),
            status_dated("last").label("date_last"),
            func.coalesce(
                mechanism_status.c.date_precision, mechanism_status.c.as_of_precision
            ).label("precision"),
            status_dated("last").label("span_last"),
            mechanism_status.c.date_text,
            mechanism_status.c.date_first.is_(None).label("date_is_as_of"),
            (mechanism.c.name + ": " + mechanism_status.c.status).label("title"),
        )
        .join(mechanism, mechanism.c.id == mechanism_status.c.mechanism_id)
        .where(mechanism.c.id.in_(with_both(mechanism_country, "mechanism_id", pair))),
        TimelineType.FIGURE: select(
            _kind(TimelineType.FIGURE),
            figure.c.id,
            figure.c.id.label("resource_id"),
            figure.c.period_first.label("date_first"),
            figure.c.period_last.label("date_last"),
            figure.c.period_precision.label("precision"),
            figure.c.period_last.label("span_last"),
            figure.c.period_text.label("date_text"),
            false().label("date_is_as_of"),
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
            ).label("title"),
        ).where(figures_of(pair)),
        TimelineType.STATEMENT: select(
            _kind(TimelineType.STATEMENT),
            statement.c.id,
            statement.c.id.label("resource_id"),
            statement.c.date_first,
            statement.c.date_last,
            statement.c.date_precision.label("precision"),
            statement.c.date_last.label("span_last"),
            statement.c.date_text,
            false().label("date_is_as_of"),
            (person.c.name + ": " + statement.c.text).label("title"),
        )
        .join(person, person.c.id == statement.c.speaker_id)
        .where(statement.c.event_id.in_(pair_events(pair))),
        TimelineType.ASSESSMENT: select(
            _kind(TimelineType.ASSESSMENT),
            assessment.c.id,
            assessment.c.id.label("resource_id"),
            assessment.c.period_first.label("date_first"),
            assessment.c.period_last.label("date_last"),
            assessment.c.period_precision.label("precision"),
            func.coalesce(assessment.c.period_end_last, assessment.c.period_last).label(
                "span_last"
            ),
            assessment.c.period_text.label("date_text"),
            false().label("date_is_as_of"),
            (assessment.c.stance + ": " + assessment.c.text).label("title"),
        ).where(assessment.c.id.in_(with_both(assessment_country, "assessment_id", pair))),
    }


# The timeline is a subquery built per pair, so its keysets name its columns, not a table's.
_DATE_FIRST = column("date_first", Date)
_TYPE = column("type", String)
_ID = column("id", String)
TIMELINE_KEYSETS = {
    TimelineSort.DATE: Keyset((_DATE_FIRST, _TYPE, _ID)),
    TimelineSort.DATE_DESC: Keyset((_DATE_FIRST, _TYPE, _ID), descending=True),
}


def filtered_timeline(query: TimelineQuery, *, pair: Pair) -> Select[Any]:
    """Every dated item about `pair` matching the query's filters, unordered."""
    pair = canonical(pair)
    branches = _branches(pair)
    types = query.type or list(TimelineType)
    timeline = union_all(*(branches[t] for t in TimelineType if t in types)).subquery("timeline")
    return select(timeline).where(
        *overlaps(timeline.c.date_first, timeline.c.span_last, query.date_from, query.date_to)
    )


def build_timeline(connection: Connection, rows: list[Row[Any]]) -> list[TimelineItem]:
    """Timeline items for rows of the timeline: one citation query per type on the page."""
    ids_by_type: dict[TimelineType, list[str]] = defaultdict(list)
    for row in rows:
        ids_by_type[TimelineType(row.type)].append(row.id)
    citations = {
        type_: citations_of(connection, SubjectType(type_.value), ids)
        for type_, ids in ids_by_type.items()
    }
    items = []
    for row in rows:
        type_ = TimelineType(row.type)
        date = PartialDate.required(row.date_first, row.date_last, row.precision)
        items.append(
            TimelineItem(
                type=type_,
                id=row.id,
                date=date,
                precision=date.precision,
                date_text=row.date_text,
                approximate=date.precision is not Precision.DAY,
                date_is_as_of=bool(row.date_is_as_of),
                sort_date=date.first,
                title=row.title,
                url=ITEM_PATHS[type_] + row.resource_id,
                citations=citations[type_].get(row.id, []),
            )
        )
    return items


def timeline_listing(a: str, b: str) -> Listing[TimelineQuery, TimelineItem]:
    """How the timeline of the pair `a`, `b` is listed; raises for an unknown or equal pair."""
    return Listing(
        filtered=partial(filtered_timeline, pair=pair_of(a, b)),
        keysets=TIMELINE_KEYSETS,
        build=build_timeline,
    )
