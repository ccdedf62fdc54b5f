"""Every row of a knowledge base, to compare two loads, or a database before and after."""

from typing import Any

from sqlalchemy import Engine, select

from app.models import metadata

documents = metadata.tables["event_document"]
items = metadata.tables["relation_item"]


def dump(engine: Engine, *, timestamps: bool = True) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table in primary-key order (on any engine), without the times
    rows were changed unless `timestamps`. The event documents' keys, numbered in the order
    a load writes them, are given as the event each stands for: the documents in event
    order, and each pair item's document (`relation_item.doc_id`) as its event's id."""
    skipped = {"doc_id"} | (set() if timestamps else {"changed_at"})
    with engine.connect() as connection:
        dumped = {}
        for table in metadata.sorted_tables:
            columns: list[Any] = [c for c in table.columns if c.name not in skipped]
            order: list[Any] = list(table.primary_key.columns)
            if table is documents:
                order = [documents.c.event_id]
            elif table is items:
                columns.append(
                    select(documents.c.event_id)
                    .where(documents.c.doc_id == items.c.doc_id)
                    .scalar_subquery()
                )
            query = select(*columns).order_by(*order)
            dumped[table.name] = [tuple(row) for row in connection.execute(query)]
        return dumped
