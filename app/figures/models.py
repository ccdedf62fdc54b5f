"""Figures: measured values of a relationship (trade, investment, meetings, ...)."""

import datetime as dt
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import Index
from sqlmodel import Field as SQLField
from sqlmodel import SQLModel

from app import references
from app.claims.models import RANK, Rank
from app.sources.models import CitationCreate
from app.values import CountryCode, PartialDate, Quantity, Ref, Slug


class Metric(StrEnum):
    BILATERAL_TRADE = "bilateral_trade"
    FDI_STOCK = "fdi_stock"
    COMPANIES_OPERATING = "companies_operating"
    PLANNED_CULTURAL_ACTIVITIES = "planned_cultural_activities"
    LEADER_MEETINGS = "leader_meetings"


# Metrics whose (country, partner) pair has no direction: either order matches a filter.
SYMMETRIC_METRICS = frozenset({Metric.BILATERAL_TRADE, Metric.LEADER_MEETINGS})


class Figure(SQLModel, table=True):
    id: str = SQLField(primary_key=True, max_length=200)
    metric: str = SQLField(max_length=40)
    country: str = SQLField(sa_column_args=references("country.code"))
    partner: str = SQLField(sa_column_args=references("country.code"))
    period_first: dt.date
    period_last: dt.date
    period_precision: str = SQLField(max_length=5)
    period_text: str | None = None
    # A figure over a span ("the first nine months of 2019": 2019-01 to 2019-09): its end.
    period_end_first: dt.date | None = None
    period_end_last: dt.date | None = None
    period_end_precision: str | None = SQLField(default=None, max_length=5)
    value: float
    unit: str = SQLField(max_length=32)
    qualifier: str = SQLField(max_length=16)
    value_text: str | None = None
    # The precision of the value as its words give it (app.figures.amounts).
    significant_figures: int | None = None
    value_low: float | None = None
    value_high: float | None = None
    change_percent: float | None = None
    change_relative_to_first: dt.date | None = None
    change_relative_to_last: dt.date | None = None
    change_relative_to_precision: str | None = SQLField(default=None, max_length=5)
    label: str | None = None
    derived: bool = False
    derivation: str | None = None
    notes: str | None = None

    __table_args__ = (
        Index(
            "ix_figure_metric_country_partner_period",
            "metric",
            "country",
            "partner",
            "period_first",
        ),
        Index("ix_figure_partner_country", "partner", "country"),
    )


class FigureDerivation(SQLModel, table=True):
    """A derived figure and each figure it is computed from (its provenance)."""

    __tablename__ = "figure_derivation"

    figure_id: str = SQLField(sa_column_args=references("figure.id"), primary_key=True)
    from_figure_id: str = SQLField(
        sa_column_args=references("figure.id"), primary_key=True, index=True
    )


class ChangeCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    percent: float = Field(allow_inf_nan=False, gt=-100)
    relative_to: PartialDate


class FigureCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: Slug
    metric: Metric
    country: CountryCode
    partner: CountryCode
    period: PartialDate
    period_text: str | None = Field(default=None, description="The source's relative words.")
    period_end: PartialDate | None = Field(
        default=None,
        description="The end of a figure over a span: `period` 2019-01 to `period_end` 2019-09 "
        "for the first nine months of 2019.",
    )
    value: Quantity
    change: ChangeCreate | None = None
    label: str | None = None
    derived: bool = False
    derivation: str | None = None
    derived_from: Annotated[list[Slug], Ref("figure")] = []
    notes: str | None = None
    rank: Rank = RANK
    citations: list[CitationCreate] = []

    @model_validator(mode="after")
    def _provenance(self) -> "FigureCreate":
        if self.derived and not (self.derivation and self.derived_from):
            raise ValueError(
                "a derived figure says how in `derivation` and from what in `derived_from`"
            )
        if not self.derived and (self.derivation or self.derived_from):
            raise ValueError("`derivation` and `derived_from` are for derived figures")
        if not self.derived and not self.citations:
            raise ValueError("a figure that is not derived needs at least one citation")
        if self.country == self.partner:
            raise ValueError("`country` and `partner` must differ")
        if self.period_end is not None and self.period_end.first < self.period.first:
            raise ValueError("`period_end` is before `period`")
        return self
