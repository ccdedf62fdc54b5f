"""The timeline of a pair: every dated item about it, merged in date order."""

from collections import defaultdict
from functools import partial
from typing import Any

from sqlalchemy import Connection, Row, Select, select

from app.pagination import Keyset, Listing
from app.queries import overlaps
from app.relations.schemas import (
    TimelineItem,
    TimelineQuery,
    TimelineSort,
    TimelineType,
)
from app.relations.service import Pair, canonical, item, pair_of
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


# The timeline is the pair's rows of `relation_item` (every load keeps them in step), walked
# in the order of the index (a, b, date_first, type, id): a page costs the same whatever the
# pair's history.
TIMELINE_KEYSETS = {
    TimelineSort.DATE: Keyset((item.c.date_first, item.c.type, item.c.id)),
    TimelineSort.DATE_DESC: Keyset((item.c.date_first, item.c.type, item.c.id), descending=True),
}


def filtered_timeline(query: TimelineQuery, *, pair: Pair) -> Select[Any]:
    """Every dated item about `pair` matching the query's filters, unordered."""
    first, second = canonical(pair)
    statement = select(item).where(item.c.a == first, item.c.b == second)
    if query.type and set(query.type) != set(TimelineType):
        statement = statement.where(item.c.type.in_([t.value for t in query.type]))
    return statement.where(
        *overlaps(item.c.date_first, item.c.span_last, query.date_from, query.date_to)
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
