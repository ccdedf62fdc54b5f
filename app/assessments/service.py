"""Assessments: queries. Filtering, ordering and paging happen in SQL."""

from typing import Any

from sqlalchemy import Connection, Row, Select, func, select

from app.assessments.models import (
    Assessment,
    AssessmentCountry,
    AssessmentOrganization,
    AssessmentTopic,
)
from app.assessments.schemas import AssessmentPublic, AssessmentQuery, AssessmentSort
from app.organizations.models import Organization
from app.pagination import Keyset, RowListing
from app.queries import grouped, one_or_not_found, overlaps
from app.schemas import Named
from app.sources.models import SubjectType
from app.sources.service import citations_of
from app.topics.models import Topic
from app.values import PartialDate

assessment = Assessment.__table__  # type: ignore[attr-defined]
assessment_country = AssessmentCountry.__table__  # type: ignore[attr-defined]
assessment_organization = AssessmentOrganization.__table__  # type: ignore[attr-defined]
organization = Organization.__table__  # type: ignore[attr-defined]
assessment_topic = AssessmentTopic.__table__  # type: ignore[attr-defined]
topic = Topic.__table__  # type: ignore[attr-defined]

KEYSETS = {
    AssessmentSort.PERIOD: Keyset((assessment.c.period_first, assessment.c.id)),
    AssessmentSort.PERIOD_DESC: Keyset(
        (assessment.c.period_first, assessment.c.id), descending=True
    ),
}
last_day = func.coalesce(assessment.c.period_end_last, assessment.c.period_last)


def filtered(query: AssessmentQuery) -> Select[Any]:
    """Every assessment matching the query's filters, unordered."""
    statement_ = select(assessment)
    for country in query.country:
        statement_ = statement_.where(
            assessment.c.id.in_(
                select(assessment_country.c.assessment_id).where(
                    assessment_country.c.country == country
                )
            )
        )
    if query.stance:
        statement_ = statement_.where(assessment.c.stance.in_([s.value for s in query.stance]))
    if query.holder:
        statement_ = statement_.where(func.lower(assessment.c.holder) == query.holder.lower())
    statement_ = statement_.where(
        *overlaps(assessment.c.period_first, last_day, query.date_from, query.date_to)
    )
    return statement_


def build_assessments(connection: Connection, rows: list[Row[Any]]) -> list[AssessmentPublic]:
    """Public assessments for `rows` of the assessment table: a few IN queries per page."""
    ids = [row.id for row in rows]
    if not ids:
        return []
    countries = grouped(
        connection,
        select(assessment_country.c.assessment_id, assessment_country.c.country)
        .where(assessment_country.c.assessment_id.in_(ids))
        .order_by(assessment_country.c.assessment_id, assessment_country.c.country),
    )
    organizations = grouped(
        connection,
        select(assessment_organization.c.assessment_id, organization.c.id, organization.c.name)
        .join(organization, organization.c.id == assessment_organization.c.organization_id)
        .where(assessment_organization.c.assessment_id.in_(ids))
        .order_by(assessment_organization.c.assessment_id, organization.c.name),
    )
    topics = grouped(
        connection,
        select(assessment_topic.c.assessment_id, topic.c.id, topic.c.name)
        .join(topic, topic.c.id == assessment_topic.c.topic_id)
        .where(assessment_topic.c.assessment_id.in_(ids))
        .order_by(assessment_topic.c.assessment_id, topic.c.name),
    )
    citations = citations_of(connection, SubjectType.ASSESSMENT, ids)

    return [
        AssessmentPublic(
            id=row.id,
            countries=[r.country for r in countries.get(row.id, [])],
            organizations=[Named(id=r.id, name=r.name) for r in organizations.get(row.id, [])],
            counterpart=row.counterpart,
            period=PartialDate.required(row.period_first, row.period_last, row.period_precision),
            period_text=row.period_text,
            period_end=PartialDate.from_columns(
                row.period_end_first, row.period_end_last, row.period_end_precision
            ),
            stance=row.stance,
            topics=[Named(id=r.id, name=r.name) for r in topics.get(row.id, [])],
            holder=row.holder,
            text=row.text,
            citations=citations.get(row.id, []),
        )
        for row in rows
    ]


def get_assessment(connection: Connection, *, assessment_id: str) -> AssessmentPublic:
    row = one_or_not_found(
        connection,
        select(assessment).where(assessment.c.id == assessment_id),
        "assessment",
        assessment_id,
    )
    (public,) = build_assessments(connection, [row])
    return public


ASSESSMENTS = RowListing(
    item=AssessmentPublic, filtered=filtered, keysets=KEYSETS, build=build_assessments
)
