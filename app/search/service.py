"""Search: ranked full-text queries over the search documents."""

from typing import Any

from sqlalchemy import Float, Row, Select, String, column, func, literal_column, select, table, text

from app.pagination import Keyset, Listing
from app.search.models import SearchDocument, SearchType
from app.search.query import fts5_match, parse
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


def _sqlite_hits(query: SearchQuery) -> Select[Any]:
    this: Any = literal_column("search_fts")
    return (
        select(
            document.c.type,
            document.c.id,
            document.c.title,
            func.snippet(this, -1, "<mark>", "</mark>", "…", 16).label("snippet"),
            # Title matches weigh five times body matches.
            func.bm25(this, 5.0, 1.0).label("rank"),
        )
        .select_from(fts.join(document, document.c.doc_id == fts.c.rowid))
        .where(text("search_fts MATCH :match").bindparams(match=fts5_match(parse(query.q))))
    )


def filtered(query: SearchQuery) -> Select[Any]:
    hits = _sqlite_hits(query)
    if query.type:
        hits = hits.where(document.c.type.in_([t.value for t in query.type]))
    return select(hits.subquery("hits"))


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


SEARCH = Listing(filtered=filtered, keysets=KEYSETS, build=build_hits, default_sort="rank")
