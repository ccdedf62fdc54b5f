"""Checks that a record says what its excerpts say, not only that the excerpts exist.

- A figure's value, unit and qualifier (and its cited change) are read from its excerpts:
  17.2e9 USD `exact` from "US$17.2 billion", `more_than` from "more than US$18 billion".
- A `direct_quote` is only words the source puts in quotation marks; a paraphrase lists
  the words it quotes in `quoted_phrases`, each quoted in the source.
- An event's dates agree with the dates its excerpts give, resolved against the source's
  publication date ("Last June" in an article of August 2019 is June 2019).
- An excerpt that is not found gets a hint: quotation marks of the other kind, or the
  closest passage.

A record whose sources are not read yet waits for `finish`, as references do.
"""

import calendar
import datetime as dt
import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from pydantic import BaseModel
from sqlalchemy import Connection, text

from app.events.models import EventCreate
from app.figures.amounts import BARE, CURRENCIES, PERCENT, Amount, amounts
from app.figures.models import FigureCreate
from app.seeding.errors import SeedError
from app.seeding.parse import RawRecord
from app.sources.models import CitationCreate, SourceCreate
from app.statements.models import StatementCreate, StatementMode
from app.values import PartialDate, Precision, iso_day

TextOf = Callable[[str], str | None]  # source id -> its folded text, None if unknown
# Beyond this many characters of source text, no closest passage is looked for.
NEAR_MISS_TEXT_AT_MOST = 500_000
CLOSE_ENOUGH = 0.6

_QUOTED = re.compile(r"“([^”]+)”|\"([^\"]+)\"")
_QUOTE_MARKS = '“”"'
_STRAIGHTENED = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})
_MONTHS = {name: number for number, name in enumerate(calendar.month_name) if name}
_MONTH = "(?P<month>" + "|".join(_MONTHS) + ")"
_RELATIVE = r"(?:(?P<rel>[Ll]ast|[Tt]his|[Nn]ext)\s+)?"
# Every date starts a word with a digit, a month's capital or a relative word: the lookahead
# turns every other position away before the alternatives are tried (docs/BENCHMARKS.md).
_DATES = re.compile(
    r"\b(?=[0-9JFMASONDLlTtNn])(?:"
    rf"(?P<d1>\d{{1,2}})\s+{_MONTH},?(?:\s+(?P<y1>\d{{4}}))?"
    r"|"
    + _MONTH.replace("month", "month2")
    + r"\s+(?P<d2>\d{1,2})(?:\s*[-–]\s*(?P<d3>\d{1,2}))?\b(?:,?\s+(?P<y2>\d{4}))?"
    r"|" + _RELATIVE + _MONTH.replace("month", "month3") + r"(?:\s+(?P<y3>\d{4}))?\b"
    r"|\b(?P<y4>(?:19|20)\d{2})\b"
    r"|\b(?P<rel2>[Ll]ast|[Tt]his|[Nn]ext) year\b)"
)


def fold(words: str) -> str:
    return " ".join(words.split())


def _strip_quotes(words: str) -> str:
    return fold(words).strip(_QUOTE_MARKS + " ").rstrip(".,;:!?").strip(_QUOTE_MARKS + " ")


def quoted_spans(words: str) -> list[str]:
    """The words in double quotation marks (curly or straight)."""
    return [fold(a or b) for a, b in _QUOTED.findall(words)]


def near_miss(excerpt: str, source_text: str) -> str:
    """Why an excerpt not found in `source_text` (folded) may have missed, or ""."""
    wanted = fold(excerpt)
    if wanted.translate(_STRAIGHTENED) in source_text.translate(_STRAIGHTENED):
        return "hint: the quotation marks or apostrophes differ (curly ’ “ ” vs straight ' \")"
    if len(source_text) > NEAR_MISS_TEXT_AT_MOST or not wanted:
        return ""
    matcher = difflib.SequenceMatcher(None, source_text, wanted, autojunk=False)
    anchor = matcher.find_longest_match(0, len(source_text), 0, len(wanted))
    start = max(0, anchor.a - anchor.b)
    passage = source_text[start : start + len(wanted)]
    if difflib.SequenceMatcher(None, passage, wanted).ratio() < CLOSE_ENOUGH:
        return ""
    return f'hint: the closest passage is "{passage}"'


@dataclass(frozen=True, slots=True)
class DateMention:
    words: str
    first: dt.date
    last: dt.date

    def overlaps(self, first: dt.date, last: dt.date) -> bool:
        return self.first <= last and first <= self.last


def _year_for(month: int, rel: str | None, published: PartialDate | None) -> int | None:
    if published is None:
        return None
    year, known_month = published.first.year, published.precision is not Precision.YEAR
    rel = (rel or "").lower()
    if rel == "last" and known_month and month >= published.first.month:
        return year - 1
    if rel == "next" and known_month and month <= published.first.month:
        return year + 1
    return year


def date_mentions(words: str, published: PartialDate | None) -> list[DateMention]:
    """The dates `words` give, each as the interval of days it covers; a date without a
    year takes it from `published`, and is left out when that is unknown."""
    found = []
    for match in _DATES.finditer(words):
        groups = match.groupdict()
        month_name = groups["month"] or groups["month2"] or groups["month3"]
        year_text = groups["y1"] or groups["y2"] or groups["y3"] or groups["y4"]
        if groups["rel2"]:
            if published is None:
                continue
            shift = {"last": -1, "this": 0, "next": 1}[groups["rel2"].lower()]
            year = published.first.year + shift
            found.append(DateMention(match[0], dt.date(year, 1, 1), dt.date(year, 12, 31)))
            continue
        if month_name is None:
            year = int(year_text)
            found.append(DateMention(match[0], dt.date(year, 1, 1), dt.date(year, 12, 31)))
            continue
        month = _MONTHS[month_name]
        resolved = int(year_text) if year_text else _year_for(month, groups["rel"], published)
        if resolved is None:
            continue
        days = calendar.monthrange(resolved, month)[1]
        first_day = groups["d1"] or groups["d2"]
        try:
            if first_day is None:
                first, last = dt.date(resolved, month, 1), dt.date(resolved, month, days)
            else:
                first = dt.date(resolved, month, int(first_day))
                last = dt.date(resolved, month, int(groups["d3"] or first_day))
        except ValueError:
            continue  # "August 45": not a date
        found.append(DateMention(match[0], first, last))
    return found


@dataclass
class Semantics:
    """The semantic checks of one load; `connection` (or None) holds the stored sources."""

    connection: Connection | None
    published: dict[str, PartialDate | None] = field(default_factory=dict)
    waiting: list[tuple[RawRecord, BaseModel]] = field(default_factory=list)

    def check(self, raw: RawRecord, model: BaseModel, text_of: TextOf) -> list[SeedError]:
        """The errors of one record, or none yet if it waits for a source."""
        if isinstance(model, SourceCreate):
            self.published[model.id] = model.published
            return []
        if not isinstance(model, FigureCreate | StatementCreate | EventCreate):
            return []
        if any(text_of(source) is None for source in _sources(raw, model.citations)):
            self.waiting.append((raw, model))
            return []
        return self._errors(raw, model, text_of)

    def finish(self, text_of: TextOf) -> list[SeedError]:
        """The errors of the records that waited; those citing unknown sources are told
        so by the reference checks."""
        errors = []
        for raw, model in self.waiting:
            citations = model.citations  # type: ignore[attr-defined]
            if all(text_of(source) is not None for source in _sources(raw, citations)):
                errors += self._errors(raw, model, text_of)
        return errors

    def _errors(self, raw: RawRecord, model: BaseModel, text_of: TextOf) -> list[SeedError]:
        if isinstance(model, FigureCreate):
            return _figure(raw, model)
        if isinstance(model, StatementCreate):
            return _statement(raw, model, text_of)
        assert isinstance(model, EventCreate)
        return self._event(raw, model)

    def _published(self, source_id: str) -> PartialDate | None:
        if source_id not in self.published and self.connection is not None:
            row = self.connection.execute(
                text(
                    "SELECT published_first, published_last, published_precision "
                    "FROM source WHERE id = :id"
                ),
                {"id": source_id},
            ).one_or_none()
            self.published[source_id] = (
                PartialDate.required(_day(row[0]), _day(row[1]), row[2])
                if row and row[0] is not None
                else None
            )
        return self.published.get(source_id)

    def _event(self, raw: RawRecord, model: EventCreate) -> list[SeedError]:
        errors = []
        first, last = model.start.first, (model.end or model.start).last
        shown = f"{model.start}" + (f" to {model.end}" if model.end else "")
        for index, citation in enumerate(model.citations):
            source = citation.source or raw.default_source
            published = self._published(source) if source else None
            mentions = date_mentions(citation.excerpt, published)
            if mentions and not any(m.overlaps(first, last) for m in mentions):
                said = ", ".join(f'"{m.words}" ({_span(m)})' for m in mentions)
                errors.append(
                    raw.error(
                        (*raw.loc, "start"),
                        f"the event is dated {shown}, but citations[{index}] gives {said}",
                    )
                )
        for name, words, date in (
            ("start_text", model.start_text, model.start),
            ("end_text", model.end_text, model.end),
        ):
            if not words or date is None or not model.citations:
                continue
            source = model.citations[0].source or raw.default_source
            mentions = date_mentions(words, self._published(source) if source else None)
            if mentions and not any(m.overlaps(date.first, date.last) for m in mentions):
                said = ", ".join(f'"{m.words}" ({_span(m)})' for m in mentions)
                errors.append(raw.error((*raw.loc, name), f"{said} is not {date}"))
        return errors


def _day(value: object) -> dt.date:
    """A date column's value, as the driver gives it (a date, or ISO text on SQLite)."""
    return dt.date.fromisoformat(iso_day(value))


def _span(mention: DateMention) -> str:
    if mention.first == mention.last:
        return mention.first.isoformat()
    return f"{mention.first.isoformat()} to {mention.last.isoformat()}"


def _sources(raw: RawRecord, citations: list[CitationCreate]) -> set[str]:
    return {s for c in citations if (s := c.source or raw.default_source) is not None}


def _units_agree(figure_unit: str, amount: Amount) -> bool:
    return amount.unit == figure_unit or (
        amount.unit == BARE and figure_unit not in CURRENCIES.values()
    )


def _figure(raw: RawRecord, model: FigureCreate) -> list[SeedError]:
    """The figure's value, unit and qualifier as one amount of its excerpts."""
    if not model.citations:
        return []  # a derived figure: computed, not read
    found = [a for c in model.citations for a in amounts(c.excerpt)]
    given = model.value
    loc = (*raw.loc, "value")
    same_value = [a for a in found if a.unit != PERCENT and _equal(a.value, given.value)]
    errors = []
    if not same_value:
        said = ", ".join(f'"{a}"' for a in found if a.unit != PERCENT) or "no amount"
        message = f"{given.value:g} {given.unit} is not in the excerpts (they give {said})"
        errors.append(raw.error((*loc, "value"), message))
    elif not (same_unit := [a for a in same_value if _units_agree(given.unit, a)]):
        said = ", ".join(f'"{a}" ({a.unit})' for a in same_value)
        errors.append(raw.error((*loc, "unit"), f"unit {given.unit}, but the excerpts give {said}"))
    elif not any(a.qualifier is given.qualifier for a in same_unit):
        amount = same_unit[0]
        message = (
            f'the excerpt says "{amount}": qualifier `{amount.qualifier.value}`, '
            f"not `{given.qualifier.value}`"
        )
        errors.append(raw.error((*loc, "qualifier"), message))
    if given.text and not any(fold(given.text) in fold(c.excerpt) for c in model.citations):
        errors.append(raw.error((*loc, "text"), f'"{given.text}" is not in the excerpts'))
    change = model.change
    if change is not None and not any(
        a.unit == PERCENT and _equal(a.value, abs(change.percent)) for a in found
    ):
        message = f"{change.percent:g}% is not in the excerpts"
        errors.append(raw.error((*raw.loc, "change", "percent"), message))
    return errors


def _equal(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(abs(a), abs(b), 1.0)


def _statement(raw: RawRecord, model: StatementCreate, text_of: TextOf) -> list[SeedError]:
    texts = [t for s in sorted(_sources(raw, model.citations)) if (t := text_of(s)) is not None]
    spans = [span for t in texts for span in quoted_spans(t)]
    errors = []
    if model.mode is StatementMode.DIRECT_QUOTE:
        words = _strip_quotes(model.text)
        inner = quoted_spans(model.text)
        if any(mark in words for mark in _QUOTE_MARKS):
            listed = ", ".join(f'"{q}"' for q in inner)
            message = (
                "a direct quote is only the quoted words; this one wraps quoted words in "
                f"others: make it a `paraphrase` with `quoted_phrases: [{listed}]`"
            )
            errors.append(raw.error((*raw.loc, "text"), message))
        elif not any(words in t for t in texts):
            hint = next((h for t in texts if (h := near_miss(words, t))), "")
            message = "not in the source verbatim" + (f"; {hint}" if hint else "")
            errors.append(raw.error((*raw.loc, "text"), message))
        elif not any(words in span for span in spans):
            message = "the source does not put these words in quotation marks: a `paraphrase`"
            errors.append(raw.error((*raw.loc, "mode"), message))
    else:
        for quoted in quoted_spans(model.text):
            if _strip_quotes(quoted) not in map(_strip_quotes, model.quoted_phrases):
                message = f'the text quotes "{quoted}": list it in `quoted_phrases`'
                errors.append(raw.error((*raw.loc, "quoted_phrases"), message))
    for index, phrase in enumerate(model.quoted_phrases):
        if model.mode is StatementMode.DIRECT_QUOTE:
            message = "a direct quote has no `quoted_phrases`: its text is the quote"
            errors.append(raw.error((*raw.loc, "quoted_phrases", index), message))
        elif not any(_strip_quotes(phrase) in span for span in spans):
            message = f'"{phrase}" is not in quotation marks in the source'
            errors.append(raw.error((*raw.loc, "quoted_phrases", index), message))
    return errors
