"""Figures: trade, investment, companies, planned events, leader meetings, with value, unit,
currency, qualifier, period and change ("US$17.2 billion last year, an increase of 11%")."""

import re
from dataclasses import dataclass
from typing import Any

from app.extract.article import Article, Sentence, opens_clause
from app.extract.dates import When
from app.figures.amounts import BARE, PERCENT, amounts
from app.figures.models import Metric

METRICS = [
    (Metric.BILATERAL_TRADE, r"\btrade\b|\bturnover\b"),
    (Metric.FDI_STOCK, r"\binvest(?:ment|ed|ors?)\b"),
    (Metric.COMPANIES_OPERATING, r"\b(?:companies|businesses|firms|enterprises|joint ventures)\b"),
    (
        Metric.PLANNED_CULTURAL_ACTIVITIES,
        r"\b(?:activities|events|festivals?|exhibitions?|concerts?)\b",
    ),
    (Metric.LEADER_MEETINGS, r"\bmet\b[^.]*?\btimes\b"),
]
# A currency written as a word that app.figures.amounts (and so `entente validate`) does
# not read ("CFA francs"): a figure in it would not validate, so none is drafted.
_CURRENCY_WORD = re.compile(
    r"^\s*(?:(?:[A-Z][a-z]+|US|U\.S\.)\s+){0,2}(?:dollars?|euros?|pounds?|yuan|renminbi|roubles?|rubles?|yen|"
    r"rupees?|won|dong|francs?|reais|real|lira|riyals?)\b"
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


def parse_quantity(words: str, after: str) -> dict[str, Any] | None:
    """The quantity `words` give ("more than US$18 billion", "about 270", "five"), with
    the currency the words after them name ("40 billion" "euros"), read as `entente
    validate` reads it (app.figures.amounts); None when it is not one amount or its
    currency is a word that reading does not know ("CFA francs")."""
    found = [a for a in amounts(words) if a.unit != PERCENT]
    if len(found) != 1:
        return None
    amount = found[0]
    named = _CURRENCY_WORD.match(after)
    if amount.unit == BARE and named:
        longer = [a for a in amounts(words + named[0]) if a.unit != PERCENT]
        if len(longer) != 1 or longer[0].unit == BARE:
            return None
        amount, words = longer[0], words + named[0]
    value = int(amount.value) if amount.value == int(amount.value) else amount.value
    return {"value": value, "unit": amount.unit, "qualifier": amount.qualifier.value,
            "text": words.strip()}  # fmt: skip


def _metric(text: str, offset: int) -> str | None:
    best: tuple[int, str] | None = None
    for metric, pattern in METRICS:
        for match in re.finditer(pattern, text, re.I):
            distance = offset - match.start() if match.start() < offset else 1000 + match.start()
            if best is None or distance < best[0]:
                best = (distance, metric.value)
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
            money = metric in ("bilateral_trade", "fdi_stock")
            if money != (value["unit"] != "count"):
                continue  # a sum of money is no count of companies, nor a count a trade
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
