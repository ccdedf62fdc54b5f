"""Every row of a knowledge base, to compare two loads, or a database before and after."""

from typing import Any

from sqlalchemy import Engine, select

from app.models import metadata


def dump(engine: Engine, *, timestamps: bool = True) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table in primary-key order (on any engine), without the times
    rows were changed unless `timestamps`; search documents without their numbers, which
    count every document ever written."""
    skipped = {"doc_id"} | (set() if timestamps else {"changed_at", "at"})
    with engine.connect() as connection:
        dumped = {}
        for table in metadata.sorted_tables:
            columns: list[Any] = [c for c in table.columns if c.name not in skipped]
            order = [c for c in table.primary_key.columns if c.name not in skipped] or columns
            query = select(*columns).order_by(*order)
            dumped[table.name] = [tuple(row) for row in connection.execute(query)]
        return dumped
