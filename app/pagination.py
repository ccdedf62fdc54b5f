"""Keyset pagination: opaque cursors whose cost does not grow with depth."""

import base64
import binascii
import datetime as dt
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import Any, Generic, TypeVar

import orjson
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import ColumnElement, Connection, Select, func, select, tuple_

from app.errors import InvalidInput
from app.facets import Facet, FacetCount

T = TypeVar("T")


class Format(StrEnum):
    JSON = "json"
    CSV = "csv"
    NDJSON = "ndjson"


class ListQuery(BaseModel):
    """Query parameters every list takes."""

    model_config = ConfigDict(extra="forbid")

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


class Page(BaseModel, Generic[T]):
    """One page of a list, and how to get the next."""

    items: list[T]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null on the last page."
    )
    total: int | None = Field(description="Every matching item; counted only with `count=true`.")


@dataclass(frozen=True)
class Keyset:
    """The columns a list is ordered by; together they are unique (the last is the id)."""

    columns: tuple[ColumnElement[Any], ...]
    descending: bool = False
    # Where a row holds each column's value, when not under the column's own key (a list
    # ordered by a copy of a column in another table reads the original).
    keys: tuple[str, ...] | None = None

    def order_by(self) -> list[ColumnElement[Any]]:
        return [c.desc() if self.descending else c.asc() for c in self.columns]

    def after(self, values: list[Any]) -> ColumnElement[bool]:
        """Rows strictly after the row whose key is `values`, in this order."""
        key = tuple_(*self.columns)
        bound = tuple_(*self.typed_values(values))
        return key < bound if self.descending else key > bound

    @cached_property
    def python_types(self) -> tuple[type, ...]:
        """Each column's Python type (`str` for text: SQLModel's AutoString reports none)."""
        types = []
        for column in self.columns:
            try:
                types.append(column.type.python_type)
            except NotImplementedError:
                types.append(str)
        return tuple(types)

    def typed_values(self, values: list[Any]) -> list[Any]:
        """A cursor's key values converted to their columns' types; anything else is a 422."""
        if len(values) != len(self.columns):
            raise InvalidInput(("query", "cursor"), "the cursor does not fit this list")
        return [_typed(kind, value) for kind, value in zip(self.python_types, values, strict=True)]

    def values_of(self, row: Any) -> list[Any]:
        keys = self.keys or tuple(str(c.key) for c in self.columns)  # type: ignore[attr-defined]
        return [plain_value(row._mapping[key]) for key in keys]


def plain_value(value: Any) -> Any:
    """A key value as a cursor holds it (dates as ISO text)."""
    return value.isoformat() if isinstance(value, dt.date) else value


def _typed(python_type: type, value: Any) -> Any:
    """A cursor value converted to its column's type; anything unexpected is a 422."""
    if python_type is dt.date and isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    elif (
        python_type in (int, float)
        and isinstance(value, int | float)
        and not isinstance(value, bool)
    ):
        return value
    elif python_type not in (dt.date, int, float) and isinstance(value, str):
        return value  # text columns (SQLModel's AutoString reports `object`)
    raise InvalidInput(("query", "cursor"), "malformed cursor")


def encode_cursor(sort: str, values: list[Any]) -> str:
    return base64.urlsafe_b64encode(orjson.dumps([sort, *values])).decode().rstrip("=")


_URLSAFE = bytes.maketrans(b"-_", b"+/")
# The standard library's parser: it keeps an integer beyond 64 bits an integer, which the
# column check then refuses (orjson would make it a float).
_JSON = json.JSONDecoder()


def decode_cursor(cursor: str, sort: str) -> list[Any]:
    """The key values in `cursor`; a cursor from another sort order or garbage is a 422."""
    try:
        padded = (cursor + "=" * (-len(cursor) % 4)).encode("ascii").translate(_URLSAFE)
        decoded = _JSON.decode(binascii.a2b_base64(padded, strict_mode=True).decode())
    except ValueError:  # binascii.Error, JSONDecodeError and the Unicode errors are ValueErrors
        raise InvalidInput(("query", "cursor"), "malformed cursor") from None
    if not isinstance(decoded, list) or not decoded or not isinstance(decoded[0], str):
        raise InvalidInput(("query", "cursor"), "malformed cursor")
    if decoded[0] != sort:
        raise InvalidInput(("query", "cursor"), f"this cursor is for sort={decoded[0]}")
    return decoded[1:]


def keyset_page(
    connection: Connection,
    statement: Select[Any],
    keyset: Keyset,
    *,
    after: list[Any] | None,
    limit: int,
) -> tuple[list[Any], list[Any] | None]:
    """Up to `limit` rows after `after`, and the key of the last one if more follow."""
    if after is not None:
        statement = statement.where(keyset.after(after))
    rows = list(connection.execute(statement.order_by(*keyset.order_by()).limit(limit + 1)))
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    return rows, keyset.values_of(rows[-1])


def count_rows(connection: Connection, statement: Select[Any]) -> int:
    return int(
        connection.execute(
            select(func.count()).select_from(statement.order_by(None).subquery())
        ).scalar_one()
    )


Q = TypeVar("Q", bound=ListQuery)


@dataclass(frozen=True)
class RevisedPage:
    """A page of ready JSON documents read at a known revision of the knowledge base."""

    revision: str  # as `app.revision.revision_text` writes it
    items: bytes  # the documents, comma-separated: the inside of the page's `items` array
    last_key: list[Any] | None  # the key of the last item, if more items follow


@dataclass(frozen=True)
class Listing(Generic[Q, T]):
    """How a resource is listed: its filters as SQL, its sort orders, how a page is built.

    `keysets` maps each value of the query's `sort` (or `default_sort`, for a query without
    one) to the keyset that orders and pages the list.
    """

    filtered: Callable[[Q], Select[Any]]
    keysets: Mapping[Any, Keyset]
    build: Callable[[Connection, list[Any]], list[T]]
    default_sort: str = "id"
    facets: Mapping[Any, Facet] = field(default_factory=dict)

    def matching(self, connection: Connection, query: Q) -> Select[Any]:
        """The select of every matching item; a listing whose SQL differs by engine
        overrides this."""
        return self.filtered(query)

    def sort_of(self, query: Q) -> str:
        return str(getattr(query, "sort", self.default_sort))

    def keyset(self, query: Q) -> Keyset:
        """The keyset that orders the query's items; a listing whose order depends on the
        filters overrides this."""
        return self.keysets[self.sort_of(query)]

    def page(
        self, connection: Connection, *, query: Q, after: list[Any] | None, limit: int
    ) -> tuple[list[T], list[Any] | None]:
        """Up to `limit` items after the key `after`, and the key of the last if more follow."""
        keyset = self.keyset(query)
        rows, last_key = keyset_page(
            connection, self.matching(connection, query), keyset, after=after, limit=limit
        )
        return self.build(connection, rows), last_key

    def page_documents(
        self, connection: Connection, *, query: Q, after: list[Any] | None, limit: int
    ) -> tuple[list[str], list[Any] | None] | None:
        """A page as ready JSON documents (one per item, as `build` would make it) and the
        key of the last if more follow; None for a listing that keeps no documents."""
        return None

    def page_at_revision(
        self, connection: Connection, *, query: Q, after: list[Any] | None, limit: int
    ) -> RevisedPage | None:
        """A page as ready JSON and the knowledge base's revision, read by one statement;
        None for a listing that keeps no documents."""
        return None

    def bounded(self, query: Q) -> bool:
        """Whether a page of `query` reads no more rows than it returns (an index walked in
        the list's order with nothing left to filter): cheap enough to run inline."""
        return False

    def count(self, connection: Connection, *, query: Q) -> int:
        return count_rows(connection, self.matching(connection, query))


class FacetedPage(Page[T], Generic[T]):
    """A page of a list, and with `facet=` the value counts over every matching item."""

    facets: dict[str, list[FacetCount]] | None = Field(
        default=None,
        description="With `facet=FIELD`: for each field asked, its values and how many "
        "matching items have each, most frequent first (at most 100 values).",
    )
