"""Currencies named in words after an amount (app/figures/amounts.py), as news write them."""

import pytest

from app.figures.amounts import amounts, currency_of


@pytest.mark.parametrize(
    ("text", "value", "unit", "qualifier"),
    [
        ("trade worth about 40 billion euros in 2022", 40e9, "EUR", "approximately"),
        ("more than 300 billion Australian dollars", 300e9, "AUD", "more_than"),
        ("nearly 190 billion dollars last year", 190e9, "USD", "nearly"),
        ("81 billion US dollars", 81e9, "USD", "exact"),
        ("12 trillion won", 12e12, "KRW", "exact"),
        ("3 million Russian roubles", 3e6, "RUB", "exact"),
        ("10 billion Swiss francs", 10e9, "CHF", "exact"),
        ("about US$17.2 billion", 17.2e9, "USD", "approximately"),
    ],
)
def test_a_currency_in_words_is_read(text: str, value: float, unit: str, qualifier: str) -> None:
    amount = amounts(text)[0]
    assert (amount.value, amount.unit, amount.qualifier.value) == (value, unit, qualifier)
    assert amount.text in text


@pytest.mark.parametrize(
    "text",
    [
        "who in 2016 won the vote",  # a verb, not the Korean currency
        "2 billion CFA francs",  # which franc: the words do not say
        "5 billion Taiwan dollars",  # not US dollars
    ],
)
def test_words_that_name_no_known_currency_leave_a_count(text: str) -> None:
    assert amounts(text)[0].unit == "count"


def test_currency_names() -> None:
    assert currency_of("euros") == "EUR"
    assert currency_of("pounds sterling") == "GBP"
    assert currency_of("Hong Kong dollars") == "HKD"
    assert currency_of("Indian rupees") == "INR"
    assert currency_of("yen") == "JPY"
    assert currency_of("won", scaled=False) is None
