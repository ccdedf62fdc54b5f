"""The draft of a source the knowledge base holds (`POST /api/v1/sources/{id}/extract`)."""

from typing import Any

from sqlalchemy import Engine, select

from app.errors import NotFound
from app.extract.draft import extract
from app.extract.known import read_known
from app.sources.models import Source

source = Source.__table__  # type: ignore[attr-defined]


def draft_of(engine: Engine, source_id: str) -> dict[str, Any]:
    """The candidate facts of the stored source `source_id`, as a bundle of its claims
    (the source itself is not in it: it exists). Dates resolve against its publication."""
    with engine.connect() as connection:
        row = connection.execute(
            select(source.c.text, source.c.published_first).where(source.c.id == source_id)
        ).first()
    if row is None:
        raise NotFound("source", source_id)
    if row.published_first is None:
        raise NotFound("publication date of source", source_id)
    record = {"id": source_id, "published": row.published_first.isoformat()}
    bundle = extract(row.text, row.published_first, record, read_known(engine))
    bundle.pop("sources", None)
    return bundle
