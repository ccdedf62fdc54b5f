"""Organizations: queries. Filtering, ordering and paging happen in SQL."""

from typing import Any

from sqlalchemy import Connection, Row, Select, select

from app import refs
from app.assessments.models import Assessment, AssessmentOrganization
from app.events.models import Event, EventOrganization
from app.organizations.models import Organization
from app.organizations.schemas import (
    AssessmentRef,
    OrganizationDetail,
    OrganizationPublic,
    OrganizationQuery,
    OrganizationSort,
)
from app.pagination import Keyset, RowListing
from app.queries import contains_words, one_or_not_found
from app.sources.models import SubjectType
from app.sources.service import citations_of
from app.values import PartialDate

organization = Organization.__table__  # type: ignore[attr-defined]
event = Event.__table__  # type: ignore[attr-defined]
event_organization = EventOrganization.__table__  # type: ignore[attr-defined]
assessment = Assessment.__table__  # type: ignore[attr-defined]
assessment_organization = AssessmentOrganization.__table__  # type: ignore[attr-defined]

KEYSETS = {OrganizationSort.NAME: Keyset((organization.c.name, organization.c.id))}


def filtered(query: OrganizationQuery) -> Select[Any]:
    """Every organization matching the query's filters, unordered."""
    statement_ = select(organization)
    if query.kind:
        statement_ = statement_.where(organization.c.kind == query.kind)
    if query.q:
        statement_ = statement_.where(
            contains_words(query.q, organization.c.name, organization.c.acronym)
        )
    return statement_


def build_organizations(connection: Connection, rows: list[Row[Any]]) -> list[OrganizationPublic]:
    citations = citations_of(connection, SubjectType.ORGANIZATION, [row.id for row in rows])
    return [
        OrganizationPublic(
            id=row.id,
            name=row.name,
            aliases=row.aliases,
            acronym=row.acronym,
            kind=row.kind,
            wikidata=row.wikidata,
            citations=citations.get(row.id, []),
        )
        for row in rows
    ]


def get_organization(connection: Connection, *, organization_id: str) -> OrganizationDetail:
    row = one_or_not_found(
        connection,
        select(organization).where(organization.c.id == organization_id),
        "organization",
        organization_id,
    )
    (public,) = build_organizations(connection, [row])
    events = refs.event_refs(
        connection,
        select(event)
        .join(event_organization, event_organization.c.event_id == event.c.id)
        .where(event_organization.c.organization_id == organization_id)
        .order_by(event.c.start_first, event.c.id),
    )
    judged = list(
        connection.execute(
            select(assessment)
            .join(
                assessment_organization,
                assessment_organization.c.assessment_id == assessment.c.id,
            )
            .where(assessment_organization.c.organization_id == organization_id)
            .order_by(assessment.c.period_first, assessment.c.id)
        )
    )
    citations = citations_of(connection, SubjectType.ASSESSMENT, [a.id for a in judged])
    assessments = [
        AssessmentRef(
            id=a.id,
            stance=a.stance,
            period=PartialDate.required(a.period_first, a.period_last, a.period_precision),
            period_end=PartialDate.from_columns(
                a.period_end_first, a.period_end_last, a.period_end_precision
            ),
            holder=a.holder,
            text=a.text,
            citations=citations.get(a.id, []),
        )
        for a in judged
    ]
    return OrganizationDetail(**dict(public), events=events, assessments=assessments)


ORGANIZATIONS = RowListing(
    item=OrganizationPublic, filtered=filtered, keysets=KEYSETS, build=build_organizations
)
