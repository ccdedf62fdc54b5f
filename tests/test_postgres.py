"""What only the PostgreSQL engine does (collected only when testing PostgreSQL)."""

from sqlalchemy import Engine, text

from app.search import postgres
from app.search.schemas import SearchQuery


def test_search_uses_the_gin_index(seeded_engine: Engine):
    """The search's tsvector expression is the migration's index expression: were they to
    drift apart, every search would read every document."""
    with seeded_engine.connect() as connection:
        connection.execute(text("SET enable_seqscan = off"))  # the seed is too small to need it
        statement = postgres.hits(SearchQuery(q="Libya"))
        sql = statement.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True})
        plan = "\n".join(row[0] for row in connection.execute(text(f"EXPLAIN {sql}")))
    assert "ix_search_document_tsv" in plan, plan
