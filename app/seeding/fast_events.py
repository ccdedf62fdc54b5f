"""A quick check of the common shape of an event record, for bulk loads.

A million-event load spent most of its time in `EventCreate.model_validate` (three country
look-ups, a partial date parse and a copy of each default list per event). This checks a
record read from JSON the way pydantic would, but only for the plain shape bundles write:
exact JSON types, known enum values, slugs, no odd inputs. Anything else (and anything
invalid) returns None, and the caller validates it with `EventCreate` as before, which
accepts or rejects it with its own messages; so this accepts a subset of what `EventCreate`
accepts, giving the same values.

The shape is fixed here, so `ENABLED` is False (everything goes through pydantic) as soon as
the models it mirrors change: `MODELS_FINGERPRINT` is checked against them at import, and
tests/seeding/test_bulk.py says when it needs a new value.
"""

import hashlib
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from types import CodeType
from typing import Any, TypeVar

from pydantic import BaseModel

from app.events.models import (
    Event,
    EventCreate,
    EventKind,
    EventOutcomes,
    EventStatus,
    ParticipantCreate,
    Role,
)
from app.sources.models import CitationCreate
from app.values import PartialDate, Qualifier, Quantity, _country_alpha2

MIRRORED: tuple[type[BaseModel], ...] = (
    EventCreate,
    ParticipantCreate,
    EventOutcomes,
    CitationCreate,
    Quantity,
)
EVENT_COLUMNS = (
    "id",
    "kind",
    "status",
    "title",
    "start_first",
    "start_last",
    "start_precision",
    "start_text",
    "end_first",
    "end_last",
    "end_precision",
    "end_text",
    "place_id",
    "host_country",
    "duration_value",
    "duration_unit",
    "duration_qualifier",
    "duration_text",
    "format",
    "outcomes",
    "parent_id",
    "notes",
)


def _code_text(code: CodeType) -> str:
    """The bytecode, constants and names of `code` and of the code nested in it (not its
    file or line, so the fingerprint is the same wherever the project lives)."""
    consts = [_code_text(c) if isinstance(c, CodeType) else repr(c) for c in code.co_consts]
    return f"{code.co_code!r}{consts}{code.co_names!r}"


def models_fingerprint() -> str:
    """A digest of the fields and validators of the models this module mirrors."""
    digest = hashlib.sha256()
    for model in MIRRORED:
        digest.update(model.__name__.encode())
        for name, info in model.model_fields.items():
            digest.update(re.sub(r" at 0x[0-9a-f]+", "", f"{name}={info!r}").encode())
        for name, decorator in sorted(model.__pydantic_decorators__.model_validators.items()):
            code = getattr(decorator.func, "__func__", decorator.func).__code__
            digest.update(f"{name}{_code_text(code)}".encode())
    digest.update(repr([column.name for column in Event.__table__.columns]).encode())  # type: ignore[attr-defined]
    return digest.hexdigest()


MODELS_FINGERPRINT = "ee9b626c0fdcb9f3a02e3f85bf9fe3ff585eda08bd14b78aeb7e2d6b9ce225b9"
ENABLED = (
    models_fingerprint() == MODELS_FINGERPRINT
    and tuple(column.name for column in Event.__table__.columns) == EVENT_COLUMNS  # type: ignore[attr-defined]
)

_FIELDS = frozenset(EventCreate.model_fields)
_REQUIRED = frozenset(("id", "kind", "title", "start", "countries", "citations"))
_KINDS = frozenset(kind.value for kind in EventKind)
_STATUSES = frozenset(status.value for status in EventStatus)
_ROLES = frozenset(role.value for role in Role)
_QUALIFIERS = frozenset(qualifier.value for qualifier in Qualifier)
_QUANTITY_FIELDS = frozenset(Quantity.model_fields)
_PARTICIPANT_FIELDS = frozenset(ParticipantCreate.model_fields)
_CITATION_FIELDS = frozenset(CitationCreate.model_fields)
_OUTCOME_FIELDS = frozenset(EventOutcomes.model_fields)
_DATES: dict[str, tuple[PartialDate, str] | None] = {}  # with the precision's value
_HELD = EventStatus.HELD.value
_EXACT = Qualifier.EXACT.value
_PARTICIPANT = Role.PARTICIPANT.value
# Slugs seen valid (people, places, topics: a bulk load names the same few over and over).
_SLUGS: set[str] = set()
_COUNTRIES: dict[str, str | None] = {}
_T = TypeVar("_T")


class _NotPlain(Exception):
    """The record is not of the plain shape: pydantic decides."""


@dataclass(slots=True)
class FastEvent:
    """What a load needs of a valid event: its row, its links, its references."""

    id: str
    start: PartialDate
    row: list[Any]  # EVENT_COLUMNS
    place: str | None
    organizations: list[str]
    part_of: str | None
    topics: list[str]
    countries: list[str]
    participants: list[tuple[str, str]]  # (person, role)
    citations: list[tuple[str | None, str]]  # (source, excerpt)


def is_slug(value: str) -> bool:
    """`SLUG_PATTERN` without the regular expression (slugs are most of a record's values):
    ASCII letters and digits in runs joined by single hyphens, no capital letter."""
    bare = value.replace("-", "")
    return (
        bare.isalnum()
        and bare.isascii()
        and bare.lower() == bare
        and value[0] != "-"
        and value[-1] != "-"
        and "--" not in value
    )


def _slug(value: Any) -> str:
    if type(value) is not str:
        raise _NotPlain
    if value in _SLUGS:
        return value
    if len(value) > 200 or not is_slug(value):
        raise _NotPlain
    if len(_SLUGS) < 100_000:
        _SLUGS.add(value)
    return value


def _id(value: Any) -> str:
    """`_slug` of an event's own id, which is not remembered (each is new)."""
    if type(value) is not str or len(value) > 200 or not is_slug(value):
        raise _NotPlain
    return value


def _optional_slug(value: Any) -> str | None:
    return None if value is None else _slug(value)


def _text(value: Any) -> str | None:
    if value is not None and type(value) is not str:
        raise _NotPlain
    return value


def _remembered(memo: dict[str, _T | None], value: str, parse: Callable[[str], _T]) -> _T:
    """`parse(value)`, remembered in `memo` (a bulk load repeats few values); a value that
    `parse` refuses (ValueError) is remembered as refused and raises `_NotPlain`."""
    if value not in memo:
        try:
            memo[value] = parse(value)
        except ValueError:
            memo[value] = None
    found = memo[value]
    if found is None:
        raise _NotPlain
    return found


def _parsed_date(value: str) -> tuple[PartialDate, str]:
    parsed = PartialDate.parse(value)
    return parsed, parsed.precision.value


def _date(value: Any) -> tuple[PartialDate, str]:
    """`PartialDate.parse` of a string, remembered."""
    if type(value) is not str:
        raise _NotPlain
    return _remembered(_DATES, value, _parsed_date)


def _country(value: Any) -> str:
    """The `CountryCode` validator of a string, remembered."""
    if type(value) is not str or not 2 <= len(value) <= 3:
        raise _NotPlain
    return _remembered(_COUNTRIES, value, _country_alpha2)


def _list(value: Any) -> list[Any]:
    if type(value) is not list:
        raise _NotPlain
    return value


def _member(value: Any, allowed: frozenset[str]) -> str:
    if type(value) is not str or value not in allowed:
        raise _NotPlain
    return value


def _quantity(value: Any) -> tuple[float | None, str | None, str | None, str | None]:
    if value is None:
        return None, None, None, None
    if type(value) is not dict or not value.keys() <= _QUANTITY_FIELDS:
        raise _NotPlain
    given: Any = value.get("value")
    unit = value.get("unit")
    if type(given) not in (int, float) or type(unit) is not str or not 1 <= len(unit) <= 32:
        raise _NotPlain
    try:
        number = float(given)
    except OverflowError:
        raise _NotPlain from None
    if not math.isfinite(number):
        raise _NotPlain
    qualifier = _member(value.get("qualifier", _EXACT), _QUALIFIERS)
    return number, unit, qualifier, _text(value.get("text"))


def _outcomes(value: Any) -> dict[str, object] | None:
    """`EventOutcomes.model_dump(exclude_none=True)`, as the row stores it."""
    if value is None:
        return None
    if type(value) is not dict or not value.keys() <= _OUTCOME_FIELDS:
        raise _NotPlain
    joint = value.get("joint_statement")
    if joint is not None and type(joint) is not bool:
        raise _NotPlain
    return {} if joint is None else {"joint_statement": joint}


def _participant(value: Any) -> tuple[str, str]:
    if type(value) is not dict or not value.keys() <= _PARTICIPANT_FIELDS:
        raise _NotPlain
    role = _member(value.get("role", _PARTICIPANT), _ROLES)
    return _slug(value.get("person")), role


def _citation(value: Any) -> tuple[str | None, str]:
    excerpt: Any
    if type(value) is str:
        excerpt, source = value, None
    elif type(value) is dict and value.keys() <= _CITATION_FIELDS:
        excerpt, source = value.get("excerpt"), _optional_slug(value.get("source"))
    else:
        raise _NotPlain
    if type(excerpt) is not str or not 3 <= len(excerpt) <= 4000:
        raise _NotPlain
    return source, excerpt


def _event(item: Any) -> FastEvent:
    if type(item) is not dict or not item.keys() <= _FIELDS or not item.keys() >= _REQUIRED:
        raise _NotPlain
    get = item.get
    event_id = _id(item["id"])
    title = item["title"]
    if type(title) is not str or not title:
        raise _NotPlain
    start, start_precision = _date(item["start"])
    end_value = get("end")
    end, end_precision = (None, None) if end_value is None else _date(end_value)
    host = get("host_country")
    host_country = None if host is None else _country(host)
    countries = [_country(code) for code in _list(item["countries"])]
    participants = [_participant(p) for p in _list(get("participants", []))]
    citations = [_citation(c) for c in _list(item["citations"])]
    part_of = _optional_slug(get("part_of"))
    # EventCreate's own checks (`_consistent`), and the minimum lengths of its lists.
    if (
        not countries
        or not citations
        or (end is not None and end.last < start.first)
        or (host_country is not None and host_country not in countries)
        or len({person for person, _ in participants}) != len(participants)
        or part_of == event_id
    ):
        raise _NotPlain
    duration = _quantity(get("duration"))
    place = _optional_slug(get("place"))
    row = [
        event_id,
        _member(item["kind"], _KINDS),
        _member(get("status", _HELD), _STATUSES),
        title,
        start.first,
        start.last,
        start_precision,
        _text(get("start_text")),
        end.first if end else None,
        end.last if end else None,
        end_precision,
        _text(get("end_text")),
        place,
        host_country,
        *duration,
        _text(get("format")),
        _outcomes(get("outcomes")),
        part_of,
        _text(get("notes")),
    ]
    return FastEvent(
        id=event_id,
        start=start,
        row=row,
        place=place,
        organizations=[_slug(o) for o in _list(get("organizations", []))],
        part_of=part_of,
        topics=[_slug(t) for t in _list(get("topics", []))],
        countries=countries,
        participants=participants,
        citations=citations,
    )


def fast_event(item: Any) -> FastEvent | None:
    """The event of a plain, valid record; None when `EventCreate` must decide."""
    if not ENABLED:
        return None
    try:
        return _event(item)
    except _NotPlain:
        return None
