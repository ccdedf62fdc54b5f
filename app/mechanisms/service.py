"""Mechanisms: queries. Filtering, ordering and paging happen in SQL."""

from typing import Any

from sqlalchemy import Connection, Row, Select, and_, func, select

from app.mechanisms.models import Mechanism, MechanismCountry, MechanismStatusChange
from app.mechanisms.schemas import (
    MechanismDetail,
    MechanismPublic,
    MechanismQuery,
    MechanismSort,
    StatusChangePublic,
)
from app.pagination import Keyset, RowListing
from app.queries import grouped, one_or_not_found
from app.sources.models import SubjectType
from app.sources.service import citations_of
from app.values import PartialDate

mechanism = Mechanism.__table__  # type: ignore[attr-defined]
mechanism_country = MechanismCountry.__table__  # type: ignore[attr-defined]
mechanism_status = MechanismStatusChange.__table__  # type: ignore[attr-defined]

KEYSETS = {
    MechanismSort.NAME: Keyset((mechanism.c.name, mechanism.c.id)),
    MechanismSort.NAME_DESC: Keyset((mechanism.c.name, mechanism.c.id), descending=True),
}


def current_statuses() -> Select[Any]:
    """The latest status-history row (highest ordinal) of every mechanism."""
    latest = (
        select(
            mechanism_status.c.mechanism_id, func.max(mechanism_status.c.ordinal).label("ordinal")
        )
        .group_by(mechanism_status.c.mechanism_id)
        .subquery("latest")
    )
    return select(mechanism_status).join(
        latest,
        and_(
            mechanism_status.c.mechanism_id == latest.c.mechanism_id,
            mechanism_status.c.ordinal == latest.c.ordinal,
        ),
    )


def filtered(query: MechanismQuery) -> Select[Any]:
    """Every mechanism matching the query's filters, unordered."""
    statement_ = select(mechanism)
    for country in query.country:
        statement_ = statement_.where(
            mechanism.c.id.in_(
                select(mechanism_country.c.mechanism_id).where(
                    mechanism_country.c.country == country
                )
            )
        )
    if query.status:
        statement_ = statement_.where(
            mechanism.c.id.in_(
                current_statuses()
                .where(mechanism_status.c.status == query.status.value)
                .with_only_columns(mechanism_status.c.mechanism_id)
            )
        )
    if query.kind:
        statement_ = statement_.where(mechanism.c.kind == query.kind.value)
    return statement_


def status_changes(connection: Connection, rows: list[Row[Any]]) -> list[StatusChangePublic]:
    """Public entries for `rows` of the mechanism_status table, with their citations."""
    citations = citations_of(connection, SubjectType.MECHANISM_STATUS, [r.id for r in rows])
    return [
        StatusChangePublic(
            id=row.id,
            status=row.status,
            date=PartialDate.from_columns(row.date_first, row.date_last, row.date_precision),
            date_text=row.date_text,
            as_of=PartialDate.from_columns(row.as_of_first, row.as_of_last, row.as_of_precision),
            citations=citations.get(row.id, []),
        )
        for row in rows
    ]


def build_mechanisms(connection: Connection, rows: list[Row[Any]]) -> list[MechanismPublic]:
    """Public mechanisms for `rows` of the mechanism table: a few IN queries for the page."""
    ids = [row.id for row in rows]
    if not ids:
        return []
    countries = grouped(
        connection,
        select(mechanism_country.c.mechanism_id, mechanism_country.c.country)
        .where(mechanism_country.c.mechanism_id.in_(ids))
        .order_by(mechanism_country.c.mechanism_id, mechanism_country.c.country),
    )
    current_rows = list(
        connection.execute(
            current_statuses()
            .where(mechanism_status.c.mechanism_id.in_(ids))
            .order_by(mechanism_status.c.mechanism_id)
        )
    )
    current = {
        row.mechanism_id: change
        for row, change in zip(current_rows, status_changes(connection, current_rows), strict=True)
    }
    citations = citations_of(connection, SubjectType.MECHANISM, ids)
    return [
        MechanismPublic(
            id=row.id,
            name=row.name,
            aliases=row.aliases,
            acronym=row.acronym,
            kind=row.kind,
            countries=[r.country for r in countries.get(row.id, [])],
            notes=row.notes,
            current_status=current.get(row.id),
            citations=citations.get(row.id, []),
        )
        for row in rows
    ]


def get_mechanism(connection: Connection, *, mechanism_id: str) -> MechanismDetail:
    row = one_or_not_found(
        connection,
        select(mechanism).where(mechanism.c.id == mechanism_id),
        "mechanism",
        mechanism_id,
    )
    (public,) = build_mechanisms(connection, [row])
    history_rows = connection.execute(
        select(mechanism_status)
        .where(mechanism_status.c.mechanism_id == mechanism_id)
        .order_by(mechanism_status.c.ordinal)
    )
    history = status_changes(connection, list(history_rows))
    return MechanismDetail(**dict(public), status_history=history)


MECHANISMS = RowListing(
    item=MechanismPublic, filtered=filtered, keysets=KEYSETS, build=build_mechanisms
)
