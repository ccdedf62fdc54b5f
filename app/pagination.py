"""Lists: the parameters every list takes, the page shape, and keyset pagination.

A cursor holds the sort order and the key (the sort columns' values) of the last item of
the page; the next page is the rows after that key, `WHERE (k0, k1) > (:k0, :k1)` in the
list's `ORDER BY`: its cost does not grow with depth, and a row inserted meanwhile is
neither skipped nor shown twice.
"""

import base64
import binascii
import datetime as dt
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Generic, NamedTuple, Protocol, TypeVar

from pydantic import BaseModel, Field, field_validator
from sqlalchemy import (
    ColumnElement,
    Connection,
    Date,
    Float,
    Integer,
    Row,
    Select,
    func,
    select,
    tuple_,
)

from app.errors import InvalidInput
from app.facets import Facet, FacetCount, facet_counts
from app.values import has_control_characters

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)

# How many values a repeatable parameter takes (after duplicates are dropped).
MAX_VALUES = 20


class Format(StrEnum):
    JSON = "json"
    CSV = "csv"
    NDJSON = "ndjson"


class ListQuery(BaseModel):
    """Query parameters every list takes."""

    limit: int = Field(
        default=50,
        ge=1,
        le=500,
        description="Items per page, 1 to 500. With `format=csv` or `ndjson` and no `limit`, "
        "every matching item is streamed.",
    )
    cursor: str | None = Field(
        default=None,
        min_length=1,
        max_length=1000,
        description="Opaque: the `next_cursor` of the previous page.",
    )
    count: bool = Field(default=False, description="Also count every matching item (`total`).")
    format: Format | None = Field(
        default=None,
        description="`json` (default), `csv` or `ndjson`; `Accept: text/csv` also asks for CSV.",
    )

    @field_validator("*", mode="before")
    @classmethod
    def _distinct_values(cls, value: Any) -> Any:
        """A value repeated asks for it once (`country=FR&country=FR` is `country=FR`)."""
        return list(dict.fromkeys(value)) if isinstance(value, list) else value


class Page(BaseModel, Generic[T]):
    """One page of a list, and how to get the next."""

    items: list[T]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null on the last page."
    )
    total: int | None = Field(description="Every matching item; counted only with `count=true`.")


class FacetedPage(Page[T], Generic[T]):
    """A page of a list, and with `facet=` the value counts over every matching item."""

    facets: dict[str, list[FacetCount]] | None = Field(
        default=None,
        description="With `facet=FIELD`: for each field asked, its values and how many "
        "matching items have each, most frequent first (at most 100 values).",
    )


@dataclass(frozen=True)
class Keyset:
    """The columns a list is ordered by; together they are unique (the last is the id)."""

    columns: tuple[ColumnElement[Any], ...]
    descending: bool = False

    def order_by(self) -> list[ColumnElement[Any]]:
        return [c.desc() if self.descending else c.asc() for c in self.columns]

    def typed(self, key: list[Any]) -> list[Any]:
        """A cursor's key as its columns take it (dates as dates); anything else is a 422."""
        if len(key) != len(self.columns):
            raise InvalidInput(("query", "cursor"), "the cursor does not fit this list")
        return [_bound(column, value) for column, value in zip(self.columns, key, strict=True)]

    def after(self, key: list[Any]) -> ColumnElement[bool]:
        """Rows strictly after the row whose key is `key`, in this order (a row value)."""
        values = tuple_(*self.typed(key))
        columns = tuple_(*self.columns)
        return columns < values if self.descending else columns > values

    def key_of(self, row: Row[Any]) -> list[Any]:
        """The key of a row that selected the keyset's columns last, in order."""
        values = tuple(row)[-len(self.columns) :]
        return [value.isoformat() if isinstance(value, dt.date) else value for value in values]

    def selected(self, statement: Select[Any]) -> Select[Any]:
        """`statement` with the key columns added last (for `key_of`)."""
        return statement.add_columns(*self.columns)


def _bound(column: ColumnElement[Any], value: Any) -> Any:
    """A cursor's key value as its column's type takes it; anything else is a 422."""
    if isinstance(column.type, Date):
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
    elif isinstance(column.type, Integer | Float):
        if isinstance(value, int | float) and not isinstance(value, bool):
            return value
    elif isinstance(value, str) and not has_control_characters(value):
        return value
    raise InvalidInput(("query", "cursor"), "malformed cursor")


def encode_cursor(sort: str, key: list[Any]) -> str:
    text = json.dumps([sort, *key], separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, sort: str) -> list[Any]:
    """The key in `cursor`; a cursor of another sort order, or garbage, is a 422."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        decoded = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")).decode())
    except (ValueError, binascii.Error):  # JSON, base64 and Unicode errors
        raise InvalidInput(("query", "cursor"), "malformed cursor") from None
    if not isinstance(decoded, list) or len(decoded) < 2 or not isinstance(decoded[0], str):
        raise InvalidInput(("query", "cursor"), "malformed cursor")
    if decoded[0] != sort:
        raise InvalidInput(("query", "cursor"), f"this cursor is for sort={decoded[0]}")
    return decoded[1:]


class Slice(NamedTuple, Generic[T]):
    """Items of one page and the key of its last item when more follow (else None)."""

    items: list[T]
    next_key: list[Any] | None


def keyset_page(
    connection: Connection,
    statement: Select[Any],
    keyset: Keyset,
    *,
    after: list[Any] | None,
    limit: int,
) -> Slice[Row[Any]]:
    """Up to `limit` rows of `statement` after the key `after`, in the keyset's order."""
    if after is not None:
        statement = statement.where(keyset.after(after))
    statement = keyset.selected(statement).order_by(*keyset.order_by()).limit(limit + 1)
    rows = list(connection.execute(statement))
    if len(rows) <= limit:
        return Slice(rows, None)
    return Slice(rows[:limit], keyset.key_of(rows[limit - 1]))


def count_rows(connection: Connection, statement: Select[Any]) -> int:
    counted = select(func.count()).select_from(statement.order_by(None).subquery())
    return int(connection.execute(counted).scalar_one())


Q = TypeVar("Q", bound=ListQuery)
Q_contra = TypeVar("Q_contra", bound=ListQuery, contravariant=True)
M_co = TypeVar("M_co", bound=BaseModel, covariant=True)


class Listing(Protocol[Q_contra, M_co]):
    """How a resource is listed: what `app.responses.list_response` asks of it."""

    @property
    def item(self) -> type[M_co]:
        """The model of an item (a stored document is this model's JSON)."""

    @property
    def facets(self) -> Mapping[Any, Facet]: ...

    def sort_of(self, query: Q_contra) -> str: ...

    def page(
        self, connection: Connection, query: Q_contra, after: list[Any] | None, limit: int
    ) -> Slice[Any]:
        """Up to `limit` items (models, or documents their model wrote) after the key
        `after`, and the key of the last one when more follow."""

    def count(self, connection: Connection, query: Q_contra) -> int: ...

    def facet_counts(
        self, connection: Connection, query: Q_contra, names: list[str]
    ) -> dict[str, list[FacetCount]]: ...


@dataclass(frozen=True)
class RowListing(Generic[Q, M]):
    """A `Listing` of rows: its filters as SQL, its sort orders, how items are built.

    `filtered(query)` selects every matching row (unordered); `keysets` maps each value of
    the query's `sort` (or `default_sort`, for a list with no `sort`) to the keyset that
    orders and pages it; `build(connection, rows)` makes the page's items.
    """

    item: type[M]
    filtered: Callable[[Q], Select[Any]]
    keysets: Mapping[Any, Keyset]
    build: Callable[[Connection, list[Row[Any]]], list[Any]]
    default_sort: str = "id"
    facets: Mapping[Any, Facet] = field(default_factory=dict)

    def sort_of(self, query: Q) -> str:
        return str(getattr(query, "sort", self.default_sort))

    def page(
        self, connection: Connection, query: Q, after: list[Any] | None, limit: int
    ) -> Slice[Any]:
        keyset = self.keysets[self.sort_of(query)]
        rows, next_key = keyset_page(
            connection, self.filtered(query), keyset, after=after, limit=limit
        )
        return Slice(self.build(connection, rows), next_key)

    def count(self, connection: Connection, query: Q) -> int:
        return count_rows(connection, self.filtered(query))

    def facet_counts(
        self, connection: Connection, query: Q, names: list[str]
    ) -> dict[str, list[FacetCount]]:
        return facet_counts(connection, self.filtered(query), self.facets, names)
