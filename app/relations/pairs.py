"""A pair of countries: its codes, and what of the records is about both.

A pair's events are those whose `event_country` rows name both countries; its mechanisms
and assessments, those whose link rows name both; its figures, those of both in either
order. Every statement here takes the pair as the bound parameters `a` and `b`, its codes in
alphabetical order (`canonical`).
"""

from typing import Any

from pydantic import TypeAdapter, ValidationError
from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    String,
    Table,
    and_,
    bindparam,
    cast,
    extract,
    func,
    or_,
    select,
)

from app.assessments.models import Assessment, AssessmentCountry
from app.errors import InvalidInput, NotFound
from app.events.models import Event, EventCountry
from app.figures.models import Figure
from app.mechanisms.models import Mechanism, MechanismCountry, MechanismStatusChange
from app.statements.models import Statement
from app.values import CountryCode

event = Event.__table__  # type: ignore[attr-defined]
event_country = EventCountry.__table__  # type: ignore[attr-defined]
mechanism = Mechanism.__table__  # type: ignore[attr-defined]
mechanism_country = MechanismCountry.__table__  # type: ignore[attr-defined]
mechanism_status = MechanismStatusChange.__table__  # type: ignore[attr-defined]
figure = Figure.__table__  # type: ignore[attr-defined]
statement = Statement.__table__  # type: ignore[attr-defined]
assessment = Assessment.__table__  # type: ignore[attr-defined]
assessment_country = AssessmentCountry.__table__  # type: ignore[attr-defined]

Pair = tuple[str, str]
COUNTRY_CODE: TypeAdapter[str] = TypeAdapter(CountryCode)
A = bindparam("a", type_=String)
B = bindparam("b", type_=String)


def pair_of(a: str, b: str) -> Pair:
    """The pair as upper-case alpha-2 codes, in the order given.

    An unknown code is a `NotFound`; the same country twice is an `InvalidInput`.
    """
    codes = []
    for code in (a, b):
        try:
            codes.append(COUNTRY_CODE.validate_python(code))
        except ValidationError:
            raise NotFound("country", code) from None
    if codes[0] == codes[1]:
        raise InvalidInput(("path", "b"), "the two countries of a pair must differ")
    return codes[0], codes[1]


def canonical(pair: Pair) -> Pair:
    """The order every query uses, so that the content does not depend on the order asked."""
    first, second = sorted(pair)
    return first, second


def with_both(link: Table, id_name: str) -> Select[Any]:
    """Ids in a `<thing>_country` link table whose countries include both of the pair."""
    one, other = link.alias("one"), link.alias("other")
    return (
        select(one.c[id_name])
        .join(other, and_(other.c[id_name] == one.c[id_name], other.c.country == B))
        .where(one.c.country == A)
    )


def events_of_pair() -> Select[Any]:
    """The events involving both countries (ids in `event_country` under `A` and `B`)."""
    return with_both(event_country, "event_id")


def figures_of_pair() -> ColumnElement[bool]:
    """Figures whose (country, partner) is the pair, in either order."""
    return or_(
        and_(figure.c.country == A, figure.c.partner == B),
        and_(figure.c.country == B, figure.c.partner == A),
    )


def status_dated(first_or_last: str) -> ColumnElement[Any]:
    """A status change's date, or when undated, the date by which the source reports it."""
    return func.coalesce(
        mechanism_status.c[f"date_{first_or_last}"], mechanism_status.c[f"as_of_{first_or_last}"]
    )


# The pair's engagements: events of both, held, not part of another (a visit, not its talks).
ENGAGED = (
    select(
        event.c.id,
        event.c.kind,
        event.c.start_first,
        event.c.start_last,
        cast(extract("year", event.c.start_first), Integer).label("year"),
    )
    .where(
        event.c.id.in_(events_of_pair()),
        event.c.status == "held",
        event.c.parent_id.is_(None),
    )
    .subquery("engaged")
)
