"""The dossier's sections on what stands between a pair: the mechanisms of both and their
status, the latest figure of each metric, leader meetings claimed beside those recorded,
and the assessments of the climate."""

from typing import Any

from sqlalchemy import Connection, Date, Select, and_, bindparam, case, func, select

from app.events.models import EventKind
from app.figures import service as figures_service
from app.figures.models import Metric
from app.figures.schemas import FigurePublic
from app.mechanisms import service as mechanisms_service
from app.relations.pairs import (
    ENGAGED,
    assessment,
    assessment_country,
    figure,
    figures_of_pair,
    mechanism,
    mechanism_country,
    mechanism_status,
    status_dated,
    with_both,
)
from app.relations.schemas import (
    EVIDENCE,
    AssessmentEntry,
    AssessmentSummary,
    ClaimedVsRecorded,
    PairMechanism,
)
from app.sources.models import SubjectType
from app.sources.service import citations_of
from app.values import PartialDate, Qualifier, Quantity

# Kinds of event in which leaders meet in person: a `leader_meetings` figure counts these.
MEETING_KINDS = [
    EventKind.STATE_VISIT,
    EventKind.OFFICIAL_VISIT,
    EventKind.WORKING_VISIT,
    EventKind.VISIT,
    EventKind.BILATERAL_MEETING,
    EventKind.SUMMIT,
]
QUALIFIER_WORDS = {
    Qualifier.APPROXIMATELY: "about ",
    Qualifier.NEARLY: "nearly ",
    Qualifier.MORE_THAN: "more than ",
    Qualifier.AT_LEAST: "at least ",
    Qualifier.LESS_THAN: "less than ",
    Qualifier.AT_MOST: "at most ",
}


_MECHANISMS = (
    select(mechanism)
    .where(mechanism.c.id.in_(with_both(mechanism_country, "mechanism_id")))
    .order_by(mechanism.c.name, mechanism.c.id)
)


def _latest_statuses(at_a_date: bool) -> Select[Any]:
    """The latest status change of each mechanism in `ids`, or the latest dated (or
    reported) by `valid_last`."""
    latest = select(
        mechanism_status.c.mechanism_id, func.max(mechanism_status.c.ordinal).label("ordinal")
    ).where(mechanism_status.c.mechanism_id.in_(bindparam("ids", expanding=True)))
    if at_a_date:
        latest = latest.where(status_dated("first") <= bindparam("valid_last", type_=Date))
    latest_ = latest.group_by(mechanism_status.c.mechanism_id).subquery("latest")
    return (
        select(mechanism_status)
        .join(
            latest_,
            and_(
                mechanism_status.c.mechanism_id == latest_.c.mechanism_id,
                mechanism_status.c.ordinal == latest_.c.ordinal,
            ),
        )
        .order_by(mechanism_status.c.mechanism_id)
    )


_STATUSES = {False: _latest_statuses(False), True: _latest_statuses(True)}


def mechanisms(
    connection: Connection, params: dict[str, Any], valid_at: PartialDate | None
) -> list[PairMechanism]:
    rows = list(connection.execute(_MECHANISMS, params))
    ids = [row.id for row in rows]
    status_rows = list(
        connection.execute(
            _STATUSES[valid_at is not None],
            {"ids": ids, "valid_last": valid_at.last if valid_at else None},
        )
    )
    statuses = dict(
        zip(
            [row.mechanism_id for row in status_rows],
            mechanisms_service.status_changes(connection, status_rows),
            strict=True,
        )
    )
    citations = citations_of(connection, SubjectType.MECHANISM, ids)
    return [
        PairMechanism(
            id=row.id,
            name=row.name,
            acronym=row.acronym,
            kind=row.kind,
            status=statuses.get(row.id),
            citations=citations.get(row.id, []),
        )
        for row in rows
    ]


def _latest_figures_statement() -> Select[Any]:
    # A symmetric metric has one series per pair; a directional one, one per direction.
    direction = case((figures_service.is_symmetric, ""), else_=figure.c.country)
    rank = (
        func.row_number()
        .over(
            partition_by=(figure.c.metric, direction),
            order_by=(figure.c.period_first.desc(), figure.c.period_last.desc(), figure.c.id),
        )
        .label("rank")
    )
    ranked = select(figure, rank).where(figures_of_pair()).subquery("ranked")
    return (
        select(*(ranked.c[c.key] for c in figure.c))
        .where(ranked.c.rank == 1)
        .order_by(ranked.c.metric, ranked.c.country, ranked.c.partner)
    )


_LATEST_FIGURES = _latest_figures_statement()
_CLAIMS = (
    select(figure)
    .where(figures_of_pair(), figure.c.metric == Metric.LEADER_MEETINGS.value)
    .order_by(figure.c.period_first, figure.c.id)
)
# The pair's engagements of a meeting kind, newest first: read once, then each claim counts
# those within its period (a statement a claim read the pair's every engagement again).
_MEETINGS = (
    select(ENGAGED.c.id, ENGAGED.c.start_first, ENGAGED.c.start_last)
    .where(ENGAGED.c.kind.in_([kind.value for kind in MEETING_KINDS]))
    .order_by(ENGAGED.c.start_first.desc(), ENGAGED.c.id.desc())
)
_ASSESSMENTS = (
    select(assessment)
    .where(assessment.c.id.in_(with_both(assessment_country, "assessment_id")))
    .order_by(assessment.c.period_first, assessment.c.id)
)


def latest_figures(connection: Connection, params: dict[str, Any]) -> list[FigurePublic]:
    rows = connection.execute(_LATEST_FIGURES, params)
    return figures_service.build_figures(connection, list(rows))


def claimed_vs_recorded(connection: Connection, params: dict[str, Any]) -> list[ClaimedVsRecorded]:
    claims = list(connection.execute(_CLAIMS, params))
    citations = citations_of(connection, SubjectType.FIGURE, [row.id for row in claims])
    meetings = list(connection.execute(_MEETINGS, params)) if claims else []
    result = []
    for row in claims:
        claimed = Quantity(
            value=row.value, unit=row.unit, qualifier=row.qualifier, text=row.value_text
        )
        met = [
            meeting.id
            for meeting in meetings
            if meeting.start_first >= row.period_first and meeting.start_last <= row.period_last
        ]
        count, latest = len(met), met[:EVIDENCE]
        number = int(row.value) if float(row.value).is_integer() else row.value
        words = QUALIFIER_WORDS.get(claimed.qualifier, "")
        result.append(
            ClaimedVsRecorded(
                figure=row.id,
                period=PartialDate.required(
                    row.period_first, row.period_last, row.period_precision
                ),
                claimed=claimed,
                recorded=count,
                events=list(reversed(latest)),
                text=f"{words}{number} claimed, {count} recorded",
                citations=citations.get(row.id, []),
            )
        )
    return result


def assessments(connection: Connection, params: dict[str, Any]) -> AssessmentSummary:
    rows = list(connection.execute(_ASSESSMENTS, params))
    citations = citations_of(connection, SubjectType.ASSESSMENT, [row.id for row in rows])
    history = [
        AssessmentEntry(
            id=row.id,
            period=PartialDate.required(row.period_first, row.period_last, row.period_precision),
            period_end=PartialDate.from_columns(
                row.period_end_first, row.period_end_last, row.period_end_precision
            ),
            stance=row.stance,
            holder=row.holder,
            text=row.text,
            citations=citations.get(row.id, []),
        )
        for row in rows
    ]
    # Ordered by (period start, id): the last is the latest, ties going to the greater id
    # like every descending keyset; the latest is of the climate (it has a stance).
    judged = [entry for entry in history if entry.stance is not None]
    return AssessmentSummary(latest=judged[-1] if judged else None, history=history)
