"""The readings a draft's fields come from: dates at their precision, joint statements,
countries from their names, adjectives and capitals."""

import datetime as dt

import pytest

from app.extract.dates import When, resolve
from app.extract.eventparts import joint_statement_of
from app.extract.geo import country_of

PUBLISHED = dt.date(2019, 8, 20)  # a Tuesday


@pytest.mark.parametrize(
    ("words", "when"),
    [
        ("on Monday", When("2019-08-19", None, "on Monday")),
        ("Last June", When("2019-06", None, "Last June")),
        ("five years ago", When("2014", None, "five years ago")),
        ("last year", When("2018", None, "last year")),
        ("from March 24 to 26", When("2019-03-24", "2019-03-26", "from March 24 to 26")),
        ("from August 24-26", When("2019-08-24", "2019-08-26", "from August 24-26")),
        ("Monday 19 August, 2019", When("2019-08-19")),
        ("In 2018", When("2018")),
        ("March 2014", When("2014-03")),
    ],
)
def test_dates_resolve_at_their_precision_keeping_relative_words(words: str, when: When) -> None:
    assert resolve(words, PUBLISHED) == when


@pytest.mark.parametrize("words", ["24 years", "three-day", "summer", "the present time"])
def test_lengths_of_time_and_seasons_are_no_dates(words: str) -> None:
    assert resolve(words, PUBLISHED) is None


@pytest.mark.parametrize(
    ("words", "issued"),
    [
        ("Despite not issuing a joint statement after the talks", False),
        ("No joint statement was issued after the meeting.", False),
        ("A joint statement was issued at the end of the visit.", True),
        ("The two presidents signed 15 agreements and issued a joint statement.", True),
        ("The dialogue was not mentioned in the joint statement.", None),
    ],
)
def test_a_joint_statement_is_issued_or_not_only_when_the_words_say_so(
    words: str, issued: bool | None
) -> None:
    assert joint_statement_of(words) is issued


@pytest.mark.parametrize(
    ("mention", "code"),
    [("French", "FR"), ("Moscow", "RU"), ("Russian Federation", "RU"), ("Russia’s", "RU"),
     ("South Korean", "KR"), ("the United States", "US"), ("Kremlin", "RU"), ("Brexit", None)],
)  # fmt: skip
def test_countries_from_names_adjectives_and_capitals(mention: str, code: str | None) -> None:
    assert country_of(mention) == code
