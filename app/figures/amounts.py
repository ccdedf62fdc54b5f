"""Amounts as a source writes them ("more than US$18 billion", "about 270", "five times",
"11%", "about 40 billion euros", "46 billion Australian dollars"): value, unit, qualifier
and the precision the words give.

Number words are read by text2num; currency names by pycountry's table of currencies; the
rest (currency signs, scale words, the words that qualify an amount) by the patterns below.
"""

import math
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

import pycountry
from text_to_num import alpha2digit

from app.values import Qualifier, Quantity

CURRENCIES = {"US$": "USD", "$": "USD", "USD": "USD", "€": "EUR", "EUR": "EUR", "£": "GBP"}
# A currency named after the amount without a country's word ("40 billion euros"): the
# one news mean by it. Pycountry's names give the others ("Australian dollars": AUD).
CURRENCY_WORDS = {
    "dollar": "USD",
    "euro": "EUR",
    "yen": "JPY",
    "yuan": "CNY",
    "renminbi": "CNY",
    "won": "KRW",
    "ruble": "RUB",
    "rouble": "RUB",
    "rupee": "INR",
    "lira": "TRY",
    "dong": "VND",
    "ringgit": "MYR",
    "riyal": "SAR",
    "dirham": "AED",
    "pound sterling": "GBP",
}
_MONEY_WORDS = "dollar|euro|yen|yuan|renminbi|won|ruble|rouble|rupee|pound|franc|real|reai|lira|"
_MONEY_WORDS += "dong|ringgit|peso|rand|riyal|dirham"
SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
PERCENT = "percent"
BARE = "count"  # the unit of a number written without one
# Words before an amount -> its qualifier (longest first, so "no more than" wins).
QUALIFIER_WORDS = {
    "no more than": Qualifier.AT_MOST,
    "more than": Qualifier.MORE_THAN,
    "over": Qualifier.MORE_THAN,
    "above": Qualifier.MORE_THAN,
    "in excess of": Qualifier.MORE_THAN,
    "at least": Qualifier.AT_LEAST,
    "no less than": Qualifier.AT_LEAST,
    "less than": Qualifier.LESS_THAN,
    "fewer than": Qualifier.LESS_THAN,
    "under": Qualifier.LESS_THAN,
    "below": Qualifier.LESS_THAN,
    "at most": Qualifier.AT_MOST,
    "up to": Qualifier.AT_MOST,
    "about": Qualifier.APPROXIMATELY,
    "around": Qualifier.APPROXIMATELY,
    "approximately": Qualifier.APPROXIMATELY,
    "roughly": Qualifier.APPROXIMATELY,
    "some": Qualifier.APPROXIMATELY,
    "nearly": Qualifier.NEARLY,
    "almost": Qualifier.NEARLY,
    "close to": Qualifier.NEARLY,
}
_QUALIFIER = re.compile(
    r"\b(" + "|".join(sorted(map(re.escape, QUALIFIER_WORDS), key=len, reverse=True)) + r")\s+$",
    re.IGNORECASE,
)
_AMOUNT = re.compile(
    r"(?P<currency>US\$|\$|€|£|\bUSD\s?|\bEUR\s?)?"
    r"(?<![\w.,])(?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?![\w,]\d)"
    r"(?:\s*(?P<percent>%|\bper\s?cent\b)|\s+(?P<scale>thousand|million|billion|trillion)\b)?"
    r"(?:\s+(?P<money>(?:(?:[A-Z][\w.]*|U\.S\.)\s+){0,2}?"
    rf"(?i:{_MONEY_WORDS})(?:e?s)?(?:\s+sterling)?)\b)?",
    re.IGNORECASE,
)
_SCALE_AFTER_DIGITS = re.compile(r"(\d)\s+(thousand|million|billion|trillion)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Amount:
    value: float
    unit: str  # a currency code, "percent", or "count" for a bare number
    qualifier: Qualifier
    text: str  # the words as found (number words as digits)
    significant_figures: int  # as written: "17.2" 3, "600" 3, "18" 2
    step: float  # the place value of the last digit written: "17.2 billion" 1e8

    def __str__(self) -> str:
        return self.text


@cache
def _currency_names() -> dict[str, str]:
    """Lower-case currency names ("australian dollar", "swiss franc") -> ISO code."""
    names = {
        c.name.lower(): c.alpha_3
        for c in pycountry.currencies
        if "(" not in c.name and not c.name.startswith(("WIR", "Bond"))
    }
    return names | {"us dollar": "USD", "u.s. dollar": "USD", "american dollar": "USD"}


_AMBIGUOUS = {"won", "dong", "rand", "real", "pound", "franc"}


def currency_of(words: str, scaled: bool = True) -> str | None:
    """The ISO code of a currency as news name it after an amount ("euros", "Australian
    dollars", "US dollars", "pounds sterling"); None when the words do not say which, or
    when a lone word is also an English word and no scale word precedes it ("in 2016 won")."""
    name = re.sub(r"\s+", " ", words.strip().lower())
    name = re.sub(r"(?<=ee)s$|(?<=[^s])s$|(?<=reai)s$", "", name).replace("reai", "real")
    name = name.replace("pounds sterling", "pound sterling").replace("rouble", "ruble")
    qualifier, _, word = name.rpartition(" ")
    if name in _currency_names() and (qualifier or scaled or word not in _AMBIGUOUS):
        return _currency_names()[name]
    # "40 billion Russian roubles", "the 5 million dollars": the words before it are not
    # a currency's country, or are the plain one.
    if not qualifier and not scaled and word in _AMBIGUOUS:
        return None
    if not qualifier or qualifier in ("us", "u.s.", "american"):
        return CURRENCY_WORDS.get(word) or _currency_names().get(word)
    return None


def _read(text: str) -> list[Amount]:
    found = []
    for match in _AMOUNT.finditer(text):
        number = match["number"].replace(",", "")
        digits = Decimal(number)
        scale = SCALES[match["scale"].lower()] if match["scale"] else 1.0
        exponent = digits.as_tuple().exponent
        assert isinstance(exponent, int)
        significant = len(number.replace(".", "").lstrip("0")) or 1
        money = currency_of(match["money"], bool(match["scale"])) if match["money"] else None
        if match["percent"]:
            unit = PERCENT
        elif match["currency"]:
            unit = CURRENCIES[match["currency"].strip().upper()]
        else:
            unit = money or BARE
        end = match.end() if money or not match["money"] else match.start("money")
        before = _QUALIFIER.search(text[: match.start()])
        qualifier = QUALIFIER_WORDS[before[1].lower()] if before else Qualifier.EXACT
        words = (before[0] if before else "") + text[match.start() : end].rstrip()
        found.append(
            Amount(
                value=float(digits) * scale,
                unit=unit,
                qualifier=qualifier,
                text=words.strip(),
                significant_figures=significant,
                step=10.0**exponent * scale,
            )
        )
    return found


def amounts(text: str) -> list[Amount]:
    """Every amount in `text`, in order; number words ("five") read as digits."""
    # text2num would read "18 billion" as "18 1000000000": scale words after digits are
    # set aside as tokens it does not know, and put back.
    names = list(SCALES)
    protected = _SCALE_AFTER_DIGITS.sub(
        lambda m: f"{m[1]} _scale{names.index(m[2].lower())}_", text
    )
    digits = alpha2digit(protected, "en")
    return _read(re.sub(r"_scale(\d)_", lambda m: names[int(m[1])], digits))


def rounding_bounds(amount: float, step: float, unit: str) -> tuple[float, float]:
    """The interval a value written to `step` stands for (17.2 billion: 17.15 to 17.25
    billion); a count is a whole number."""
    low, high = amount - step / 2, amount + step / 2
    if unit == BARE:
        return float(math.ceil(low)), float(math.floor(high))
    return low, high


def bounds(
    value: float, qualifier: Qualifier, step: float | None, unit: str
) -> tuple[float | None, float | None]:
    """What the words allow: an exact value to its last digit, a floor for "more than", a
    ceiling for "less than" or "nearly"; nothing for "about"."""
    if qualifier in (Qualifier.MORE_THAN, Qualifier.AT_LEAST):
        return value, None
    if qualifier in (Qualifier.LESS_THAN, Qualifier.AT_MOST, Qualifier.NEARLY):
        return None, value
    if qualifier is Qualifier.EXACT and step is not None:
        return rounding_bounds(value, step, unit)
    return None, None


def significant_place(low: float, value: float, high: float) -> float:
    """The place value a number known within [low, high] is rounded to: that of the leading
    digit of its uncertainty (15.4955e9 within +-0.115e9: 1e8)."""
    uncertainty = max(high - value, value - low)
    if uncertainty <= 0:
        return 1.0
    return float(10.0 ** math.floor(math.log10(uncertainty)))


def round_to(value: float, place: float) -> float:
    return round(value / place) * place


def figures_of(value: float, place: float) -> int:
    """The significant figures of `value` rounded to `place`."""
    if value == 0:
        return 1
    return max(1, math.floor(math.log10(abs(value))) - math.floor(math.log10(place)) + 1)


def written_precision(
    quantity: Quantity, excerpts: list[str]
) -> tuple[int | None, float | None, float | None]:
    """`(significant figures, low, high)` of a cited value, from its words (`text`, else the
    excerpt amount equal to it); None where the words do not tell."""
    words = [quantity.text] if quantity.text else excerpts
    for amount in (a for w in words for a in amounts(w)):
        if amount.unit != PERCENT and math.isclose(amount.value, quantity.value, rel_tol=1e-9):
            low, high = bounds(quantity.value, quantity.qualifier, amount.step, quantity.unit)
            return amount.significant_figures, low, high
    low, high = bounds(quantity.value, quantity.qualifier, None, quantity.unit)
    return None, low, high


@dataclass(frozen=True, slots=True)
class Implied:
    """The earlier value a change implies, rounded to what its inputs allow."""

    value: float
    significant_figures: int
    low: float | None
    high: float | None


def _step_of(number: float) -> float:
    """The place value of the last digit of `number` as written (11: 1, 11.5: 0.1)."""
    exponent = Decimal(repr(number)).normalize().as_tuple().exponent
    assert isinstance(exponent, int)
    return float(10.0 ** min(exponent, 0))


def implied_before(
    value: float,
    low: float | None,
    high: float | None,
    percent: float,
    significant_figures: int | None,
) -> Implied:
    """The value before a change of `percent` that led to `value` (known within
    [low, high]): 17.2 billion (17.15 to 17.25) after +11% (10.5 to 11.5) was 15.5 billion,
    between 15.38 and 15.62 billion."""
    exact = value / (1 + percent / 100)
    step = _step_of(percent)
    if low is None or high is None:
        percent_digits = len(Decimal(repr(abs(percent))).normalize().as_tuple().digits)
        digits = min(significant_figures or percent_digits, percent_digits)
        place = 10.0 ** (math.floor(math.log10(abs(exact))) - digits + 1) if exact else 1.0
        rounded = round_to(exact, place)
        return Implied(rounded, figures_of(rounded, place), None, None)
    lowest = low / (1 + (percent + step / 2) / 100)
    highest = high / (1 + (percent - step / 2) / 100)
    place = significant_place(lowest, exact, highest)
    rounded = round_to(exact, place)
    finer = place / 10
    return Implied(
        rounded,
        figures_of(rounded, place),
        math.floor(lowest / finer) * finer,
        math.ceil(highest / finer) * finer,
    )
