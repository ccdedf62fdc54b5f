"""Figures: the query parameters and response shapes of the API."""

from enum import StrEnum

from pydantic import BaseModel, Field, ValidationInfo, field_validator

from app.claims.schemas import WithClaims
from app.figures.models import Metric
from app.pagination import REPEATABLE, ListQuery
from app.schemas import CitationPublic
from app.values import CountryCode, PartialDate, Quantity


class FigureSort(StrEnum):
    PERIOD = "period"
    PERIOD_DESC = "-period"


class FigureFacet(StrEnum):
    METRIC = "metric"
    PERIOD = "period"


class FigureQuery(ListQuery):
    metric: list[Metric] = Field(
        default_factory=list,
        description=REPEATABLE + " any of these metrics.",
    )
    country: CountryCode | None = Field(
        default=None,
        description="The figure's country (the investor, the home country, ...). For a "
        "symmetric metric (`bilateral_trade`, `leader_meetings`) either side of the pair.",
    )
    partner: CountryCode | None = Field(
        default=None,
        description="The figure's partner (the host of an investment, ...). For a symmetric "
        "metric either order of `country` and `partner` matches.",
    )
    period_from: PartialDate | None = Field(
        default=None, description="Inclusive; a figure matches when its period overlaps."
    )
    period_to: PartialDate | None = Field(
        default=None,
        description="Inclusive; `2019-08` means up to 31 August 2019. A range that ends "
        "before it begins (`period_from=2020&period_to=2019`) is a 422.",
    )
    derived: bool | None = Field(
        default=None,
        description="`true`: only figures computed from others; `false`: only cited ones.",
    )
    sort: FigureSort = Field(default=FigureSort.PERIOD_DESC, description="By period.")
    facet: list[FigureFacet] = Field(
        default_factory=list,
        description=REPEATABLE + " count the matching items by this field (see `facets`).",
    )

    @field_validator("period_to")
    @classmethod
    def _ordered(cls, period_to: PartialDate | None, info: ValidationInfo) -> PartialDate | None:
        # On `period_to`, so that the 422 names it (a model's own check names no field).
        period_from = info.data.get("period_from")
        if period_from and period_to and period_from.first > period_to.last:
            raise ValueError("`period_from` is after `period_to`")
        return period_to


class SeriesQuery(BaseModel):
    """One metric of one pair of countries."""

    metric: Metric = Field(description="The metric of the series.")
    country: CountryCode = Field(
        description="The figure's country; for a symmetric metric the order does not matter.",
        examples=["RU"],
    )
    partner: CountryCode = Field(
        description="The figure's partner: another country than `country` (`country=FR&"
        "partner=fra` names France twice, a 422).",
        examples=["FR"],
    )

    @field_validator("partner")
    @classmethod
    def _a_pair(cls, partner: str, info: ValidationInfo) -> str:
        # On `partner`, so that the 422 names it (a model's own check names no field).
        if partner == info.data.get("country"):
            raise ValueError("`country` and `partner` must differ")
        return partner


class ChangePublic(BaseModel):
    """A change in percent relative to an earlier period."""

    percent: float = Field(
        examples=[11.0], description="The change in percent (negative for a fall)."
    )
    relative_to: PartialDate


class ChangeBasis(StrEnum):
    CITED = "cited"  # the source gives the change
    COMPUTED = "computed"  # computed here from two cited values of the series


class SeriesChange(ChangePublic):
    basis: ChangeBasis = Field(
        description="`cited`: the source gives it; `computed`: from the previous point."
    )


class Bounds(BaseModel):
    """The interval a value stands for: an exact "US$17.2 billion" is 17.15 to 17.25
    billion; "more than" gives only `low`, "less than" or "nearly" only `high`."""

    low: float | None = Field(
        examples=[17_150_000_000], description="The least the value can be; null: unbounded."
    )
    high: float | None = Field(
        examples=[17_250_000_000], description="The most the value can be; null: unbounded."
    )


class FigurePublic(BaseModel):
    """One measured value of a relationship, with the words that state it."""

    id: str = Field(examples=["ru-fr-bilateral-trade-2018"], description="Figure id (a slug).")
    metric: Metric = Field(description="What the figure measures.")
    country: str = Field(examples=["RU"], description="The figure's country (upper-case alpha-2).")
    partner: str = Field(
        examples=["FR"], description="The figure's partner country (upper-case alpha-2)."
    )
    period: PartialDate
    period_text: str | None = Field(description="The source's own words for a relative date.")
    period_end: PartialDate | None = Field(
        description="The end of a figure over a span (`period` is its start): the first nine "
        "months of 2019 are 2019-01 to 2019-09."
    )
    partial_period: bool = Field(
        description="The figure covers part of a year (a span that is not whole years): not "
        "comparable with the full years of a series."
    )
    value: Quantity = Field(
        description="The figure: a number, its unit and how exact the source says it is."
    )
    significant_figures: int | None = Field(
        examples=[3], description='The precision its words give ("US$17.2 billion": 3).'
    )
    bounds: Bounds | None = Field(description="What the value's words allow, when they tell.")
    change: ChangePublic | None = Field(description="The change the source gives, if any.")
    label: str | None = Field(
        examples=["two-way trade"], description="The source's own name for the figure."
    )
    derived: bool = Field(description="Computed from other figures rather than cited.")
    derivation: str | None = Field(description="How a derived figure is computed.")
    derived_from: list[str] = Field(description="Ids of the figures a derived one comes from.")
    notes: str | None = Field(
        description="Context the source gives, in the knowledge base's own words."
    )
    citations: list[CitationPublic] = Field(
        description="The sources' exact words that attest this record."
    )


class SeriesPoint(FigurePublic):
    """A point of a series: a figure, or one implied by a cited change (`derived`)."""

    change: SeriesChange | None = Field(
        description="Relative to an earlier period: as cited, or computed from the previous "
        "point of the same unit when both are cited."
    )


class FigureSeries(BaseModel):
    """One metric of one pair of countries over time."""

    metric: Metric = Field(description="The metric of the series.")
    country: str = Field(
        examples=["RU"], description="The series' country, as asked (upper-case alpha-2)."
    )
    partner: str = Field(
        examples=["FR"], description="The series' partner, as asked (upper-case alpha-2)."
    )
    points: list[SeriesPoint] = Field(description="Ordered by period, oldest first.")


class FigureDetail(FigurePublic, WithClaims):
    """One figure, with its claims by source when asked for (`?claims=`)."""
