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

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection

from app.facets import Facet, FacetCount
from app.links import api_url
from app.pagination import Slice, count_rows
from app.search import postgres, sqlite
from app.search.hits import PATHS, SORT, Row, decode_key, document, types_of
from app.search.models import SearchType
from app.search.query import fts5_match, parse
from app.search.schemas import SearchHit, SearchQuery

# -- The listing ---------------------------------------------------------------------------


def _hit(row: Row) -> SearchHit:
    return SearchHit(
        type=SearchType(row.type),
        id=row.id,
        title=row.title,
        snippet=row.snippet,
        score=round(-row.key.rank, 6),
        url=api_url(f"/api/v1/{PATHS[SearchType(row.type)]}/{row.id}"),
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
            rows, last = postgres.page(connection, query, key, limit)
        else:
            rows, last = sqlite.page(connection, query, key, limit)
        return Slice([_hit(row) for row in rows], last)

    def count(self, connection: Connection, query: SearchQuery) -> int:
        """Every hit (`count=true`): this walks every match, so it grows with them."""
        if connection.dialect.name == "postgresql":
            return count_rows(connection, postgres.hits(query))
        if not query.type:  # FTS5 counts alone, without visiting the documents
            sql = "SELECT count(*) FROM search_fts WHERE search_fts MATCH :match"
            return int(sqlite.fetch(connection, sql, {"match": fts5_match(parse(query.q))})[0][0])
        hits = sqlite.hits(query).where(document.c.type.in_(types_of(query)))
        return count_rows(connection, hits)

    def facet_counts(
        self, connection: Connection, query: SearchQuery, names: list[str]
    ) -> dict[str, list[FacetCount]]:
        return {}


SEARCH = SearchListing()
