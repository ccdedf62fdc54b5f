"""Dates as an article words them, resolved against its publication date at their true
precision ("last June" is a month, "on Monday" a day), the relative words kept."""

import datetime as dt
import re
from dataclasses import dataclass

import dateparser

_SETTINGS = {"PREFER_DAY_OF_MONTH": "first", "RETURN_AS_TIMEZONE_AWARE": False}
MONTHS = {
    name: number
    for number, names in enumerate(
        (
            "jan january",
            "feb february",
            "mar march",
            "apr april",
            "may",
            "jun june",
            "jul july",
            "aug august",
            "sep sept september",
            "oct october",
            "nov november",
            "dec december",
        ),
        start=1,
    )
    for name in names.split()
}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
NUMBER_WORDS = {
    w: n
    for n, w in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
        ]
    )
}
_LEAD = re.compile(r"^(?:on|in|from|since|during|by|of|over|the|early|late|mid)\s+", re.I)
_RANGE = re.compile(
    r"^(?:(?P<m1>[a-z]+)\s+)?(?P<d1>\d{1,2})(?:st|nd|rd|th)?\s*(?:-|–|to|and|until)\s*"
    r"(?:(?P<m2>[a-z]+)\s+)?(?P<d2>\d{1,2})(?:st|nd|rd|th)?(?:\s+(?P<m3>[a-z]+))?"
    r"(?:,?\s+(?P<y>\d{4}))?$"
)
_AGO = re.compile(r"^(?:(?:the\s+)?(?:past|last)\s+(?P<n>\w+)\s+years?|(?P<m>\w+)\s+years?\s+ago)$")


@dataclass(frozen=True)
class When:
    start: str
    end: str | None = None
    text: str | None = None
    """The source's words, kept when they are relative (no year printed)."""


def _month(value: str | None) -> int | None:
    return MONTHS.get(value.lower().rstrip(".")) if value else None


def _partial(day: dt.date, precision: str) -> str:
    return {"year": f"{day:%Y}", "month": f"{day:%Y-%m}", "day": f"{day:%Y-%m-%d}"}[precision]


def resolve(words: str, published: dt.date) -> When | None:
    """The date `words` state, or None when they state none a record can hold."""
    text = words.strip().strip(",.")
    core = text.lower().replace("’", "'")
    while _LEAD.match(core):
        core = _LEAD.sub("", core, count=1)
    relative = re.search(r"\b\d{4}\b", core) is None
    kept = text if relative else None
    found = _simple(core, published)
    if found is not None:
        return When(found, None, kept)
    span = _RANGE.match(core)
    if span:
        month1 = _month(span["m1"]) or _month(span["m3"]) or _month(span["m2"])
        month2 = _month(span["m2"]) or month1
        if month1 is None or month2 is None:
            return None
        year = int(span["y"]) if span["y"] else published.year
        try:
            start = dt.date(year, month1, int(span["d1"]))
            end = dt.date(year, month2, int(span["d2"]))
        except ValueError:
            return None
        return When(_partial(start, "day"), _partial(end, "day"), kept)
    return _parsed(core, published, kept)


def _simple(core: str, published: dt.date) -> str | None:
    year = published.year
    if re.fullmatch(r"\d{4}", core):
        return core
    shift = {"last year": -1, "this year": 0, "next year": 1, "a year ago": -1}
    if core in shift:
        return str(year + shift[core])
    ago = _AGO.match(core)
    words = ago and (ago["n"] or ago["m"])
    if words and (words in NUMBER_WORDS or words.isdigit()):
        count = NUMBER_WORDS.get(words) or int(words)
        return str(year - count)
    if core in ("last month", "this month", "next month"):
        month = published.month + {"last": -1, "this": 0, "next": 1}[core.split()[0]]
        return _partial(dt.date(year + (month - 1) // 12, (month - 1) % 12 + 1, 1), "month")
    which, _, name = core.partition(" ")
    if which in ("last", "this", "next") and _month(name):
        month = _month(name) or 1
        if which == "last":
            year -= month >= published.month
        elif which == "next":
            year += month <= published.month
        return f"{year}-{month:02d}"
    weekday = core if core in WEEKDAYS else name if which in ("last", "this") else None
    if weekday in WEEKDAYS:
        back = (published.weekday() - WEEKDAYS.index(weekday)) % 7 or 7 * (which == "last")
        return _partial(published - dt.timedelta(days=back), "day")
    month_year = re.fullmatch(r"([a-z]+)\.?,?\s*(\d{4})?", core)
    if month_year and _month(month_year[1]):
        return f"{month_year[2] or year}-{_month(month_year[1]):02d}"
    return None


def _parsed(core: str, published: dt.date, kept: str | None) -> When | None:
    has_month = any(word in MONTHS for word in re.findall(r"[a-z]+", core))
    if not (has_month or re.search(r"\b\d{4}\b|yesterday|today|tomorrow", core)):
        return None  # "24 years", "three-day": a length of time, not a date
    base = dt.datetime.combine(published, dt.time())
    found = dateparser.parse(
        core,
        languages=["en"],
        settings={**_SETTINGS, "RELATIVE_BASE": base},  # type: ignore[arg-type]
    )
    if found is None:
        return None
    has_day = bool(re.search(r"\b\d{1,2}(st|nd|rd|th)?\b|yesterday|today|tomorrow", core))
    precision = (
        "day"
        if has_day and (has_month or not re.search(r"\d{4}", core))
        else ("month" if has_month else "year")
    )
    return When(_partial(found.date(), precision), None, kept)
