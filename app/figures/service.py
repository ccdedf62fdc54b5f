"""Figures: queries, and the series of one metric of one pair with what it implies."""

import datetime as dt
from typing import Any

from sqlalchemy import ColumnElement, Connection, Row, Select, and_, func, or_, select, true

from app.facets import column_facet, partial_date_facet
from app.figures.amounts import implied_before
from app.figures.models import SYMMETRIC_METRICS, Figure, FigureDerivation
from app.figures.schemas import (
    Bounds,
    ChangeBasis,
    ChangePublic,
    FigureFacet,
    FigurePublic,
    FigureQuery,
    FigureSeries,
    FigureSort,
    SeriesChange,
    SeriesPoint,
    SeriesQuery,
)
from app.pagination import Keyset, RowListing
from app.queries import grouped, one_or_not_found, overlaps
from app.sources.models import SubjectType
from app.sources.service import citations_of
from app.values import PartialDate, Qualifier, Quantity

figure = Figure.__table__  # type: ignore[attr-defined]
figure_derivation = FigureDerivation.__table__  # type: ignore[attr-defined]

KEYSETS = {
    FigureSort.PERIOD: Keyset((figure.c.period_first, figure.c.id)),
    FigureSort.PERIOD_DESC: Keyset((figure.c.period_first, figure.c.id), descending=True),
}
last_day = func.coalesce(figure.c.period_end_last, figure.c.period_last)
is_symmetric = figure.c.metric.in_(sorted(metric.value for metric in SYMMETRIC_METRICS))


def on_sides(country: str | None, partner: str | None) -> ColumnElement[bool]:
    """Figures of `country` and `partner` as given; for a symmetric metric, or swapped."""
    direct, swapped = [], []
    if country:
        direct.append(figure.c.country == country)
        swapped.append(figure.c.partner == country)
    if partner:
        direct.append(figure.c.partner == partner)
        swapped.append(figure.c.country == partner)
    if not direct:
        return true()
    return or_(and_(*direct), and_(is_symmetric, *swapped))


def filtered(query: FigureQuery) -> Select[Any]:
    """Every figure matching the query's filters, unordered."""
    statement_ = select(figure)
    if query.country or query.partner:
        statement_ = statement_.where(on_sides(query.country, query.partner))
    if query.metric:
        statement_ = statement_.where(figure.c.metric.in_([m.value for m in query.metric]))
    statement_ = statement_.where(
        *overlaps(figure.c.period_first, last_day, query.period_from, query.period_to)
    )
    if query.derived is not None:
        statement_ = statement_.where(figure.c.derived == query.derived)
    return statement_


def build_figures(connection: Connection, rows: list[Row[Any]]) -> list[FigurePublic]:
    """Public figures for `rows` of the figure table: a few IN queries for the whole page."""
    ids = [row.id for row in rows]
    if not ids:
        return []
    sources = grouped(
        connection,
        select(figure_derivation.c.figure_id, figure_derivation.c.from_figure_id)
        .where(figure_derivation.c.figure_id.in_(ids))
        .order_by(figure_derivation.c.figure_id, figure_derivation.c.from_figure_id),
    )
    citations = citations_of(connection, SubjectType.FIGURE, ids)
    return [
        FigurePublic(
            id=row.id,
            metric=row.metric,
            country=row.country,
            partner=row.partner,
            period=PartialDate.required(row.period_first, row.period_last, row.period_precision),
            period_text=row.period_text,
            period_end=PartialDate.from_columns(
                row.period_end_first, row.period_end_last, row.period_end_precision
            ),
            partial_period=row.period_end_first is not None
            and not _whole_years(row.period_first, row.period_end_last),
            value=Quantity(
                value=row.value, unit=row.unit, qualifier=row.qualifier, text=row.value_text
            ),
            significant_figures=row.significant_figures,
            bounds=Bounds(low=row.value_low, high=row.value_high)
            if row.value_low is not None or row.value_high is not None
            else None,
            change=ChangePublic(
                percent=row.change_percent,
                relative_to=PartialDate.required(
                    row.change_relative_to_first,
                    row.change_relative_to_last,
                    row.change_relative_to_precision,
                ),
            )
            if row.change_percent is not None
            else None,
            label=row.label,
            derived=row.derived,
            derivation=row.derivation,
            derived_from=[r.from_figure_id for r in sources.get(row.id, [])],
            notes=row.notes,
            citations=citations.get(row.id, []),
        )
        for row in rows
    ]


def _whole_years(first: dt.date, last: dt.date) -> bool:
    return (first.month, first.day, last.month, last.day) == (1, 1, 12, 31)


def get_figure(connection: Connection, *, figure_id: str) -> FigurePublic:
    row = one_or_not_found(
        connection, select(figure).where(figure.c.id == figure_id), "figure", figure_id
    )
    (public,) = build_figures(connection, [row])
    return public


def get_series(connection: Connection, *, query: SeriesQuery) -> FigureSeries:
    """The figures of one metric of one pair, oldest first, with the points their cited
    changes imply and the changes computed between cited points."""
    rows = connection.execute(
        select(figure)
        .where(figure.c.metric == query.metric.value, on_sides(query.country, query.partner))
        .order_by(figure.c.period_first, figure.c.period_last, figure.c.id)
    )
    figures = build_figures(connection, list(rows))
    points = [_as_point(f) for f in figures] + _implied_points(figures)
    points.sort(key=lambda p: (p.period.first, p.period.last, p.id))
    return FigureSeries(
        metric=query.metric,
        country=query.country,
        partner=query.partner,
        points=_with_computed_changes(points),
    )


def _as_point(cited: FigurePublic) -> SeriesPoint:
    change = SeriesChange(**dict(cited.change), basis=ChangeBasis.CITED) if cited.change else None
    return SeriesPoint(**{**dict(cited), "change": change})


def _number(value: float) -> str:
    return str(int(value)) if value.is_integer() else repr(value)


def _implied_points(figures: list[FigurePublic]) -> list[SeriesPoint]:
    """The value of an earlier period that a cited change implies ("+11% compared to 2017"
    gives 2017), where the series has no figure for that period, rounded to the precision
    its inputs allow, with its bounds. Of several figures implying the same period, the
    nearest (the earliest after it) gives the point."""
    known = {f.period for f in figures}
    implied = []
    for later in figures:  # oldest first
        change = later.change
        if later.derived or change is None or change.relative_to in known or later.partial_period:
            continue
        known.add(change.relative_to)
        sign = "+" if change.percent >= 0 else "-"
        percent = _number(abs(change.percent))
        bounds = later.bounds or Bounds(low=None, high=None)
        before = implied_before(
            later.value.value, bounds.low, bounds.high, change.percent, later.significant_figures
        )
        interval = (
            f", between {_number(before.low)} and {_number(before.high)}"
            if before.low is not None and before.high is not None
            else ""
        )
        implied.append(
            SeriesPoint(
                id=f"{later.id}--implied-{change.relative_to}",
                metric=later.metric,
                country=later.country,
                partner=later.partner,
                period=change.relative_to,
                period_text=None,
                period_end=None,
                partial_period=False,
                value=Quantity(
                    value=before.value,
                    unit=later.value.unit,
                    qualifier=Qualifier.APPROXIMATELY,
                ),
                significant_figures=before.significant_figures,
                bounds=Bounds(low=before.low, high=before.high) if before.low is not None else None,
                change=None,
                label=later.label,
                derived=True,
                derivation=f"{_number(later.value.value)} / (1 {sign} {percent}/100), rounded to "
                f"the {before.significant_figures} significant figures its inputs allow"
                f"{interval}: the value that the cited {sign}{percent}% change of {later.id} "
                f"implies for {change.relative_to}",
                derived_from=[later.id],
                notes=None,
                citations=later.citations,  # the evidence the point comes from
            )
        )
    return implied


def _with_computed_changes(points: list[SeriesPoint]) -> list[SeriesPoint]:
    """Points whose change is not cited get one computed from the previous point of the same
    unit (ending before they start), when both points are cited, at the same precision and
    over whole periods (a part of a year is not compared with a year)."""
    result: list[SeriesPoint] = []
    for point in points:
        previous = next(
            (
                p
                for p in reversed(result)
                if p.value.unit == point.value.unit and p.period.last < point.period.first
            ),
            None,
        )
        if (
            point.change is None
            and not point.derived
            and previous is not None
            and not previous.derived
            and not (point.partial_period or previous.partial_period)
            and previous.period.precision == point.period.precision
            and previous.value.value != 0
        ):
            change = SeriesChange(
                percent=round((point.value.value / previous.value.value - 1) * 100, 2),
                relative_to=previous.period,
                basis=ChangeBasis.COMPUTED,
            )
            point = point.model_copy(update={"change": change})
        result.append(point)
    return result


FACETS = {
    FigureFacet.METRIC: column_facet("metric"),
    FigureFacet.PERIOD: partial_date_facet("period"),
}
FIGURES = RowListing(
    item=FigurePublic, filtered=filtered, keysets=KEYSETS, build=build_figures, facets=FACETS
)
