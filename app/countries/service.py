"""Countries: queries. Filtering, ordering and paging happen in SQL."""

from typing import Any

from sqlalchemy import CompoundSelect, Connection, Row, Select, func, or_, select, union

from app.assessments.models import AssessmentCountry
from app.countries.models import Country
from app.countries.schemas import (
    CountryCounts,
    CountryDetail,
    CountryPublic,
    CountryQuery,
    CountrySort,
)
from app.events.models import Event, EventCountry
from app.figures.models import Figure
from app.mechanisms.models import MechanismCountry
from app.pagination import Keyset, RowListing
from app.people.models import Person, Position
from app.places.models import Place
from app.queries import escape_like, one_or_not_found
from app.schemas import Named

country = Country.__table__  # type: ignore[attr-defined]
event = Event.__table__  # type: ignore[attr-defined]
event_country = EventCountry.__table__  # type: ignore[attr-defined]
mechanism_country = MechanismCountry.__table__  # type: ignore[attr-defined]
assessment_country = AssessmentCountry.__table__  # type: ignore[attr-defined]
figure = Figure.__table__  # type: ignore[attr-defined]
person = Person.__table__  # type: ignore[attr-defined]
position = Position.__table__  # type: ignore[attr-defined]
place = Place.__table__  # type: ignore[attr-defined]

KEYSETS = {
    CountrySort.NAME: Keyset((country.c.name, country.c.code)),
    CountrySort.CODE: Keyset((country.c.code,)),
}


def referenced_codes() -> CompoundSelect:
    """The code of every country some fact refers to.

    NULLs are left out: one NULL in the set would make `NOT IN` unknown for every country.
    """
    columns = (
        event_country.c.country,
        event.c.host_country,
        mechanism_country.c.country,
        assessment_country.c.country,
        figure.c.country,
        figure.c.partner,
        person.c.country,
        place.c.country,
        position.c.country,
    )
    return union(*(select(column).where(column.is_not(None)) for column in columns))


def filtered(query: CountryQuery) -> Select[Any]:
    """Every country matching the query's filters, unordered."""
    statement_ = select(country)
    if query.q:
        statement_ = statement_.where(country.c.name.ilike(f"{escape_like(query.q)}%", escape="\\"))
    if query.in_kb is not None:
        referenced = country.c.code.in_(referenced_codes())
        statement_ = statement_.where(referenced if query.in_kb else ~referenced)
    return statement_


def _public(row: Any) -> CountryPublic:
    return CountryPublic(
        code=row.code,
        alpha3=row.alpha3,
        name=row.name,
        official_name=row.official_name,
        wikidata=row.wikidata,
    )


def build_countries(_connection: Connection, rows: list[Row[Any]]) -> list[Any]:
    return [_public(row) for row in rows]


def _count(table: Any, *conditions: Any) -> Any:
    return select(func.count()).select_from(table).where(*conditions).scalar_subquery()


def get_country(connection: Connection, *, code: str) -> CountryDetail:
    """The country whose alpha-2 or alpha-3 code is `code`, in any case."""
    wanted = code.strip().upper()
    row = one_or_not_found(
        connection,
        select(
            country,
            country.c.code.in_(referenced_codes()).label("in_kb"),
            _count(event_country, event_country.c.country == country.c.code).label("events"),
            _count(mechanism_country, mechanism_country.c.country == country.c.code).label(
                "mechanisms"
            ),
            _count(
                figure, or_(figure.c.country == country.c.code, figure.c.partner == country.c.code)
            ).label("figures"),
            _count(assessment_country, assessment_country.c.country == country.c.code).label(
                "assessments"
            ),
        ).where(or_(country.c.code == wanted, country.c.alpha3 == wanted)),
        "country",
        code,
    )
    people = [
        Named(id=r.id, name=r.name)
        for r in connection.execute(
            select(person.c.id, person.c.name)
            .where(person.c.country == row.code)
            .order_by(person.c.name, person.c.id)
        )
    ]
    places = [
        Named(id=r.id, name=r.name)
        for r in connection.execute(
            select(place.c.id, place.c.name)
            .where(place.c.country == row.code)
            .order_by(place.c.name, place.c.id)
        )
    ]
    return CountryDetail(
        **dict(_public(row)),
        in_kb=bool(row.in_kb),
        counts=CountryCounts(
            events=row.events,
            mechanisms=row.mechanisms,
            figures=row.figures,
            assessments=row.assessments,
        ),
        people=people,
        places=places,
    )


COUNTRIES = RowListing(
    item=CountryPublic, filtered=filtered, keysets=KEYSETS, build=build_countries
)
