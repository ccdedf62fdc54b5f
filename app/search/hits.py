"""What both engines' searches share: a hit's place in the order (its key) and its row."""

import math
from dataclasses import dataclass
from typing import Any, NamedTuple

from app.errors import InvalidInput
from app.search.models import SearchDocument, SearchType
from app.search.schemas import SearchQuery

document = SearchDocument.__table__  # type: ignore[attr-defined]
PATHS = {
    SearchType.EVENT: "events",
    SearchType.STATEMENT: "statements",
    SearchType.SOURCE: "sources",
    SearchType.MECHANISM: "mechanisms",
    SearchType.TOPIC: "topics",
    SearchType.PERSON: "people",
}
MARKS = ("<mark>", "</mark>")
TERM_AT_MOST = 2000
"""SQLite: and each of its terms matches at most this many (bm25's IDF walks them all)."""
SORT = "rank"
TITLE_TIER, BODY_TIER = 0, 1


class Key(NamedTuple):
    """Where a hit stands in the order: tier, then rank (lower first), then doc_id descending."""

    tier: int
    rank: float
    doc_id: int

    def order(self) -> tuple[int, float, int]:
        return (self.tier, self.rank, -self.doc_id)


@dataclass(frozen=True)
class Row:
    key: Key
    type: str
    id: str
    title: str
    snippet: str


def decode_key(values: list[Any]) -> Key:
    """The key of a cursor; anything but two integers and a number around one is a 422."""
    if len(values) != 3:
        raise InvalidInput(("query", "cursor"), "the cursor does not fit this list")
    tier, rank, doc_id = values
    if (
        type(tier) is not int
        or tier not in (TITLE_TIER, BODY_TIER)
        or type(rank) not in (int, float)
        or type(doc_id) is not int
        or not -(2**63) < doc_id < 2**63
    ):
        raise InvalidInput(("query", "cursor"), "malformed cursor")
    try:
        rank = float(rank)  # JSON allows integers too large for a float
    except OverflowError:
        raise InvalidInput(("query", "cursor"), "malformed cursor") from None
    if not math.isfinite(rank):
        raise InvalidInput(("query", "cursor"), "malformed cursor")
    return Key(tier, rank, doc_id)


def page_of(rows: list[Row], limit: int) -> tuple[list[Row], list[Any] | None]:
    if len(rows) <= limit:
        return rows, None
    last = rows[limit - 1].key
    return rows[:limit], [last.tier, last.rank, last.doc_id]


def types_of(query: SearchQuery) -> list[str]:
    return [t.value for t in query.type]
