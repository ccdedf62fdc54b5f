"""Sources and citations: queries."""

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    FromClause,
    Row,
    Select,
    bindparam,
    select,
)

from app.assessments.models import Assessment
from app.events.models import Event
from app.figures.models import Figure
from app.mechanisms.models import Mechanism, MechanismStatusChange
from app.organizations.models import Organization
from app.pagination import Keyset, RowListing
from app.people.models import Person, Position
from app.places.models import Place
from app.queries import grouped, iso_partial_date, one_or_not_found
from app.schemas import CitationPublic
from app.sources.models import Citation, Source, SubjectType
from app.sources.schemas import SourceDetail, SourceFact, SourcePublic, SourceQuery
from app.statements.models import Statement
from app.topics.models import Topic
from app.values import PartialDate

citation = Citation.__table__  # type: ignore[attr-defined]
source = Source.__table__  # type: ignore[attr-defined]
event = Event.__table__  # type: ignore[attr-defined]
person = Person.__table__  # type: ignore[attr-defined]
position = Position.__table__  # type: ignore[attr-defined]
place = Place.__table__  # type: ignore[attr-defined]
organization = Organization.__table__  # type: ignore[attr-defined]
topic = Topic.__table__  # type: ignore[attr-defined]
mechanism = Mechanism.__table__  # type: ignore[attr-defined]
mechanism_status = MechanismStatusChange.__table__  # type: ignore[attr-defined]
figure = Figure.__table__  # type: ignore[attr-defined]
statement = Statement.__table__  # type: ignore[attr-defined]
assessment = Assessment.__table__  # type: ignore[attr-defined]

KEYSET = Keyset((source.c.id,))
# Lists leave out the (long) text: only the detail answers it.
LIST_COLUMNS = [column for column in source.c if column.key != "text"]


# Per subject type: the table holding its facts (joined as needed), the id column the
# citations point at, and a human label computed in SQL.
FACT_LABELS: dict[SubjectType, tuple[FromClause, ColumnElement[str], ColumnElement[str]]] = {
    SubjectType.ORGANIZATION: (organization, organization.c.id, organization.c.name),
    SubjectType.PERSON: (person, person.c.id, person.c.name),
    SubjectType.POSITION: (position, position.c.id, position.c.title),
    SubjectType.PLACE: (place, place.c.id, place.c.name),
    SubjectType.EVENT: (event, event.c.id, event.c.title),
    SubjectType.MECHANISM: (mechanism, mechanism.c.id, mechanism.c.name),
    SubjectType.MECHANISM_STATUS: (
        mechanism_status.join(mechanism, mechanism.c.id == mechanism_status.c.mechanism_id),
        mechanism_status.c.id,
        mechanism.c.name + ": " + mechanism_status.c.status,
    ),
    SubjectType.FIGURE: (
        figure,
        figure.c.id,
        figure.c.metric
        + " "
        + figure.c.country
        + "-"
        + figure.c.partner
        + " "
        + iso_partial_date(figure.c.period_first, figure.c.period_precision),
    ),
    SubjectType.TOPIC: (topic, topic.c.id, topic.c.name),
    SubjectType.STATEMENT: (statement, statement.c.id, statement.c.text),
    SubjectType.ASSESSMENT: (assessment, assessment.c.id, assessment.c.text),
}


# Built once (statement building costs more than running it on a page of ids).
CITATIONS_OF = (
    select(citation.c.subject_id, citation.c.source_id, citation.c.excerpt)
    .where(
        citation.c.subject_type == bindparam("subject_type"),
        citation.c.subject_id.in_(bindparam("ids", expanding=True)),
    )
    .order_by(citation.c.subject_id, citation.c.ordinal)
)


def citations_of(
    connection: Connection, subject: SubjectType, ids: Iterable[str]
) -> dict[str, list[CitationPublic]]:
    """The citations of each of `ids`, in the order the seed gives them."""
    found: dict[str, list[CitationPublic]] = defaultdict(list)
    ids = list(ids)
    if not ids:
        return found
    rows = connection.execute(CITATIONS_OF, {"subject_type": subject.value, "ids": ids})
    for subject_id, source_id, excerpt in rows:
        found[subject_id].append(CitationPublic(source=source_id, excerpt=excerpt))
    return found


def filtered(query: SourceQuery) -> Select[Any]:
    """Every source (without its text); sources take no filters but paging."""
    return select(*LIST_COLUMNS)


def build_sources(_connection: Connection, rows: list[Row[Any]]) -> list[Any]:
    return [_public(row) for row in rows]


def _public(row: Row[Any]) -> SourcePublic:
    return SourcePublic(
        id=row.id,
        title=row.title,
        publisher=row.publisher,
        published=PartialDate.from_columns(
            row.published_first, row.published_last, row.published_precision
        ),
        published_note=row.published_note,
        url=row.url,
        language=row.language,
        credits=row.credits,
    )


def facts_citing(connection: Connection, source_id: str) -> list[SourceFact]:
    """Every fact citing `source_id` with its excerpts, by type then id: one query per type."""
    subject_types = connection.execute(
        select(citation.c.subject_type)
        .where(citation.c.source_id == source_id)
        .distinct()
        .order_by(citation.c.subject_type)
    ).scalars()
    facts = []
    for subject_type in subject_types.all():
        subject = SubjectType(subject_type)
        table, id_column, label = FACT_LABELS[subject]
        excerpts = grouped(
            connection,
            select(citation.c.subject_id, label.label("label"), citation.c.excerpt)
            .select_from(citation.join(table, id_column == citation.c.subject_id))
            .where(citation.c.source_id == source_id, citation.c.subject_type == subject_type)
            .order_by(citation.c.subject_id, citation.c.ordinal),
        )
        facts += [
            SourceFact(
                type=subject,
                id=subject_id,
                label=rows[0].label,
                excerpts=[r.excerpt for r in rows],
            )
            for subject_id, rows in excerpts.items()
        ]
    return facts


def get_source(connection: Connection, *, source_id: str) -> SourceDetail:
    row = one_or_not_found(
        connection, select(source).where(source.c.id == source_id), "source", source_id
    )
    return SourceDetail(
        **dict(_public(row)), text=row.text, facts=facts_citing(connection, source_id)
    )


SOURCES = RowListing(
    item=SourcePublic, filtered=filtered, keysets={"id": KEYSET}, build=build_sources
)
