"""Search: ranked full-text queries over the search documents, on SQLite or PostgreSQL."""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Connection,
    Float,
    Row,
    Select,
    String,
    bindparam,
    cast,
    column,
    func,
    literal_column,
    select,
    table,
    text,
)

from app.pagination import Keyset, Listing
from app.search.models import SearchDocument, SearchType
from app.search.query import fts5_match, parse, tsquery
from app.search.schemas import SearchHit, SearchQuery

document = SearchDocument.__table__  # type: ignore[attr-defined]
fts = table("search_fts", column("rowid"))
PATHS = {
    SearchType.EVENT: "events",
    SearchType.STATEMENT: "statements",
    SearchType.SOURCE: "sources",
    SearchType.MECHANISM: "mechanisms",
    SearchType.TOPIC: "topics",
    SearchType.PERSON: "people",
}
# Hits are ordered by rank (lower is better), then type and id: a stable keyset.
KEYSETS = {"rank": Keyset((column("rank", Float), column("type", String), column("id", String)))}
MARKS = ("<mark>", "</mark>")


def _sqlite_hits(query: SearchQuery) -> Select[Any]:
    this: Any = literal_column("search_fts")
    return (
        select(
            document.c.type,
            document.c.id,
            document.c.title,
            func.snippet(this, -1, *MARKS, "…", 16).label("snippet"),
            # Title matches weigh five times body matches.
            func.bm25(this, 5.0, 1.0).label("rank"),
        )
        .select_from(fts.join(document, document.c.doc_id == fts.c.rowid))
        .where(text("search_fts MATCH :match").bindparams(match=fts5_match(parse(query.q))))
    )


def _postgres_hits(query: SearchQuery) -> Select[Any]:
    # The same weighted tsvector as the GIN index of the migration, so the index is used.
    vector = func.setweight(
        func.to_tsvector(literal_column("'english'"), document.c.title), literal_column("'A'")
    ).op("||")(
        func.setweight(
            func.to_tsvector(literal_column("'english'"), document.c.body), literal_column("'B'")
        )
    )
    terms = func.to_tsquery(
        literal_column("'english'"), bindparam("terms", tsquery(parse(query.q)))
    )
    headline_options = f"StartSel={MARKS[0]}, StopSel={MARKS[1]}, MaxWords=24, MinWords=8"
    return select(
        document.c.type,
        document.c.id,
        document.c.title,
        func.ts_headline(
            literal_column("'english'"), document.c.body, terms, headline_options
        ).label("snippet"),
        # Negated, so that lower is better as with SQLite's bm25.
        # ts_rank is a float4; as float8 it survives the JSON of a cursor exactly.
        (-cast(func.ts_rank(vector, terms), Float)).label("rank"),
    ).where(vector.op("@@")(terms))


def _of_types(hits: Select[Any], query: SearchQuery) -> Select[Any]:
    if query.type:
        hits = hits.where(document.c.type.in_([t.value for t in query.type]))
    return select(hits.subquery("hits"))


def filtered(query: SearchQuery) -> Select[Any]:
    """The hits of the query on SQLite."""
    return _of_types(_sqlite_hits(query), query)


@dataclass(frozen=True)
class SearchListing(Listing[SearchQuery, SearchHit]):
    """Search runs different SQL on SQLite (FTS5) and PostgreSQL (tsvector)."""

    def matching(self, connection: Connection, query: SearchQuery) -> Select[Any]:
        if connection.dialect.name == "postgresql":
            return _of_types(_postgres_hits(query), query)
        return self.filtered(query)


def build_hits(_connection: Any, rows: list[Row[Any]]) -> list[SearchHit]:
    return [
        SearchHit(
            type=row.type,
            id=row.id,
            title=row.title,
            snippet=row.snippet,
            score=round(-row.rank, 6),
            url=f"/api/v1/{PATHS[SearchType(row.type)]}/{row.id}",
        )
        for row in rows
    ]


SEARCH = SearchListing(filtered=filtered, keysets=KEYSETS, build=build_hits, default_sort="rank")
