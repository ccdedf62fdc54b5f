"""The search index: one document per searchable record, kept in step by the seed loader.

`search_document` is an ordinary table on every engine. On SQLite an FTS5 table
(`search_fts`, external content over `search_document`, kept in step by triggers) indexes
it; on PostgreSQL a GIN index over its tsvector does. Both are created by the migration.
"""

from enum import StrEnum

from sqlalchemy import Column, Index, Integer, Text
from sqlmodel import Field, SQLModel


class SearchType(StrEnum):
    EVENT = "event"
    STATEMENT = "statement"
    SOURCE = "source"
    MECHANISM = "mechanism"
    TOPIC = "topic"
    PERSON = "person"


class SearchDocument(SQLModel, table=True):
    __tablename__ = "search_document"

    doc_id: int | None = Field(
        default=None, sa_column=Column(Integer, primary_key=True, autoincrement=True)
    )
    type: str = Field(max_length=20)
    id: str = Field(max_length=200)
    title: str = Field(sa_column=Column(Text, nullable=False))
    body: str = Field(sa_column=Column(Text, nullable=False))

    __table_args__ = (
        Index("ix_search_document_type_id", "type", "id", unique=True),
        # A search filtered by type walks that type's documents in `doc_id` order.
        Index("ix_search_document_type_doc_id", "type", "doc_id"),
    )


# Objects the migration creates outside SQLModel's metadata; Alembic's autogenerate
# leaves them alone (FTS5 creates its shadow tables search_fts_data, ..._idx, ...).
UNMANAGED_PREFIXES = ("search_fts", "ix_search_document_tsv")
