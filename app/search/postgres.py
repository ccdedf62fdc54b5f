"""Search on PostgreSQL: a weighted tsvector under a GIN index (see `app.search.service`)."""

from typing import Any

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
    func,
    literal_column,
    select,
    true,
)

from app.search import query as terms_of
from app.search.hits import BODY_TIER, MARKS, TITLE_TIER, Key, Row, document, page_of, types_of
from app.search.query import Term, parse, tsquery
from app.search.schemas import SearchQuery

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


def hits(query: SearchQuery) -> Select[Any]:
    """Every hit of the query: a GIN index scan."""
    statement = select(document.c.doc_id, document.c.type, document.c.id).where(
        _at(_VECTOR, parse(query.q))
    )
    if query.type:
        statement = statement.where(document.c.type.in_(types_of(query)))
    return statement


def _is_small(connection: Connection, terms: list[Term]) -> bool:
    some = (
        select(document.c.doc_id)
        .where(_at(_VECTOR, terms))
        .limit(terms_of.RANKED_AT_MOST + 1)
        .subquery()
    )
    return int(connection.execute(select(func.count()).select_from(some)).scalar_one()) <= (
        terms_of.RANKED_AT_MOST
    )


def _headlines(connection: Connection, terms: list[Term], rows: list[Row]) -> list[Row]:
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


def page(
    connection: Connection, query: SearchQuery, after: Key | None, limit: int
) -> tuple[list[Row], list[Any] | None]:
    terms = parse(query.q)
    matches = _at(_VECTOR, terms)
    # The title's own tsvector, not the weighted one restricted to weight A: parsing a title
    # costs little next to parsing a body, and a GIN index on it (ix_search_document_title_tsv,
    # not yet created by the migrations) finds the title tier without visiting the documents
    # that hold the terms in their body only.
    in_title = _at(func.to_tsvector(literal_column("'english'"), document.c.title), terms)
    of_types = document.c.type.in_(types_of(query)) if query.type else true()
    if _is_small(connection, terms):
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
        page, last = page_of(ranked[: limit + 1], limit)
        return _headlines(connection, terms, page), last
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
    page, last = page_of(rows, limit)
    return _headlines(connection, terms, page), last
