"""Value types shared by every domain: partial dates, quantities, country codes, slugs, refs."""

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Annotated, Any

import pycountry
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    StringConstraints,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

from app import patterns

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
# The largest number a row may have (SQLite's integers, PostgreSQL's bigint): a number
# parameter stops there, or SQLite cannot even bind it.
LARGEST_ROW_NUMBER = 2**63 - 1
_CONTROL = re.compile(f"[{patterns.CONTROL_CHARACTERS}]")
# What a path id may hold, as the OpenAPI document states it: no control character.
ID_PATTERN = r"^[^\x00-\x1f\x7f]+$"


def has_control_characters(text: str) -> bool:
    """NUL and the other control characters but tab and line breaks (PostgreSQL refuses NUL
    in text; none belongs in an id, a code or a query)."""
    return _CONTROL.search(text) is not None


Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, min_length=1, max_length=200)]


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


class Precision(StrEnum):
    YEAR = "year"
    MONTH = "month"
    DAY = "day"


_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A date known to a year, a month or a day: the interval [first, last] it covers."""

    first: dt.date
    last: dt.date
    precision: Precision

    @classmethod
    def parse(cls, value: object) -> "PartialDate":
        """Accepts `2019`, `"2019-06"`, `"2019-08-19"` or a `date` (YAML reads bare dates so)."""
        if isinstance(value, PartialDate):
            return value
        if isinstance(value, dt.datetime):
            raise ValueError("a partial date has no time of day")
        if isinstance(value, dt.date):
            return cls(value, value, Precision.DAY)
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise ValueError("a partial date is YYYY, YYYY-MM or YYYY-MM-DD")
        match = _PARTIAL_DATE.match(str(value).strip())
        if not match:
            raise ValueError(f"'{value}' is not a partial date (YYYY, YYYY-MM or YYYY-MM-DD)")
        year, month, day = (int(part) if part else None for part in match.groups())
        assert year is not None
        try:
            if month is None:
                return cls(dt.date(year, 1, 1), dt.date(year, 12, 31), Precision.YEAR)
            if day is None:
                last_day = calendar.monthrange(year, month)[1]
                return cls(dt.date(year, month, 1), dt.date(year, month, last_day), Precision.MONTH)
            day_date = dt.date(year, month, day)
        except ValueError as exc:
            raise ValueError(f"'{value}' is not a real date: {exc}") from None
        return cls(day_date, day_date, Precision.DAY)

    @classmethod
    def from_columns(
        cls, first: dt.date | None, last: dt.date | None, precision: str | None
    ) -> "PartialDate | None":
        if first is None or last is None or precision is None:
            return None
        return cls(first, last, Precision(precision))

    @classmethod
    def required(cls, first: dt.date, last: dt.date, precision: str) -> "PartialDate":
        """The partial date of NOT NULL columns."""
        return cls(first, last, Precision(precision))

    def __str__(self) -> str:
        if self.precision is Precision.YEAR:
            return f"{self.first.year:04d}"
        if self.precision is Precision.MONTH:
            return f"{self.first.year:04d}-{self.first.month:02d}"
        return self.first.isoformat()

    @classmethod
    def __get_pydantic_core_schema__(
        cls, _source: Any, _handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            cls.parse, serialization=core_schema.plain_serializer_function_ser_schema(str)
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, _schema: core_schema.CoreSchema, _handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {
            "type": "string",
            "pattern": patterns.PARTIAL_DATE,
            "description": "ISO 8601 date at its known precision: YYYY, YYYY-MM or YYYY-MM-DD "
            "(a real year, month or day: not `2019-02-30`).",
            "examples": ["2019", "2019-06", "2019-08-19"],
        }


def iso_day(value: Any) -> str:
    """A date column's value as the driver gives it (a date on PostgreSQL, ISO text on
    SQLite) as `YYYY-MM-DD`."""
    return value.isoformat() if isinstance(value, dt.date) else str(value)[:10]


_ISO_LENGTHS = {Precision.YEAR.value: 4, Precision.MONTH.value: 7}


def partial_date_text(first: Any, precision: str | None) -> str | None:
    """A stored partial date (its first day, as the driver gives it, and its precision) as
    `PartialDate` prints itself: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`. For JSON written without
    the model (ready documents); plain strings, not enum members, as it runs per item."""
    if first is None:
        return None
    return iso_day(first)[: _ISO_LENGTHS.get(precision or "", 10)]


def partial_date_columns(prefix: str, value: PartialDate | None) -> dict[str, Any]:
    """The `<prefix>_first/_last/_precision` columns that store one partial date."""
    return {
        f"{prefix}_first": value.first if value else None,
        f"{prefix}_last": value.last if value else None,
        f"{prefix}_precision": value.precision.value if value else None,
    }


@lru_cache(maxsize=4096)
def _country_alpha2(code: str) -> str:
    code = code.strip()
    found = None
    if code.isascii() and code.isalpha():
        if len(code) == 2:
            found = pycountry.countries.get(alpha_2=code.upper())
        elif len(code) == 3:
            found = pycountry.countries.get(alpha_3=code.upper())
    if found is None:
        raise ValueError(f"unknown country code '{code}' (ISO 3166-1 alpha-2 or alpha-3)")
    return str(found.alpha_2)


class _CountryCodeSchema:
    """The schema of `CountryCode`: its `pattern` every code pycountry knows, in any case,
    so that a client (or a fuzzer) that fills a country from the schema is never refused."""

    @classmethod
    def __get_pydantic_core_schema__(
        cls, _source: Any, _handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(
            _country_alpha2,
            core_schema.str_schema(min_length=2, max_length=3),
            metadata={
                "pydantic_js_updates": {
                    "pattern": patterns.COUNTRY_CODE,
                    "description": "ISO 3166-1 country code, alpha-2 or alpha-3 in any case "
                    "(`fr`, `FRA`); answered as upper-case alpha-2.",
                    "examples": ["FR", "rus"],
                }
            },
        )


CountryCode = Annotated[str, _CountryCodeSchema]


class Qualifier(StrEnum):
    EXACT = "exact"
    APPROXIMATELY = "approximately"
    NEARLY = "nearly"
    MORE_THAN = "more_than"
    AT_LEAST = "at_least"
    LESS_THAN = "less_than"
    AT_MOST = "at_most"


class Quantity(BaseModel):
    """A number with its unit and how exactly the source gave it."""

    model_config = ConfigDict(extra="forbid")

    value: float = Field(allow_inf_nan=False, description="The number.")
    unit: str = Field(
        min_length=1,
        max_length=32,
        examples=["USD", "count", "minute"],
        description="Its unit: an ISO 4217 currency code, `count`, `minute`, ...",
    )
    qualifier: Qualifier = Field(
        default=Qualifier.EXACT,
        description="How exact the source says the number is (exact, about, over, ...).",
    )
    text: str | None = Field(default=None, description="The source's own words for it.")


@dataclass(frozen=True, slots=True)
class Ref:
    """Marks a field as a reference to an entity of `kind`; the seed loader checks it exists."""

    kind: str


def as_utc(moment: dt.datetime) -> dt.datetime:
    """A time with its zone: one with none is UTC (as SQLite keeps every time, and as a
    client's `known_at` without a zone is read)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
