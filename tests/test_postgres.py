"""What only the PostgreSQL engine does (collected only when testing PostgreSQL)."""

from sqlalchemy import Engine, text

from app.search.schemas import SearchQuery
from app.search.service import SEARCH


def test_search_uses_the_gin_index(seeded_engine: Engine):
    with seeded_engine.connect() as connection:
        connection.execute(text("SET enable_seqscan = off"))  # the seed is too small to need it
        statement = SEARCH.matching(connection, SearchQuery(q="Libya"))
        sql = statement.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True})
        plan = "\n".join(row[0] for row in connection.execute(text(f"EXPLAIN {sql}")))
    assert "ix_search_document_tsv" in plan, plan
