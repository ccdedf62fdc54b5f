"""Search: full-text queries over the search documents, on SQLite or PostgreSQL.

A page must cost the same however many records match, so hits are never all ranked.
The order is: records whose title alone holds every term (the title tier), then the others;
within a tier, by relevance when the query is small, otherwise newest document first.

- A *small* query (at most `RANKED_AT_MOST` matching records, and on SQLite at most
  `TERM_AT_MOST` records for each of its terms) is ranked exactly: BM25 on SQLite (title
  words weigh five times body words), ts_rank on PostgreSQL. Ranking them all costs a bounded
  amount. The per-term bound exists because FTS5's bm25() counts every record of each term
  for its IDF, even when the terms together match few.
- A *large* query is walked in index order: FTS5 yields matches by rowid (on PostgreSQL,
  the primary key walked backwards), so a page of the newest matches of a tier stops after
  `limit` rows. Its hits score 1 (title tier) or 0: relevance is not computed one by one.
  Snippets and headlines are made for the page's hits only.

On PostgreSQL, whose walk re-parses every document it visits (the tsvector is an index
expression, not a column), a large query costs more as documents grow.

The keyset is (tier, rank, doc_id descending), rank being minus the score. A cursor holds
those three numbers; `doc_id` never repeats, and new documents get higher ids, so a cursor of
a large query stays valid (no hit seen twice) while documents are added.
"""

import json
import math
from dataclasses import dataclass, field
from typing import Any, NamedTuple

# Registers PostgreSQL's full-text functions with `func` before _VECTOR below is built at
# import time: a func.to_tsvector made before that import does not compile for PostgreSQL.
import sqlalchemy.dialects.postgresql  # noqa: F401
from sqlalchemy import (
    Boolean,
    ColumnElement,
    Connection,
    Float,
    Select,
    bindparam,
    cast,
    column,
    func,
    literal_column,
    select,
    table,
    text,
    true,
)

from app.errors import InvalidInput
from app.facets import Facet, FacetCount
from app.pagination import Slice, count_rows
from app.search.models import SearchDocument, SearchType
from app.search.query import (
    RANKED_AT_MOST,
    Term,
    fts5_in_title,
    fts5_match,
    fts5_not_in_title,
    parse,
    tsquery,
)
from app.search.schemas import SearchHit, SearchQuery

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


def _page_of(rows: list[Row], limit: int) -> tuple[list[Row], list[Any] | None]:
    if len(rows) <= limit:
        return rows, None
    last = rows[limit - 1].key
    return rows[:limit], [last.tier, last.rank, last.doc_id]


def _types(query: SearchQuery) -> list[str]:
    return [t.value for t in query.type]


# -- SQLite: FTS5 ---------------------------------------------------------------------------

_FTS = table("search_fts", column("rowid"))
_FTS_COUNT = (
    "SELECT count(*) FROM (SELECT rowid FROM search_fts WHERE search_fts MATCH :match LIMIT :n)"
)


def _fetch(connection: Connection, sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in connection.execute(text(sql), params)]


def _sqlite_type_filter(query: SearchQuery) -> str:
    # The types are enum values, never user text; the JSON array is bound, not inlined.
    return " AND d.type IN (SELECT value FROM json_each(:types))" if query.type else ""


def _sqlite_params(query: SearchQuery, **params: Any) -> dict[str, Any]:
    return params | ({"types": json.dumps(_types(query))} if query.type else {})


def _sqlite_is_small(connection: Connection, terms: list[Term]) -> bool:
    """At most RANKED_AT_MOST matches, and TERM_AT_MOST per term: each count stops early."""

    def at_most(match: str, n: int) -> bool:
        return int(_fetch(connection, _FTS_COUNT, {"match": match, "n": n + 1})[0][0]) <= n

    if not at_most(fts5_match(terms), RANKED_AT_MOST):
        return False
    return len(terms) == 1 or all(at_most(fts5_match([t]), TERM_AT_MOST) for t in terms)


def _sqlite_walk(
    connection: Connection,
    query: SearchQuery,
    match: str,
    tier: int,
    before: int | None,
    n: int,
) -> list[Row]:
    """The `n` newest matches of `match` older than `before`: FTS5 walks its doclists in
    rowid order and stops at the LIMIT, and the snippet is made for these rows only."""
    sql = (
        "SELECT f.rowid AS doc_id, d.type, d.id, d.title, "
        "snippet(search_fts, -1, :open, :close, '…', 16) AS snippet "
        "FROM search_fts AS f JOIN search_document AS d ON d.doc_id = f.rowid "
        "WHERE search_fts MATCH :match"
        + (" AND f.rowid < :before" if before is not None else "")
        + _sqlite_type_filter(query)
        + " ORDER BY f.rowid DESC LIMIT :n"
    )
    params = _sqlite_params(query, match=match, n=n, open=MARKS[0], close=MARKS[1], before=before)
    score = 1.0 if tier == TITLE_TIER else 0.0
    return [
        Row(Key(tier, -score, doc_id), kind, id_, title, snippet)
        for doc_id, kind, id_, title, snippet in _fetch(connection, sql, params)
    ]


def _sqlite_ranked(connection: Connection, query: SearchQuery, terms: list[Term]) -> list[Row]:
    """Every hit of a small query, in order, with BM25 (title words weighing five times)."""
    in_title = {
        doc_id
        for (doc_id,) in _fetch(
            connection,
            "SELECT rowid FROM search_fts WHERE search_fts MATCH :match",
            {"match": fts5_in_title(terms)},
        )
    }
    sql = (
        "SELECT f.rowid AS doc_id, d.type, d.id, d.title, bm25(search_fts, 5.0, 1.0) AS rank "
        "FROM search_fts AS f JOIN search_document AS d ON d.doc_id = f.rowid "
        "WHERE search_fts MATCH :match" + _sqlite_type_filter(query)
    )
    rows = [
        Row(
            Key(TITLE_TIER if doc_id in in_title else BODY_TIER, float(rank), doc_id),
            kind,
            id_,
            title,
            "",
        )
        for doc_id, kind, id_, title, rank in _fetch(
            connection, sql, _sqlite_params(query, match=fts5_match(terms))
        )
    ]
    return sorted(rows, key=lambda row: row.key.order())


def _sqlite_snippets(connection: Connection, terms: list[Term], rows: list[Row]) -> list[Row]:
    """The snippets of a page of a small query. FTS5 seeks badly to a rowid (`rowid = ?`
    costs a full match each), so the query walks the few matches in the page's rowid range
    and makes snippets for the page's rows only (`+rowid` keeps the IN out of FTS5)."""
    if not rows:
        return rows
    ids = [row.key.doc_id for row in rows]
    found: dict[int, str] = {
        doc_id: snippet
        for doc_id, snippet in _fetch(
            connection,
            "SELECT rowid, snippet(search_fts, -1, :open, :close, '…', 16) "
            "FROM search_fts WHERE search_fts MATCH :match "
            "AND rowid BETWEEN :low AND :high "
            "AND +rowid IN (SELECT value FROM json_each(:ids))",
            {
                "match": fts5_match(terms),
                "open": MARKS[0],
                "close": MARKS[1],
                "low": min(ids),
                "high": max(ids),
                "ids": json.dumps(ids),
            },
        )
    }
    return [
        Row(row.key, row.type, row.id, row.title, found.get(row.key.doc_id, "")) for row in rows
    ]


def _sqlite_page(
    connection: Connection, query: SearchQuery, after: Key | None, limit: int
) -> tuple[list[Row], list[Any] | None]:
    terms = parse(query.q)
    if _sqlite_is_small(connection, terms):
        ranked = _sqlite_ranked(connection, query, terms)
        if after is not None:
            ranked = [row for row in ranked if row.key.order() > after.order()]
        page, last = _page_of(ranked[: limit + 1], limit)
        return _sqlite_snippets(connection, terms, page), last
    rows: list[Row] = []
    for tier, match in ((TITLE_TIER, fts5_in_title(terms)), (BODY_TIER, fts5_not_in_title(terms))):
        if after is not None and tier < after.tier:
            continue
        before = after.doc_id if after is not None and tier == after.tier else None
        rows += _sqlite_walk(connection, query, match, tier, before, limit + 1 - len(rows))
        if len(rows) > limit:
            break
    return _page_of(rows, limit)


def _sqlite_hits(query: SearchQuery) -> Select[Any]:
    """Every hit of the query (for counting): the FTS5 match joined to its documents."""
    match = text("search_fts MATCH :match").bindparams(match=fts5_match(parse(query.q)))
    return (
        select(document.c.doc_id, document.c.type, document.c.id)
        .select_from(_FTS.join(document, document.c.doc_id == _FTS.c.rowid))
        .where(match)
    )


# -- PostgreSQL: tsvector and GIN ---------------------------------------------------------

# The same weighted tsvector as the GIN index of the migration, so the index is used.
_VECTOR = func.setweight(
    func.to_tsvector(literal_column("'english'"), document.c.title), literal_column("'A'")
).op("||")(
    func.setweight(
        func.to_tsvector(literal_column("'english'"), document.c.body), literal_column("'B'")
    )
)
_HEADLINE_OPTIONS = f"StartSel={MARKS[0]}, StopSel={MARKS[1]}, MaxWords=24, MinWords=8"


def _tsquery(terms: list[Term]) -> Any:
    return func.to_tsquery(literal_column("'english'"), bindparam("terms", tsquery(terms)))


def _at(vector: Any, terms: list[Term]) -> ColumnElement[bool]:
    """`vector @@ to_tsquery(terms)`, typed as a boolean (so that it can be negated)."""
    return vector.op("@@", return_type=Boolean)(_tsquery(terms))  # type: ignore[no-any-return]


def _postgres_hits(query: SearchQuery) -> Select[Any]:
    """Every hit of the query: a GIN index scan."""
    statement = select(document.c.doc_id, document.c.type, document.c.id).where(
        _at(_VECTOR, parse(query.q))
    )
    if query.type:
        statement = statement.where(document.c.type.in_(_types(query)))
    return statement


def _postgres_is_small(connection: Connection, terms: list[Term]) -> bool:
    some = select(document.c.doc_id).where(_at(_VECTOR, terms)).limit(RANKED_AT_MOST + 1).subquery()
    return int(connection.execute(select(func.count()).select_from(some)).scalar_one()) <= (
        RANKED_AT_MOST
    )


def _postgres_headlines(connection: Connection, terms: list[Term], rows: list[Row]) -> list[Row]:
    """ts_headline re-parses the body: made for the page's rows only."""
    if not rows:
        return rows
    headline = func.ts_headline(
        literal_column("'english'"), document.c.body, _tsquery(terms), _HEADLINE_OPTIONS
    )
    # A dict comprehension: dict() would take the result's keys() for a mapping's.
    found: dict[int, str] = {
        doc_id: snippet
        for doc_id, snippet in connection.execute(
            select(document.c.doc_id, headline).where(
                document.c.doc_id.in_([row.key.doc_id for row in rows])
            )
        )
    }
    return [
        Row(row.key, row.type, row.id, row.title, found.get(row.key.doc_id, "")) for row in rows
    ]


def _postgres_page(
    connection: Connection, query: SearchQuery, after: Key | None, limit: int
) -> tuple[list[Row], list[Any] | None]:
    terms = parse(query.q)
    matches = _at(_VECTOR, terms)
    # The title's own tsvector, not the weighted one restricted to weight A: parsing a title
    # costs little next to parsing a body, and a GIN index on it (ix_search_document_title_tsv,
    # not yet created by the migrations) finds the title tier without visiting the documents
    # that hold the terms in their body only.
    in_title = _at(func.to_tsvector(literal_column("'english'"), document.c.title), terms)
    of_types = document.c.type.in_(_types(query)) if query.type else true()
    if _postgres_is_small(connection, terms):
        # Negated, so that lower is better; ts_rank is a float4, and as float8 it survives
        # the JSON of a cursor exactly.
        rank = -cast(func.ts_rank(_VECTOR, _tsquery(terms)), Float)
        statement = select(
            document.c.doc_id,
            document.c.type,
            document.c.id,
            document.c.title,
            rank.label("rank"),
            in_title.label("in_title"),
        ).where(matches, of_types)
        ranked = sorted(
            (
                Row(
                    Key(TITLE_TIER if r.in_title else BODY_TIER, float(r.rank), r.doc_id),
                    r.type,
                    r.id,
                    r.title,
                    "",
                )
                for r in connection.execute(statement)
            ),
            key=lambda row: row.key.order(),
        )
        if after is not None:
            ranked = [row for row in ranked if row.key.order() > after.order()]
        page, last = _page_of(ranked[: limit + 1], limit)
        return _postgres_headlines(connection, terms, page), last
    rows: list[Row] = []
    for tier in (TITLE_TIER, BODY_TIER):
        if after is not None and tier < after.tier:
            continue
        statement = (
            select(document.c.doc_id, document.c.type, document.c.id, document.c.title)
            # A title match is a match: the title tier needs no test of the whole vector.
            .where(in_title if tier == TITLE_TIER else matches & ~in_title, of_types)
            .order_by(document.c.doc_id.desc())
            .limit(limit + 1 - len(rows))
        )
        if after is not None and tier == after.tier:
            statement = statement.where(document.c.doc_id < after.doc_id)
        score = 1.0 if tier == TITLE_TIER else 0.0
        rows += [
            Row(Key(tier, -score, r.doc_id), r.type, r.id, r.title, "")
            for r in connection.execute(statement)
        ]
        if len(rows) > limit:
            break
    page, last = _page_of(rows, limit)
    return _postgres_headlines(connection, terms, page), last


# -- The listing ---------------------------------------------------------------------------


def _hit(row: Row) -> SearchHit:
    return SearchHit(
        type=SearchType(row.type),
        id=row.id,
        title=row.title,
        snippet=row.snippet,
        score=round(-row.key.rank, 6),
        url=f"/api/v1/{PATHS[SearchType(row.type)]}/{row.id}",
    )


@dataclass(frozen=True)
class SearchListing:
    """Search pages by its own keyset (see the module's docstring), not by a SQL ORDER BY
    over every hit: that would rank them all (a `Listing`)."""

    item: type[SearchHit] = SearchHit
    facets: dict[str, Facet] = field(default_factory=dict)

    def sort_of(self, query: SearchQuery) -> str:
        return SORT

    def page(
        self, connection: Connection, query: SearchQuery, after: list[Any] | None, limit: int
    ) -> Slice[SearchHit]:
        key = decode_key(after) if after is not None else None
        if connection.dialect.name == "postgresql":
            rows, last = _postgres_page(connection, query, key, limit)
        else:
            rows, last = _sqlite_page(connection, query, key, limit)
        return Slice([_hit(row) for row in rows], last)

    def count(self, connection: Connection, query: SearchQuery) -> int:
        """Every hit (`count=true`): this walks every match, so it grows with them."""
        if connection.dialect.name == "postgresql":
            return count_rows(connection, _postgres_hits(query))
        if not query.type:  # FTS5 counts alone, without visiting the documents
            sql = "SELECT count(*) FROM search_fts WHERE search_fts MATCH :match"
            return int(_fetch(connection, sql, {"match": fts5_match(parse(query.q))})[0][0])
        hits = _sqlite_hits(query).where(document.c.type.in_(_types(query)))
        return count_rows(connection, hits)

    def facet_counts(
        self, connection: Connection, query: SearchQuery, names: list[str]
    ) -> dict[str, list[FacetCount]]:
        return {}


SEARCH = SearchListing()
