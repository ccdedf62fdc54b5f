"""Figures: HTTP endpoints."""

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from app.claims.schemas import ClaimsQuery
from app.claims.service import with_claims
from app.deps import DatabaseDep
from app.docs import DETAIL_RESPONSES, LIST_RESPONSES
from app.figures import service
from app.figures.schemas import FigureDetail, FigurePublic, FigureQuery, FigureSeries, SeriesQuery
from app.pagination import FacetedPage
from app.responses import detail_response, list_response

router = APIRouter(prefix="/figures", tags=["figures"])
FigureId = Annotated[
    str,
    Path(
        max_length=200,
        description="Figure id (a slug).",
        examples=["ru-fr-bilateral-trade-2018"],
    ),
]
# A series is never missing (a pair without figures has no points): no 404 to document.
SERIES_RESPONSES = {status: doc for status, doc in DETAIL_RESPONSES.items() if status != 404}


@router.get(
    "",
    operation_id="list_figures",
    summary="List figures",
    response_model=FacetedPage[FigurePublic],
    responses=LIST_RESPONSES,
)
async def list_figures(
    request: Request, db: DatabaseDep, query: Annotated[FigureQuery, Query()]
) -> Response:
    """Measured values of relationships (trade, direct investment, companies, planned
    cultural activities, leader meetings), latest period first by default.

    Filters combine with AND: any of the `metric`s given, the `country` and `partner` (for
    the symmetric metrics `bilateral_trade` and `leader_meetings` either order of the pair
    matches, and `country` alone matches either side; for the others they are directed:
    `fdi_stock` has the investor as `country`), periods overlapping
    `period_from`..`period_to`, and `derived`. Each figure carries its value with unit and
    qualifier, its cited change, and its citations (a derived figure: how it is computed
    and from which figures).
    """
    return await list_response(request, db, query, service.FIGURES)


@router.get(
    "/series",
    operation_id="get_figure_series",
    summary="Get the time series of one metric of a pair",
    response_model=FigureSeries,
    responses=SERIES_RESPONSES,
)
async def get_figure_series(
    request: Request, db: DatabaseDep, query: Annotated[SeriesQuery, Query()]
) -> Response:
    """The figures of one metric between `country` and `partner`, oldest period first (for a
    symmetric metric either order gives the same series; a pair with no figures gives no
    points).

    Each point has its value, qualifier and citations, and a `change` whose `basis` says
    whether the source gives it (`cited`) or it is computed from the previous point of the
    same unit when both are cited (`computed`). The value of an earlier period implied by a
    cited change ("+11% compared to 2017") appears as a point marked `derived`, with its
    `derivation`, the figure it comes from and that figure's citations, rounded to the
    `significant_figures` its inputs allow and with its `bounds`. A point over part of a year
    is marked `partial_period` and gets no change computed against full years.
    """
    return await detail_response(request, db, partial(service.get_series, query=query))


@router.get(
    "/{figure_id}",
    operation_id="get_figure",
    summary="Get one figure",
    response_model=FigureDetail,
    responses=DETAIL_RESPONSES,
)
async def get_figure(
    request: Request, db: DatabaseDep, figure_id: FigureId, claims: ClaimsQuery = None
) -> Response:
    """A figure with its value, unit and qualifier, period, cited change, label, and its
    citations (a derived figure: how it is computed and from which figures)."""
    return await detail_response(
        request,
        db,
        with_claims(
            partial(service.get_figure, figure_id=figure_id),
            FigureDetail,
            "figure",
            figure_id,
            claims,
        ),
    )
