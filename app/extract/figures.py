"""Figures: trade, investment, companies, planned events, leader meetings, with value, unit,
currency, qualifier, period and change ("US$17.2 billion last year, an increase of 11%")."""

import re
from dataclasses import dataclass
from typing import Any

import pycountry

from app.extract import geo
from app.extract.article import Article, Sentence, opens_clause
from app.extract.dates import NUMBER_WORDS, When

METRICS = [
    ("bilateral_trade", r"\btrade\b|\bturnover\b"),
    ("fdi_stock", r"\binvest(?:ment|ed|ors?)\b"),
    ("companies_operating", r"\b(?:companies|businesses|firms|enterprises|joint ventures)\b"),
    ("planned_cultural_events", r"\b(?:activities|events|festivals?|exhibitions?|concerts?)\b"),
    ("leader_meetings", r"\bmet\b[^.]*?\btimes\b"),
]
CURRENCIES = [
    ("USD", r"US\$|\$|USD|dollars?"),
    ("EUR", r"€|EUR|euros?"),
    ("GBP", r"£|GBP|pounds?"),
    ("CNY", r"yuan|RMB|CNY"),
    ("RUB", r"roubles?|rubles?"),
    ("JPY", r"yen|JPY"),
    ("INR", r"rupees?"),
]
SCALES = {"thousand": 1e3, "million": 1e6, "mn": 1e6, "billion": 1e9, "bn": 1e9, "trillion": 1e12}
QUALIFIERS = {
    "more than": "more_than",
    "over": "more_than",
    "above": "more_than",
    "nearly": "nearly",
    "almost": "nearly",
    "about": "approximately",
    "around": "approximately",
    "some": "approximately",
    "roughly": "approximately",
    "approximately": "approximately",
    "at least": "at_least",
    "less than": "less_than",
    "under": "less_than",
    "up to": "at_most",
    "at most": "at_most",
}
_Q = "|".join(sorted(QUALIFIERS, key=len, reverse=True))
_NUMBER = re.compile(
    rf"^(?P<q>{_Q})?\s*(?P<cur1>US\$|\$|€|£)?\s*(?P<n>[\d,.]+|[a-z]+)"
    rf"\s*(?P<scale>thousand|million|billion|trillion|bn|mn)?",
    re.I,
)


@dataclass
class Figure:
    metric: str
    country: str
    partner: str
    period: When
    value: dict[str, Any]
    change: dict[str, Any] | None
    label: str | None
    citation: str


def _dollar(words: str) -> str | None:
    """ "Australian dollars" is AUD, "Canadian dollars" CAD: a country's dollar is its code and
    D, where ISO 4217 has it."""
    named = re.search(r"\b([A-Z][a-z]+(?: [A-Z][a-z]+)?) dollars?\b", words)
    code = geo.country_by_adjective(named[1]) if named else None
    currency = pycountry.currencies.get(alpha_3=f"{code}D") if code else None
    return str(currency.alpha_3) if currency else None


def parse_quantity(words: str, after: str) -> dict[str, Any] | None:
    match = _NUMBER.match(words.strip())
    if not match:
        return None
    raw = match["n"].lower()
    if raw in NUMBER_WORDS:
        number: float = NUMBER_WORDS[raw]
    else:
        try:
            number = float(raw.replace(",", ""))
        except ValueError:
            return None
    number *= SCALES.get((match["scale"] or "").lower(), 1)
    tail = words[match.end() :] + " " + after[:12]
    unit = _dollar(tail) or "count"
    for code, pattern in [] if unit != "count" else CURRENCIES:
        if re.search(pattern, (match["cur1"] or "") + " " + tail):
            unit = code
            break
    value: dict[str, Any] = {
        "value": int(number) if number == int(number) else number,
        "unit": unit,
        "qualifier": QUALIFIERS.get((match["q"] or "").lower(), "exact"),
        "text": words.strip(),
    }
    return value


def _metric(text: str, offset: int) -> str | None:
    best: tuple[int, str] | None = None
    for metric, pattern in METRICS:
        for match in re.finditer(pattern, text, re.I):
            distance = offset - match.start() if match.start() < offset else 1000 + match.start()
            if best is None or distance < best[0]:
                best = (distance, metric)
    return best[1] if best else None


def _change(sentence: Sentence, period: When) -> dict[str, Any] | None:
    for ent in sentence.ents:
        if ent.label_ != "PERCENT":
            continue
        around = sentence.raw.lower()
        number = re.search(r"[\d.]+", ent.text)
        if not number:
            return None
        sign = -1 if re.search(r"\b(?:decrease|decline|down|fell|fall|drop)", around) else 1
        compared = re.search(r"(?:compared (?:to|with)|from|over|than(?: in)?) (\d{4})", around)
        if compared:
            relative = compared[1]
        elif len(period.start) == 4:
            relative = str(int(period.start) - 1)
        else:
            return None
        return {"percent": sign * float(number[0]), "relative_to": relative}
    return None


def _period(sentence: Sentence, offset: int, numbers: list[int]) -> When | None:
    """The date of the number at `offset`: the first after it before the next number
    ("US$17.2 billion last year"), else the last before it with no number between ("In
    2020, ... about 270"); a number with no date of its own is of the article's date."""
    following = [at for at in numbers if at > offset]
    stop = min(following) if following else 10**9
    after = [when for at, when in sorted(sentence.dates) if offset < at < stop]
    if after:
        return after[0]
    preceding = [at for at in numbers if at < offset]
    start = max(preceding) if preceding else -1
    text = sentence.raw
    before = [
        when
        for at, when in sorted(sentence.dates)
        if start < at < offset
        and not re.search(r"\b(?:compared (?:to|with)|than|from|since)\s*$", text[:at])
        and (opens_clause(text, at) or "," not in text[at:offset])
    ]
    return before[-1] if before else None


def find_figures(article: Article) -> list[Figure]:
    found: list[Figure] = []
    fallback = When(article.published.strftime("%Y-%m"))
    for sentence in article.sentences:
        seen: set[str] = set()
        text = sentence.raw
        numbers = [
            e.start_char - sentence.span.start_char
            for e in sentence.ents
            if e.label_ in ("MONEY", "CARDINAL", "QUANTITY", "PERCENT")
        ]
        for ent in sentence.ents:
            if ent.label_ not in ("MONEY", "CARDINAL", "QUANTITY"):
                continue
            offset = ent.start_char - sentence.span.start_char
            metric = _metric(text, offset)
            if metric is None or metric in seen:
                continue
            after = text[offset + len(ent.text) :]
            if metric == "leader_meetings" and not after.lstrip().startswith("times"):
                continue
            value = parse_quantity(ent.text, after)
            if value is None or value["value"] < 2:
                continue
            if metric in ("bilateral_trade", "fdi_stock") and value["unit"] == "count":
                continue
            if metric == "leader_meetings":
                value["text"] = f"{ent.text} times"
            seen.add(metric)
            period = _period(sentence, offset, numbers) or fallback
            countries = sentence.countries + [
                c for c in article.pair if c not in sentence.countries
            ]
            if len(countries) < 2:
                continue
            found.append(
                Figure(
                    metric,
                    countries[0],
                    countries[1],
                    period,
                    value,
                    _change(sentence, period) if metric == "bilateral_trade" else None,
                    None,
                    sentence.text,
                )
            )
    return found
