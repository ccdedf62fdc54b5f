"""An article read once: its sentences, the people and countries each names, its main pair."""

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field

from spacy.tokens import Span

from app.extract import geo
from app.extract.dates import When, resolve
from app.extract.known import Known
from app.extract.nlp import sentences
from app.extract.people import People, Person

PLACE_LABELS = ("GPE", "NORP", "LOC")


_CLAUSE_OPENING = re.compile(r"(?:^|[,;:]|\bthat)\s*(?:in|on|by|during|since)?\s*$", re.I)


def opens_clause(text: str, at: int) -> bool:
    """Whether the words at `at` open `text` or a clause of it ("Last June, ...", "It is
    expected that in 2020, ..."): a date there is the date of what the clause says."""
    return bool(_CLAUSE_OPENING.search(text[:at]))


@dataclass
class Sentence:
    span: Span
    people: list[Person]
    countries: list[str]
    dates: list[tuple[int, When]] = field(default_factory=list)
    """(offset in the sentence, date) of each date the sentence words."""
    raw: str = ""
    """The span's text, read once (spaCy builds it from the tokens at each reading)."""
    ents: tuple[Span, ...] = ()
    text: str = ""
    """The sentence as cited: its words, without the spaces around them."""
    mentioned: list[Person] = field(default_factory=list)
    """Everyone known by the end of the article that the sentence names, in order."""

    def __post_init__(self) -> None:
        self.raw = self.span.text
        self.ents = tuple(self.span.ents)
        self.text = self.raw.strip()
        self._lower = self.raw.lower()

    def lower(self) -> str:
        return self._lower


@dataclass
class Article:
    text: str
    published: dt.date
    known: Known
    people: People
    sentences: list[Sentence]
    pair: list[str]
    """The two countries the article speaks of most, the main pair of its figures."""


def _countries(span: Span) -> list[str]:
    found: list[str] = []
    for ent in span.ents:
        if ent.label_ in PLACE_LABELS:
            code = geo.country_of(ent.text)
            if code and code not in found:
                found.append(code)
    return found


def read(text: str, published: dt.date, known: Known) -> Article:
    people = People(known)
    found: list[Sentence] = []
    counts: Counter[str] = Counter()
    for span in sentences(text):
        sentence = Sentence(span, people.in_sentence(span), _countries(span))
        for ent in span.ents:
            if ent.label_ == "DATE":
                before = span.doc[ent.start - 1] if ent.start > 0 else None
                if (
                    ent.text.isdigit()
                    and before is not None
                    and before.is_title
                    and not before.is_stop
                ):
                    continue  # a year in a name: "G7 Summit 2019"
                # The words kept with the date take its preposition: "on Monday".
                start = ent.start - (before is not None and before.lower_ in ("on", "from", "in"))
                when = resolve(span.doc[start : ent.end].text, published)
                if when:
                    sentence.dates.append((ent.start_char - span.start_char, when))
        counts.update(sentence.countries)
        found.append(sentence)
    pair = [code for code, _ in counts.most_common(2)]
    for sentence in found:
        sentence.mentioned = people.mentioned(sentence.span)
    return Article(text, published, known, people, found, pair)
