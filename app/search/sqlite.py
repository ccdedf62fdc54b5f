"""Search on SQLite: FTS5 over the search documents (see `app.search.service`)."""

import json
from typing import Any

from sqlalchemy import Connection, Select, column, select, table, text

from app.search import query as terms_of
from app.search.hits import (
    BODY_TIER,
    MARKS,
    TERM_AT_MOST,
    TITLE_TIER,
    Key,
    Row,
    document,
    page_of,
    types_of,
)
from app.search.query import Term, fts5_in_title, fts5_match, fts5_not_in_title, parse
from app.search.schemas import SearchQuery

_FTS = table("search_fts", column("rowid"))
_FTS_COUNT = (
    "SELECT count(*) FROM (SELECT rowid FROM search_fts WHERE search_fts MATCH :match LIMIT :n)"
)


def fetch(connection: Connection, sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in connection.execute(text(sql), params)]


def _type_filter(query: SearchQuery) -> str:
    # The types are enum values, never user text; the JSON array is bound, not inlined.
    return " AND d.type IN (SELECT value FROM json_each(:types))" if query.type else ""


def _params(query: SearchQuery, **params: Any) -> dict[str, Any]:
    return params | ({"types": json.dumps(types_of(query))} if query.type else {})


def _is_small(connection: Connection, terms: list[Term]) -> bool:
    """At most RANKED_AT_MOST matches, and TERM_AT_MOST per term: each count stops early."""

    def at_most(match: str, n: int) -> bool:
        return int(fetch(connection, _FTS_COUNT, {"match": match, "n": n + 1})[0][0]) <= n

    if not at_most(fts5_match(terms), terms_of.RANKED_AT_MOST):
        return False
    return len(terms) == 1 or all(at_most(fts5_match([t]), TERM_AT_MOST) for t in terms)


def _walk(
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
        + _type_filter(query)
        + " ORDER BY f.rowid DESC LIMIT :n"
    )
    params = _params(query, match=match, n=n, open=MARKS[0], close=MARKS[1], before=before)
    score = 1.0 if tier == TITLE_TIER else 0.0
    return [
        Row(Key(tier, -score, doc_id), kind, id_, title, snippet)
        for doc_id, kind, id_, title, snippet in fetch(connection, sql, params)
    ]


def _ranked(connection: Connection, query: SearchQuery, terms: list[Term]) -> list[Row]:
    """Every hit of a small query, in order, with BM25 (title words weighing five times)."""
    in_title = {
        doc_id
        for (doc_id,) in fetch(
            connection,
            "SELECT rowid FROM search_fts WHERE search_fts MATCH :match",
            {"match": fts5_in_title(terms)},
        )
    }
    sql = (
        "SELECT f.rowid AS doc_id, d.type, d.id, d.title, bm25(search_fts, 5.0, 1.0) AS rank "
        "FROM search_fts AS f JOIN search_document AS d ON d.doc_id = f.rowid "
        "WHERE search_fts MATCH :match" + _type_filter(query)
    )
    rows = [
        Row(
            Key(TITLE_TIER if doc_id in in_title else BODY_TIER, float(rank), doc_id),
            kind,
            id_,
            title,
            "",
        )
        for doc_id, kind, id_, title, rank in fetch(
            connection, sql, _params(query, match=fts5_match(terms))
        )
    ]
    return sorted(rows, key=lambda row: row.key.order())


def _snippets(connection: Connection, terms: list[Term], rows: list[Row]) -> list[Row]:
    """The snippets of a page of a small query. FTS5 seeks badly to a rowid (`rowid = ?`
    costs a full match each), so the query walks the few matches in the page's rowid range
    and makes snippets for the page's rows only (`+rowid` keeps the IN out of FTS5)."""
    if not rows:
        return rows
    ids = [row.key.doc_id for row in rows]
    found: dict[int, str] = {
        doc_id: snippet
        for doc_id, snippet in fetch(
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


def page(
    connection: Connection, query: SearchQuery, after: Key | None, limit: int
) -> tuple[list[Row], list[Any] | None]:
    terms = parse(query.q)
    if _is_small(connection, terms):
        ranked = _ranked(connection, query, terms)
        if after is not None:
            ranked = [row for row in ranked if row.key.order() > after.order()]
        page, last = page_of(ranked[: limit + 1], limit)
        return _snippets(connection, terms, page), last
    rows: list[Row] = []
    for tier, match in ((TITLE_TIER, fts5_in_title(terms)), (BODY_TIER, fts5_not_in_title(terms))):
        if after is not None and tier < after.tier:
            continue
        before = after.doc_id if after is not None and tier == after.tier else None
        rows += _walk(connection, query, match, tier, before, limit + 1 - len(rows))
        if len(rows) > limit:
            break
    return page_of(rows, limit)


def hits(query: SearchQuery) -> Select[Any]:
    """Every hit of the query (for counting): the FTS5 match joined to its documents."""
    match = text("search_fts MATCH :match").bindparams(match=fts5_match(parse(query.q)))
    return (
        select(document.c.doc_id, document.c.type, document.c.id)
        .select_from(_FTS.join(document, document.c.doc_id == _FTS.c.rowid))
        .where(match)
    )
