"""The timeline of a pair: every dated item about it, merged in date order."""

from collections import defaultdict
from dataclasses import dataclass
from functools import partial
from typing import Any

import orjson
from sqlalchemy import Connection, Row, Select, select

from app import rawsql
from app.pagination import Keyset, Listing, plain_value
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
from app.values import PartialDate, Precision, iso_day, partial_date_text

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


def _page_sql(types: int, *, date_from: bool, date_to: bool, after: bool, descending: bool) -> str:
    """A page of the pair's items with their citations (a row per citation), for a query of
    this shape: one statement, through the driver."""
    where = ["a = :a", "b = :b"]
    if types:
        where.append(f"type IN ({', '.join(f':type_{i}' for i in range(types))})")
    # Overlap of the item's dates with the range (see `app.queries.overlaps`).
    if date_to:
        where.append("date_first <= :date_to")
    if date_from:
        where.append("span_last >= :date_from")
    if after:
        sign = "<" if descending else ">"
        where.append(f"(date_first, type, id) {sign} (:after_0, :after_1, :after_2)")
    direction = "DESC" if descending else "ASC"
    order = f"date_first {direction}, type {direction}, id {direction}"
    return (
        "SELECT p.date_first, p.type, p.id, p.date_last, p.precision, p.date_text, "
        "p.date_is_as_of, p.title, p.resource_id, c.source_id, c.excerpt FROM ("
        "SELECT date_first, type, id, date_last, precision, date_text, date_is_as_of, title, "
        f"resource_id FROM relation_item WHERE {' AND '.join(where)} ORDER BY {order} "
        "LIMIT :limit) AS p LEFT JOIN citation AS c "
        "ON c.subject_type = p.type AND c.subject_id = p.id "
        f"ORDER BY p.{order.replace(', ', ', p.')}, c.ordinal"
    )


# Plain strings, looked up per item (enum members cost more than the rest of an item).
_DAY = Precision.DAY.value
_PATHS = {type_.value: path for type_, path in ITEM_PATHS.items()}


def _document(row: tuple[Any, ...], citations: list[dict[str, str]]) -> str:
    """A `TimelineItem` as JSON, in the model's field order."""
    date_first, type_, id_, _, precision, date_text, as_of, title, resource_id = row[:9]
    return orjson.dumps(
        {
            "type": type_,
            "id": id_,
            "date": partial_date_text(date_first, precision),
            "precision": precision,
            "date_text": date_text,
            "approximate": precision != _DAY,
            "date_is_as_of": bool(as_of),
            "sort_date": iso_day(date_first),
            "title": title,
            "url": _PATHS[type_] + resource_id,
            "citations": citations,
        }
    ).decode()


@dataclass(frozen=True)
class TimelineListing(Listing[TimelineQuery, TimelineItem]):
    pair: Pair = ("", "")

    def bounded(self, query: TimelineQuery) -> bool:
        # Without a type or date filter, the pair's index rows read are the page's items.
        return not query.type and query.date_from is None and query.date_to is None

    def page_documents(
        self,
        connection: Connection,
        *,
        query: TimelineQuery,
        after: list[Any] | None,
        limit: int,
    ) -> tuple[list[str], list[Any] | None]:
        """A page as ready JSON documents, from one statement run through the driver."""
        first, second = canonical(self.pair)
        keyset = self.keyset(query)
        types = (
            sorted(t.value for t in query.type)
            if query.type and set(query.type) != set(TimelineType)
            else []
        )
        params: dict[str, Any] = {"a": first, "b": second, "limit": limit + 1}
        params.update({f"type_{i}": t for i, t in enumerate(types)})
        if query.date_to is not None:
            params["date_to"] = query.date_to.last
        if query.date_from is not None:
            params["date_from"] = query.date_from.first
        if after is not None:
            params.update(
                {f"after_{i}": value for i, value in enumerate(keyset.typed_values(after))}
            )
        shape = (
            len(types),
            query.date_from is not None,
            query.date_to is not None,
            after is not None,
            keyset.descending,
        )
        rows = rawsql.fetch(
            connection,
            ("timeline page", shape),
            partial(
                _page_sql,
                shape[0],
                date_from=shape[1],
                date_to=shape[2],
                after=shape[3],
                descending=shape[4],
            ),
            params,
        )
        items: list[tuple[tuple[Any, ...], list[dict[str, str]]]] = []
        for row in rows:
            if not items or items[-1][0][:3] != row[:3]:
                items.append((row, []))
            if row[9] is not None:
                items[-1][1].append({"source": row[9], "excerpt": row[10]})
        bodies = [_document(row, citations) for row, citations in items[:limit]]
        if len(items) <= limit:
            return bodies, None
        last = items[limit - 1][0]
        return bodies, [plain_value(last[0]), last[1], last[2]]


def timeline_listing(a: str, b: str) -> Listing[TimelineQuery, TimelineItem]:
    """How the timeline of the pair `a`, `b` is listed; raises for an unknown or equal pair."""
    pair = pair_of(a, b)
    return TimelineListing(
        filtered=partial(filtered_timeline, pair=pair),
        keysets=TIMELINE_KEYSETS,
        build=build_timeline,
        pair=pair,
    )
