"""Figures and series, asked as an analyst would."""

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, insert, update

from app.figures import service
from app.figures.schemas import SeriesQuery

TRADE = "ru-fr-bilateral-trade-2018"
FDI = "fr-ru-fdi-stock-2019-08"
COMPANIES = "fr-ru-companies-operating-2019-08"
CULTURAL = "fr-ru-planned-cultural-activities-2020"
MEETINGS = "ru-fr-leader-meetings-2018"
SOURCE = "improving-russia-france-relations"


def ids(response) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


def test_how_much_did_russia_and_france_trade_in_2018(api: TestClient):
    response = api.get(f"/api/v1/figures/{TRADE}")
    assert response.status_code == 200
    trade = response.json()
    assert (trade["metric"], trade["country"], trade["partner"]) == ("bilateral_trade", "RU", "FR")
    assert (trade["period"], trade["period_text"]) == ("2018", "last year")
    assert trade["value"] == {
        "value": 17_200_000_000,
        "unit": "USD",
        "qualifier": "exact",
        "text": "US$17.2 billion",
    }
    assert trade["change"] == {"percent": 11, "relative_to": "2017"}
    assert (trade["derived"], trade["derivation"], trade["derived_from"]) == (False, None, [])
    assert trade["citations"] == [
        {
            "source": SOURCE,
            "excerpt": "Their two-way trade hit US$17.2 billion last year, "
            "an increase of 11% compared to 2017",
        }
    ]


def test_trade_is_found_from_either_side_of_the_pair(api: TestClient):
    for country, partner in (("FR", "RU"), ("ru", "fra")):
        found = ids(
            api.get(
                "/api/v1/figures",
                params={"metric": "bilateral_trade", "country": country, "partner": partner},
            )
        )
        assert found == [TRADE]
    # With only a country, a symmetric figure matches when it is on either side.
    meetings = api.get("/api/v1/figures", params={"metric": "leader_meetings", "country": "FR"})
    assert ids(meetings) == [MEETINGS]


def test_french_investment_in_russia_is_directed(api: TestClient):
    found = api.get(
        "/api/v1/figures", params={"metric": "fdi_stock", "country": "FR", "partner": "RUS"}
    ).json()["items"]
    (fdi,) = found
    assert fdi["id"] == FDI
    assert fdi["value"] == {
        "value": 18_000_000_000,
        "unit": "USD",
        "qualifier": "more_than",
        "text": "more than US$18 billion",
    }
    assert fdi["citations"][0]["excerpt"] == (
        "French direct investment in the Russian economy reached more than US$18 billion"
    )
    # Russia is not the investor: the reverse pair, or Russia as country, finds nothing.
    for params in ({"country": "RU", "partner": "FR"}, {"country": "RU"}):
        assert ids(api.get("/api/v1/figures", params={"metric": "fdi_stock"} | params)) == []
    assert ids(api.get("/api/v1/figures", params={"metric": "fdi_stock", "partner": "RU"})) == [FDI]


def test_companies_cultural_activities_and_meetings(api: TestClient):
    figures = {
        f["id"]: f
        for f in api.get(
            "/api/v1/figures",
            params={
                "metric": ["companies_operating", "planned_cultural_activities", "leader_meetings"]
            },
        ).json()["items"]
    }
    assert set(figures) == {COMPANIES, CULTURAL, MEETINGS}
    assert (figures[COMPANIES]["value"]["value"], figures[COMPANIES]["value"]["qualifier"]) == (
        600,
        "more_than",
    )
    cultural = figures[CULTURAL]
    assert (cultural["period"], cultural["label"]) == (
        "2020",
        "activities as part of “Russian Seasons”",
    )
    assert (cultural["value"]["value"], cultural["value"]["qualifier"]) == (270, "approximately")
    meetings = figures[MEETINGS]
    assert (meetings["period"], meetings["value"]["value"], meetings["value"]["qualifier"]) == (
        "2018",
        5,
        "exact",
    )
    assert meetings["value"]["unit"] == "count"
    assert all(f["citations"] for f in figures.values())


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"period_to": "2018"}, {TRADE, MEETINGS}),
        ({"period_from": "2019"}, {FDI, COMPANIES, CULTURAL}),
        ({"period_from": "2019-08-15", "period_to": "2019-08-15"}, {FDI, COMPANIES}),
        ({"period_from": "2019-09", "period_to": "2019-12"}, set()),
        ({"derived": "true"}, set()),
        ({"derived": "false", "period_from": "2020"}, {CULTURAL}),
    ],
)
def test_periods_overlap_and_derived_filter(api: TestClient, params: dict, expected: set):
    assert set(ids(api.get("/api/v1/figures", params=params))) == expected


def test_latest_period_first_and_paging(api: TestClient):
    newest = api.get("/api/v1/figures").json()["items"]
    assert newest[0]["id"] == CULTURAL
    assert [f["period"] for f in newest] == ["2020", "2019-08", "2019-08", "2018", "2018"]
    oldest = ids(api.get("/api/v1/figures", params={"sort": "period"}))
    assert oldest == [f["id"] for f in reversed(newest)]
    seen, cursor = [], None
    while True:
        params = {"limit": 2, "sort": "period"} | ({"cursor": cursor} if cursor else {})
        body = api.get("/api/v1/figures", params=params).json()
        seen += [f["id"] for f in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == oldest


def test_trade_series_shows_the_2017_value_the_11_percent_implies(api: TestClient):
    response = api.get(
        "/api/v1/figures/series",
        params={"metric": "bilateral_trade", "country": "rus", "partner": "FR"},
    )
    assert response.status_code == 200
    series = response.json()
    assert (series["metric"], series["country"], series["partner"]) == (
        "bilateral_trade",
        "RU",
        "FR",
    )
    implied, cited = series["points"]
    assert (implied["period"], cited["period"]) == ("2017", "2018")
    assert implied["id"] == f"{TRADE}--implied-2017"
    assert implied["derived"] is True
    assert implied["derived_from"] == [TRADE]
    # 17.2e9 / 1.11 = 15,495,495,495.5, but "US$17.2 billion" (17.15 to 17.25) and "11%"
    # (10.5 to 11.5) allow only three figures: 15.5 billion, between 15.38 and 15.62.
    assert implied["value"]["value"] == 15_500_000_000
    assert implied["significant_figures"] == 3
    assert implied["bounds"] == {"low": 15_380_000_000, "high": 15_620_000_000}
    assert (implied["value"]["unit"], implied["value"]["qualifier"]) == ("USD", "approximately")
    assert "3 significant figures" in implied["derivation"]
    assert cited["significant_figures"] == 3
    assert cited["bounds"] == {"low": 17_150_000_000, "high": 17_250_000_000}
    assert (implied["partial_period"], cited["partial_period"]) == (False, False)
    assert "+11%" in implied["derivation"]
    assert TRADE in implied["derivation"]
    assert implied["citations"] == cited["citations"] != []
    assert cited["id"] == TRADE
    assert cited["change"] == {"percent": 11, "relative_to": "2017", "basis": "cited"}

    reverse = api.get(
        "/api/v1/figures/series",
        params={"metric": "bilateral_trade", "country": "FR", "partner": "RU"},
    ).json()
    assert reverse["points"] == series["points"]
    assert (reverse["country"], reverse["partner"]) == ("FR", "RU")


def test_series_of_a_directed_metric_and_of_a_pair_without_figures(api: TestClient):
    def points(metric: str, country: str, partner: str) -> list[str]:
        response = api.get(
            "/api/v1/figures/series",
            params={"metric": metric, "country": country, "partner": partner},
        )
        assert response.status_code == 200, response.text
        return [p["id"] for p in response.json()["points"]]

    assert points("fdi_stock", "FR", "RU") == [FDI]
    assert points("fdi_stock", "RU", "FR") == []
    assert points("bilateral_trade", "RU", "UA") == []


@pytest.mark.parametrize(
    ("params", "location"),
    [
        ({"metric": "tourism", "country": "RU", "partner": "FR"}, ["query", "metric"]),
        ({"metric": "bilateral_trade", "country": "RU"}, ["query", "partner"]),
        ({"metric": "bilateral_trade", "country": "RU", "partner": "XX"}, ["query", "partner"]),
    ],
)
def test_bad_series_requests_are_422(api: TestClient, params: dict, location: list):
    response = api.get("/api/v1/figures/series", params=params)
    assert response.status_code == 422
    assert [e["location"] for e in response.json()["errors"]] == [location]


def test_a_series_of_a_country_with_itself_is_a_422(api: TestClient):
    response = api.get(
        "/api/v1/figures/series",
        params={"metric": "bilateral_trade", "country": "RU", "partner": "rus"},
    )
    assert response.status_code == 422


def _add_trade(connection, figure_id: str, year: int, value: float, percent=None) -> None:
    connection.execute(
        insert(service.figure).values(
            id=figure_id,
            metric="bilateral_trade",
            country="FR",  # the other order of the pair: the series is the same
            partner="RU",
            period_first=dt.date(year, 1, 1),
            period_last=dt.date(year, 12, 31),
            period_precision="year",
            value=value,
            unit="USD",
            qualifier="exact",
            change_percent=percent,
            change_relative_to_first=dt.date(year - 1, 1, 1) if percent else None,
            change_relative_to_last=dt.date(year - 1, 12, 31) if percent else None,
            change_relative_to_precision="year" if percent else None,
            derived=False,
        )
    )


def test_changes_not_cited_are_computed_between_cited_points(seeded_engine: Engine):
    # Hypothetical figures, beside the seed's 2018 one: 2017 (so no value is implied for
    # it any more) and 2019 without a cited change (so one is computed from 2018).
    query = SeriesQuery(metric="bilateral_trade", country="RU", partner="FR")
    with seeded_engine.begin() as connection:
        _add_trade(connection, "test-trade-2017", 2017, 16_000_000_000)
        _add_trade(connection, "test-trade-2019", 2019, 18_920_000_000)
        points = service.get_series(connection, query=query).points
    assert [(p.id, str(p.period), p.derived) for p in points] == [
        ("test-trade-2017", "2017", False),
        (TRADE, "2018", False),
        ("test-trade-2019", "2019", False),
    ]
    first, trade, latest = points
    assert first.change is None
    assert trade.change is not None
    assert (trade.change.percent, trade.change.basis) == (11, "cited")
    assert latest.change is not None
    assert latest.change.basis == "computed"
    assert str(latest.change.relative_to) == "2018"
    assert latest.change.percent == pytest.approx(10.0)


def test_a_part_of_a_year_is_flagged_and_not_compared_with_full_years(seeded_engine: Engine):
    # A hypothetical figure for the first nine months of 2019, beside the seed's 2018 year.
    query = SeriesQuery(metric="bilateral_trade", country="RU", partner="FR")
    with seeded_engine.connect() as connection:
        _add_trade(connection, "test-trade-2019-nine-months", 2019, 12_400_000_000)
        connection.execute(
            update(service.figure)
            .where(service.figure.c.id == "test-trade-2019-nine-months")
            .values(
                period_first=dt.date(2019, 1, 1),
                period_last=dt.date(2019, 1, 31),
                period_precision="month",
                period_end_first=dt.date(2019, 9, 1),
                period_end_last=dt.date(2019, 9, 30),
                period_end_precision="month",
            )
        )
        points = service.get_series(connection, query=query).points
        connection.rollback()
    part = points[-1]
    assert (part.id, str(part.period), str(part.period_end)) == (
        "test-trade-2019-nine-months",
        "2019-01",
        "2019-09",
    )
    assert part.partial_period is True
    assert [p.partial_period for p in points[:-1]] == [False, False]
    assert part.change is None  # nine months are not compared with the year 2018


def test_an_unknown_figure_is_a_404_problem(api: TestClient):
    response = api.get("/api/v1/figures/no-such-figure")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == "figure 'no-such-figure' not found"
