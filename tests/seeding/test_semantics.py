"""Semantic checks: a record must say what its excerpts say, and each error names file,
line and field."""

import textwrap
from pathlib import Path

import pytest
from sqlalchemy import Engine

from app.seeding.errors import SeedFailed
from app.seeding.loader import seed, validate
from tests.conftest import SOURCE_ID
from tests.seeding.dumps import dump

SOURCE = """
default_source: dispatch
sources:
  - id: dispatch
    title: "A dispatch"
    published: "2019-08"
    text: >-
      Their two-way trade hit US$17.2 billion last year, an increase of 11% compared to
      2017, while French direct investment in Russia reached more than US$18 billion. The
      regions plan to organise about 270 activities. Putin met Macron five times. Macron
      declared France and Russia the “two great powers in Europe”. He said the talks
      were useful. Putin’s visit to France took place on August 19. Last June, Medvedev
      visited France.
"""


def bundle(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "bundle.yaml"
    path.write_text(SOURCE.lstrip() + textwrap.dedent(body), encoding="utf-8")
    return path


def errors_of(path: Path) -> list[str]:
    with pytest.raises(SeedFailed) as failure:
        validate([path])
    return [str(error) for error in failure.value.errors]


def line_of(path: Path, words: str) -> int:
    """The line of `path` on which `words` first occur."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, start=1) if words in line)


def figure(value: str, unit: str, qualifier: str, excerpt: str, after_value: str = "") -> str:
    return f"""
figures:
  - id: a-figure
    metric: bilateral_trade
    country: RU
    partner: FR
    period: "2018"
    value:
      value: {value}
      unit: {unit}
      qualifier: {qualifier}{after_value}
    citations:
      - "{excerpt}"
"""


def test_figures_that_say_what_their_excerpts_say_pass(tmp_path: Path):
    body = "figures:\n"
    for index, (value, unit, qualifier, excerpt) in enumerate(
        [
            ("17200000000", "USD", "exact", "two-way trade hit US$17.2 billion"),
            ("18000000000", "USD", "more_than", "reached more than US$18 billion"),
            ("270", "count", "approximately", "plan to organise about 270 activities"),
            ("5", "count", "exact", "Putin met Macron five times"),
        ]
    ):
        body += (
            figure(value, unit, qualifier, excerpt)
            .split("figures:\n")[1]
            .replace("a-figure", f"figure-{index}")
        )
    assert validate([bundle(tmp_path, body)]) == 5  # the source and four figures


def test_a_figure_of_31_billion_citing_13_billion_is_refused(tmp_path: Path):
    path = bundle(tmp_path, figure("31000000000", "USD", "exact", "US$17.2 billion"))
    (error,) = errors_of(path)
    assert error == (
        f"{path}:{line_of(path, 'value: 31000000000')} figures[0].value.value: "
        '3.1e+10 USD is not in the excerpts (they give "US$17.2 billion")'
    )


@pytest.mark.parametrize(
    ("value", "qualifier", "excerpt", "said"),
    [
        ("18000000000", "exact", "reached more than US$18 billion", "more_than"),
        ("270", "exact", "plan to organise about 270 activities", "approximately"),
        ("17200000000", "more_than", "two-way trade hit US$17.2 billion", "exact"),
    ],
)
def test_a_qualifier_the_words_do_not_give_is_refused(
    tmp_path: Path, value: str, qualifier: str, excerpt: str, said: str
):
    unit = "count" if value == "270" else "USD"
    path = bundle(tmp_path, figure(value, unit, qualifier, excerpt))
    (error,) = errors_of(path)
    where = f"{path}:{line_of(path, f'qualifier: {qualifier}')} figures[0].value.qualifier"
    assert error.startswith(f"{where}: the excerpt says")
    assert error.endswith(f"qualifier `{said}`, not `{qualifier}`")


def test_a_unit_and_a_change_the_words_do_not_give_are_refused(tmp_path: Path):
    change = '\n    change:\n      percent: 12\n      relative_to: "2017"'
    excerpt = "two-way trade hit US$17.2 billion last year, an increase of 11%"
    path = bundle(tmp_path, figure("17200000000", "EUR", "exact", excerpt, change))
    unit, percent = errors_of(path)
    assert unit == (
        f"{path}:{line_of(path, 'unit: EUR')} figures[0].value.unit: "
        'unit EUR, but the excerpts give "US$17.2 billion" (USD)'
    )
    assert percent == (
        f"{path}:{line_of(path, 'percent: 12')} figures[0].change.percent: "
        "12% is not in the excerpts"
    )


TEXT_LINE = "    text: '"
EXCERPT_LINE = '      - "Putin'


def statement(mode: str, text: str, excerpt: str, extra: str = "") -> str:
    return f"""
people:
  - id: emmanuel-macron
    name: "Emmanuel Macron"
    citations: ["Macron"]
statements:
  - id: a-statement
    speaker: emmanuel-macron
    date: "2019-08"
    text: '{text}'
    mode: {mode}{extra}
    citations:
      - "{excerpt}"
"""


def test_a_direct_quote_that_wraps_a_quoted_phrase_is_a_paraphrase(tmp_path: Path):
    path = bundle(
        tmp_path,
        statement(
            "direct_quote",
            "France and Russia are the “two great powers in Europe”.",
            "Macron declared France and Russia the “two great powers in Europe”",
        ),
    )
    (error,) = errors_of(path)
    assert error == (
        f"{path}:{line_of(path, TEXT_LINE)} statements[0].text: a direct quote is only the "
        "quoted words; this one wraps quoted words in others: make it a `paraphrase` with "
        '`quoted_phrases: ["two great powers in Europe"]`'
    )


def test_a_direct_quote_of_words_the_source_does_not_quote_is_refused(tmp_path: Path):
    verbatim = bundle(
        tmp_path, statement("direct_quote", "the talks were useful", "He said the talks")
    )
    (error,) = errors_of(verbatim)
    assert error == (
        f"{verbatim}:{line_of(verbatim, 'mode: ')} statements[0].mode: the source does not "
        "put these words in quotation marks: a `paraphrase`"
    )
    invented = bundle(
        tmp_path, statement("direct_quote", "two great powers of Europe", "He said the talks")
    )
    (error,) = errors_of(invented)
    assert error == (
        f"{invented}:{line_of(invented, TEXT_LINE)} statements[0].text: not in the source "
        'verbatim; hint: the closest passage is "two great powers in Europe"'
    )


def test_a_direct_quote_of_the_quoted_words_alone_passes(tmp_path: Path):
    path = bundle(
        tmp_path,
        statement(
            "direct_quote",
            "two great powers in Europe",
            "Macron declared France and Russia the “two great powers in Europe”",
        ),
    )
    assert validate([path]) == 3


def test_a_paraphrase_lists_exactly_the_phrases_its_source_quotes(tmp_path: Path):
    unlisted = bundle(
        tmp_path,
        statement(
            "paraphrase",
            "France and Russia are the “two great powers in Europe”.",
            "Macron declared France and Russia the “two great powers in Europe”",
        ),
    )
    (error,) = errors_of(unlisted)
    assert error == (
        f"{unlisted}:{line_of(unlisted, '- id: a-statement')} statements[0].quoted_phrases: "
        "the text "
        'quotes "two great powers in Europe": list it in `quoted_phrases`'
    )
    not_quoted = bundle(
        tmp_path,
        statement(
            "paraphrase",
            "The talks were useful.",
            "He said the talks were useful",
            '\n    quoted_phrases: ["the talks were useful"]',
        ),
    )
    (error,) = errors_of(not_quoted)
    assert error == (
        f"{not_quoted}:{line_of(not_quoted, 'quoted_phrases')} "
        'statements[0].quoted_phrases[0]: "the talks were useful" is not in quotation marks '
        "in the source"
    )


def event(start: str, excerpt: str, extra: str = "") -> str:
    return f"""
events:
  - id: an-event
    kind: visit
    title: "A visit"
    start: "{start}"{extra}
    countries: [RU, FR]
    citations:
      - "{excerpt}"
"""


def test_an_event_dated_against_its_excerpt_is_refused(tmp_path: Path):
    path = bundle(tmp_path, event("2019-08-20", "Putin’s visit to France took place on August 19"))
    (error,) = errors_of(path)
    assert error == (
        f"{path}:{line_of(path, 'start: ')} events[0].start: the event is dated 2019-08-20, "
        'but citations[0] gives "August 19" (2019-08-19)'
    )
    assert validate([bundle(tmp_path, event("2019-08-19", "took place on August 19"))]) == 2


def test_relative_dates_are_resolved_against_the_publication_date(tmp_path: Path):
    # Published in August 2019: "Last June" is June 2019, not June 2018.
    assert validate([bundle(tmp_path, event("2019-06", "Last June, Medvedev"))]) == 2
    path = bundle(
        tmp_path, event("2018-06", "Last June, Medvedev", '\n    start_text: "Last June"')
    )
    start, start_text = errors_of(path)
    assert start == (
        f"{path}:{line_of(path, 'start: ')} events[0].start: the event is dated 2018-06, but "
        'citations[0] gives "Last June" (2019-06-01 to 2019-06-30)'
    )
    assert start_text == (
        f"{path}:{line_of(path, 'start_text: ')} events[0].start_text: "
        '"Last June" (2019-06-01 to 2019-06-30) is not 2018-06'
    )


def test_a_near_miss_excerpt_gets_a_hint(tmp_path: Path):
    straight = bundle(tmp_path, event("2019-08-19", "Putin's visit to France took place"))
    (error,) = errors_of(straight)
    assert error.startswith(
        f"{straight}:{line_of(straight, EXCERPT_LINE)} events[0].citations[0].excerpt"
    )
    assert error.endswith(
        "hint: the quotation marks or apostrophes differ (curly ’ “ ” vs straight ' \")"
    )
    typo = bundle(tmp_path, event("2019-08-19", "Putin’s visit to Frence took place"))
    (error,) = errors_of(typo)
    assert error.endswith('hint: the closest passage is "Putin’s visit to France took place"')


def test_every_semantic_error_is_reported_in_one_run(tmp_path: Path):
    path = bundle(
        tmp_path,
        figure("31000000000", "USD", "exact", "US$17.2 billion")
        + event("2019-08-20", "took place on August 19"),
    )
    fields = [error.split(" ")[1] for error in errors_of(path)]
    assert fields == ["figures[0].value.value:", "events[0].start:"]


def test_a_seed_refused_for_its_meaning_writes_nothing_and_checks_stored_sources(
    seeded_engine: Engine, tmp_path: Path
):
    # The source is the stored article (published 2019-08): "Last June" is June 2019.
    path = tmp_path / "later.yaml"
    path.write_text(
        f"default_source: {SOURCE_ID}\n"
        + event("2018-06", "Last June, Russian Prime Minister Dmitry Medvedev visited France")
        + figure("13000000000", "USD", "exact", "Their two-way trade hit US$17.2 billion"),
        encoding="utf-8",
    )
    before = dump(seeded_engine)
    with pytest.raises(SeedFailed) as failure:
        seed(seeded_engine, [path])
    assert [str(e).split(" ")[1] for e in failure.value.errors] == [
        "events[0].start:",
        "figures[0].value.value:",
    ]
    assert dump(seeded_engine) == before
