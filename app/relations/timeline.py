"""The timeline of a pair: every dated item about it, merged in date order.

Each type of item is read by its own branch in the timeline's order (events through the
first country's `event_country` index, which holds their dates), each stopping at the
page's size; the page is the first items of the branches merged. Like the events list, the
statement of a query depends only on which filters it uses, and is built once per shape.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, NamedTuple

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Connection,
    Date,
    Row,
    Select,
    String,
    and_,
    bindparam,
    case,
    cast,
    false,
    func,
    literal,
    select,
    tuple_,
    union_all,
)

from app.claims.service import disputed_fields
from app.facets import Facet, FacetCount
from app.links import api_url
from app.pagination import Keyset, Slice
from app.people.models import Person
from app.queries import iso_partial_date
from app.relations.pairs import (
    A,
    B,
    Pair,
    assessment,
    assessment_country,
    canonical,
    event,
    event_country,
    figure,
    figures_of_pair,
    mechanism,
    mechanism_country,
    mechanism_status,
    pair_of,
    statement,
    status_dated,
)
from app.relations.schemas import TimelineItem, TimelineQuery, TimelineType
from app.sources.models import SubjectType
from app.sources.service import citations_of
from app.values import PartialDate, Precision

person = Person.__table__  # type: ignore[attr-defined]
ITEM_PATHS = {
    TimelineType.EVENT: "/api/v1/events/",
    TimelineType.MECHANISM_STATUS: "/api/v1/mechanisms/",
    TimelineType.FIGURE: "/api/v1/figures/",
    TimelineType.STATEMENT: "/api/v1/statements/",
    TimelineType.ASSESSMENT: "/api/v1/assessments/",
}
# The kind of record whose disputed facts an item shows (a status change: its mechanism's).
DISPUTE_KINDS = {
    TimelineType.EVENT: "event",
    TimelineType.MECHANISM_STATUS: "mechanism",
    TimelineType.FIGURE: "figure",
    TimelineType.STATEMENT: "statement",
    TimelineType.ASSESSMENT: "assessment",
}
# The columns every branch selects, in this order.
COLUMNS = (
    "type",
    "id",
    "resource_id",
    "date_first",
    "date_last",
    "precision",
    "span_last",
    "date_text",
    "date_is_as_of",
    "title",
)


def _pair_of(link: Any, link_id: str) -> tuple[Any, ColumnElement[Any]]:
    """The rows of a `<thing>_country` link table naming a record with both countries (the
    first country's rows, an index of the table, joined to the second's), and their
    record's id."""
    one, other = link.alias("one"), link.alias("other")
    rows = one.join(
        other, and_(other.c[link_id] == one.c[link_id], one.c.country == A, other.c.country == B)
    )
    return rows, one.c[link_id]


def _branch(type_: TimelineType) -> tuple[Select[Any], list[ColumnElement[Any]]]:
    """The pair's items of one type (columns as `COLUMNS`), and the expressions of their
    date, span end and id, by which the branch is filtered and ordered."""
    if type_ is TimelineType.EVENT:
        one, other = event_country.alias("one"), event_country.alias("other")
        span_last = func.coalesce(event.c.end_last, event.c.start_last)
        branch = (
            select(
                literal(type_.value),
                one.c.event_id,
                one.c.event_id,
                one.c.start_first,
                event.c.start_last,
                event.c.start_precision,
                span_last,
                event.c.start_text,
                false(),
                event.c.title,
            )
            .join(other, and_(other.c.event_id == one.c.event_id, other.c.country == B))
            .join(event, event.c.id == one.c.event_id)
            .where(one.c.country == A)
        )
        return branch, [one.c.start_first, span_last, one.c.event_id]
    if type_ is TimelineType.STATEMENT:
        # Walked in date order (an index of the statements), each checked for an event of
        # both countries: the pair's statements are a share of all, found as the page needs.
        held_at = [
            select(link.c.event_id)
            .where(link.c.event_id == statement.c.event_id, link.c.country == code)
            .exists()
            for link, code in ((event_country.alias("one"), A), (event_country.alias("other"), B))
        ]
        branch = (
            select(
                literal(type_.value),
                statement.c.id,
                statement.c.id,
                statement.c.date_first,
                statement.c.date_last,
                statement.c.date_precision,
                statement.c.date_last,
                statement.c.date_text,
                false(),
                person.c.name + ": " + statement.c.text,
            )
            .join(person, person.c.id == statement.c.speaker_id)
            .where(*held_at)
        )
        return branch, [statement.c.date_first, statement.c.date_last, statement.c.id]
    if type_ is TimelineType.MECHANISM_STATUS:
        mechanisms, mechanism_id = _pair_of(mechanism_country, "mechanism_id")
        branch = (
            select(
                literal(type_.value),
                mechanism_status.c.id,
                mechanism_status.c.mechanism_id,
                status_dated("first"),
                status_dated("last"),
                func.coalesce(
                    mechanism_status.c.date_precision, mechanism_status.c.as_of_precision
                ),
                status_dated("last"),
                mechanism_status.c.date_text,
                mechanism_status.c.date_first.is_(None),
                mechanism.c.name + ": " + mechanism_status.c.status,
            )
            .select_from(mechanisms)
            .join(mechanism, mechanism.c.id == mechanism_id)
            .join(mechanism_status, mechanism_status.c.mechanism_id == mechanism.c.id)
            # An undated entry with no reporting date has no place on a timeline.
            .where(status_dated("first").is_not(None))
        )
        return branch, [status_dated("first"), status_dated("last"), mechanism_status.c.id]
    if type_ is TimelineType.FIGURE:
        value = case(
            (
                figure.c.value == func.round(figure.c.value),
                cast(cast(figure.c.value, BigInteger), String),
            ),
            else_=cast(figure.c.value, String),
        )
        title = (
            figure.c.metric
            + " "
            + figure.c.country
            + "-"
            + figure.c.partner
            + " "
            + iso_partial_date(figure.c.period_first, figure.c.period_precision)
            + ": "
            + func.coalesce(figure.c.value_text, value + " " + figure.c.unit)
        )
        branch = select(
            literal(type_.value),
            figure.c.id,
            figure.c.id,
            figure.c.period_first,
            figure.c.period_last,
            figure.c.period_precision,
            figure.c.period_last,
            figure.c.period_text,
            false(),
            title,
        ).where(figures_of_pair())
        return branch, [figure.c.period_first, figure.c.period_last, figure.c.id]
    assessments, assessment_id = _pair_of(assessment_country, "assessment_id")
    span_last = func.coalesce(assessment.c.period_end_last, assessment.c.period_last)
    branch = (
        select(
            literal(type_.value),
            assessment.c.id,
            assessment.c.id,
            assessment.c.period_first,
            assessment.c.period_last,
            assessment.c.period_precision,
            span_last,
            assessment.c.period_text,
            false(),
            func.coalesce(assessment.c.stance + ": ", "") + assessment.c.text,
        )
        .select_from(assessments)
        .join(assessment, assessment.c.id == assessment_id)
    )
    return branch, [assessment.c.period_first, span_last, assessment.c.id]


class TimelineShape(NamedTuple):
    types: tuple[TimelineType, ...]
    date_from: bool
    date_to: bool
    descending: bool


def shape_of(query: TimelineQuery) -> TimelineShape:
    return TimelineShape(
        types=tuple(t for t in TimelineType if not query.type or t in query.type),
        date_from=query.date_from is not None,
        date_to=query.date_to is not None,
        descending=query.sort.startswith("-"),
    )


def _filtered(shape: TimelineShape, type_: TimelineType) -> tuple[Select[Any], list[Any]]:
    """A branch with the date filters (an item matches when its span overlaps the range)."""
    branch, (date_first, span_last, id_) = _branch(type_)
    if shape.date_to:
        branch = branch.where(date_first <= bindparam("date_to", type_=Date))
    if shape.date_from:
        branch = branch.where(span_last >= bindparam("date_from", type_=Date))
    return branch, [date_first, id_]


def _labelled(branch: Select[Any]) -> Select[Any]:
    return select(*(c.label(name) for c, name in zip(branch.subquery().c, COLUMNS, strict=True)))


@lru_cache(maxsize=256)
def _every(shape: TimelineShape) -> Any:
    """Every item of a query shape, unordered."""
    return union_all(*(_labelled(_filtered(shape, t)[0]) for t in shape.types)).subquery()


def _keyset(items: Any, descending: bool) -> Keyset:
    return Keyset((items.c.date_first, items.c.type, items.c.id), descending)


@lru_cache(maxsize=512)
def _page_statement(shape: TimelineShape, after: bool) -> Select[Any]:
    """A page of a query shape: each branch in the timeline's order, after the cursor's key
    (`after_0..2`) and cut at `limit`, then merged."""
    branches = []
    for type_ in shape.types:
        branch, (date_first, id_) = _filtered(shape, type_)
        if after:
            first = bindparam("after_0", type_=Date)
            key = tuple_(date_first, literal(type_.value), id_)
            bound = tuple_(first, bindparam("after_1"), bindparam("after_2"))
            # The first condition bounds the walk of the date index; the second is exact.
            if shape.descending:
                branch = branch.where(date_first <= first, key < bound)
            else:
                branch = branch.where(date_first >= first, key > bound)
        order = [date_first.desc(), id_.desc()] if shape.descending else [date_first, id_]
        branches.append(_labelled(branch.order_by(*order).limit(bindparam("limit"))))
    merged = union_all(*branches).subquery()
    keyset = _keyset(merged, shape.descending)
    return keyset.selected(select(merged)).order_by(*keyset.order_by()).limit(bindparam("limit"))


def _item(
    row: Row[Any], citations: dict[str, list[Any]], disputed: dict[tuple[str, str], list[str]]
) -> TimelineItem:
    type_ = TimelineType(row.type)
    date = PartialDate.required(row.date_first, row.date_last, row.precision)
    return TimelineItem(
        type=type_,
        id=row.id,
        date=date,
        precision=date.precision,
        date_text=row.date_text,
        approximate=date.precision is not Precision.DAY,
        date_is_as_of=bool(row.date_is_as_of),
        sort_date=date.first,
        title=row.title,
        url=api_url(ITEM_PATHS[type_] + row.resource_id),
        citations=citations.get(row.id, []),
        disputed=disputed.get((DISPUTE_KINDS[type_], row.resource_id), []),
    )


@dataclass(frozen=True)
class TimelineListing:
    """How the timeline of one pair is listed (a `Listing`)."""

    pair: Pair
    item: type[TimelineItem] = TimelineItem
    facets: dict[str, Facet] = field(default_factory=dict)

    def sort_of(self, query: TimelineQuery) -> str:
        return str(query.sort)

    def _params(self, query: TimelineQuery) -> dict[str, Any]:
        first, second = canonical(self.pair)
        return {
            "a": first,
            "b": second,
            "date_from": query.date_from.first if query.date_from else None,
            "date_to": query.date_to.last if query.date_to else None,
        }

    def page(
        self, connection: Connection, query: TimelineQuery, after: list[Any] | None, limit: int
    ) -> Slice[TimelineItem]:
        shape = shape_of(query)
        params = self._params(query) | {"limit": limit + 1}
        if after is not None:
            typed = _keyset(_every(shape), shape.descending).typed(after)
            params |= {f"after_{index}": value for index, value in enumerate(typed)}
        rows = list(connection.execute(_page_statement(shape, after is not None), params))
        page = rows[:limit]
        ids: dict[TimelineType, list[str]] = defaultdict(list)
        for row in page:
            ids[TimelineType(row.type)].append(row.id)
        citations = {
            type_: citations_of(connection, SubjectType(type_.value), type_ids)
            for type_, type_ids in ids.items()
        }
        disputed = disputed_fields(
            connection, [(DISPUTE_KINDS[TimelineType(r.type)], r.resource_id) for r in page]
        )
        items = [_item(row, citations[TimelineType(row.type)], disputed) for row in page]
        next_key = (
            _keyset(_every(shape), shape.descending).key_of(page[-1]) if len(rows) > limit else None
        )
        return Slice(items, next_key)

    def count(self, connection: Connection, query: TimelineQuery) -> int:
        every = select(func.count()).select_from(_every(shape_of(query)))
        return int(connection.execute(every, self._params(query)).scalar_one())

    def facet_counts(
        self, connection: Connection, query: TimelineQuery, names: list[str]
    ) -> dict[str, list[FacetCount]]:
        return {}


def timeline_listing(a: str, b: str) -> TimelineListing:
    """How the timeline of the pair `a`, `b` is listed; raises for an unknown or equal pair."""
    return TimelineListing(pair=pair_of(a, b))
