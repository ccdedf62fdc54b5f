"""Facets: value counts over the items a list's filters match, computed in SQL."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import Connection, Select, Table, extract, func, null, select

from app.queries import iso_partial_date

MAX_FACET_VALUES = 100


class FacetCount(BaseModel):
    value: str = Field(examples=["official_visit"], description="A value of the field.")
    label: str | None = Field(default=None, description="The value's name, when it is an id.")
    count: int = Field(examples=[3], description="How many matching items have it.")


@dataclass(frozen=True)
class Facet:
    """`counts(matching)` selects (value, label, count) rows over the subquery of matching
    items, most frequent first; `format` renders a value."""

    counts: Callable[[Any], Select[Any]]
    format: Callable[[Any], str] = str


def column_facet(name: str) -> Facet:
    """Counts of the values of one column of the listed table."""
    return Facet(
        lambda m: (
            select(m.c[name], null(), func.count())
            .group_by(m.c[name])
            .order_by(func.count().desc(), m.c[name])
        )
    )


def named_column_facet(name: str, named: Table) -> Facet:
    """Counts of the values of a column that is an id of `named`, each with its name."""
    (named_id,) = named.primary_key.columns

    def counts(m: Any) -> Select[Any]:
        return (
            select(m.c[name], named.c.name, func.count())
            .select_from(m.join(named, named_id == m.c[name]))
            .group_by(m.c[name], named.c.name)
            .order_by(func.count().desc(), m.c[name])
        )

    return Facet(counts)


def partial_date_facet(prefix: str) -> Facet:
    """Counts by a partial date (`<prefix>_first` and `_precision`), written at its precision."""

    def counts(m: Any) -> Select[Any]:
        written = iso_partial_date(m.c[f"{prefix}_first"], m.c[f"{prefix}_precision"])
        statement: Any = select(written, null(), func.count())
        return statement.group_by(written).order_by(func.count().desc(), written.desc())

    return Facet(counts)


def year_facet(name: str) -> Facet:
    """Counts by the year of a date column, newest first."""

    def counts(m: Any) -> Select[Any]:
        year = extract("year", m.c[name])
        statement: Any = select(year, null(), func.count())
        return statement.group_by(year).order_by(year.desc())

    return Facet(counts)


def link_facet(link: Table, owner: str, value: str, named: Table) -> Facet:
    """Counts over a link table (`owner` -> `value`), each value with its `named.name`."""
    linked = link.c[value]
    (named_id,) = named.primary_key.columns

    def counts(m: Any) -> Select[Any]:
        return (
            select(linked, named.c.name, func.count())
            .select_from(m.join(link, link.c[owner] == m.c.id).join(named, named_id == linked))
            .group_by(linked, named.c.name)
            .order_by(func.count().desc(), linked)
        )

    return Facet(counts)


def facet_counts(
    connection: Connection,
    matching: Select[Any],
    facets: Mapping[str, Facet],
    names: list[str],
    params: Mapping[str, Any] | None = None,
) -> dict[str, list[FacetCount]]:
    """The counts of each facet in `names` over the items `matching` selects (with the
    values of its bound parameters in `params`)."""
    subquery = matching.subquery("matching")
    result: dict[str, list[FacetCount]] = {}
    for name in names:
        facet = facets[name]
        rows = connection.execute(facet.counts(subquery).limit(MAX_FACET_VALUES), params or {})
        result[name] = [
            FacetCount(value=facet.format(row[0]), label=row[1], count=row[2]) for row in rows
        ]
    return result
