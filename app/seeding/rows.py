"""Turns validated bundle records into the rows of the tables that store them."""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from pydantic import BaseModel

from app.assessments.models import AssessmentCreate
from app.events.models import EventCreate
from app.figures.amounts import written_precision
from app.figures.models import FigureCreate
from app.mechanisms.models import MechanismCreate
from app.models import metadata
from app.organizations.models import OrganizationCreate
from app.people.models import PersonCreate
from app.places.models import PlaceCreate
from app.sources.models import CitationCreate, SourceCreate, SubjectType
from app.statements.models import StatementCreate
from app.topics.models import TopicCreate
from app.values import PartialDate, Quantity, partial_date_columns, slugify

Row = dict[str, Any]

# Child tables, and the columns that name the record owning each row.
OWNER_COLUMNS: dict[str, tuple[str, ...]] = {
    "position": ("person_id",),
    "event_country": ("event_id",),
    "event_participant": ("event_id",),
    "event_topic": ("event_id",),
    "event_organization": ("event_id",),
    "mechanism_country": ("mechanism_id",),
    "mechanism_status": ("mechanism_id",),
    "figure_derivation": ("figure_id",),
    "statement_topic": ("statement_id",),
    "topic_country": ("topic_id",),
    "assessment_country": ("assessment_id",),
    "assessment_topic": ("assessment_id",),
    "assessment_organization": ("assessment_id",),
    "citation": ("subject_type", "subject_id"),
    "claim_dispute": ("kind", "entity_id"),
}
# Each section's table, and its citations' subject.
ENTITIES: dict[str, tuple[str, SubjectType]] = {
    "organizations": ("organization", SubjectType.ORGANIZATION),
    "people": ("person", SubjectType.PERSON),
    "places": ("place", SubjectType.PLACE),
    "topics": ("topic", SubjectType.TOPIC),
    "events": ("event", SubjectType.EVENT),
    "mechanisms": ("mechanism", SubjectType.MECHANISM),
    "figures": ("figure", SubjectType.FIGURE),
    "statements": ("statement", SubjectType.STATEMENT),
    "assessments": ("assessment", SubjectType.ASSESSMENT),
}


@cache
def child_tables(table: str) -> tuple[str, ...]:
    """The child tables whose rows belong to a record of `table` (their owner column refers
    to it)."""
    return tuple(
        child
        for child, columns in OWNER_COLUMNS.items()
        if len(columns) == 1
        and any(
            key.column.table.name == table
            for key in metadata.tables[child].c[columns[0]].foreign_keys
        )
    )


@dataclass
class Rows:
    """The rows of some records, by table, and for each child table the owners whose rows
    there are exactly these (a record loaded again loses the child rows it no longer has)."""

    tables: dict[str, list[Row]] = field(default_factory=lambda: defaultdict(list))
    owners: dict[str, set[tuple[Any, ...]]] = field(default_factory=lambda: defaultdict(set))

    def __getitem__(self, table: str) -> list[Row]:
        return self.tables[table]

    def __setitem__(self, table: str, rows: list[Row]) -> None:
        self.tables[table] = rows

    def own(self, table: str, *owner: Any) -> None:
        self.owners[table].add(owner)

    def __len__(self) -> int:
        return sum(len(rows) for rows in self.tables.values())


def removal_rows(section: str, record_id: str, rows: Rows) -> None:
    """Marks every child row and citation of a record to be deleted (the record's own row:
    `Writer.remove`)."""
    table, subject = ENTITIES[section]
    for child in child_tables(table):
        rows.own(child, record_id)
    rows.own("citation", subject.value, record_id)


def position_id(person_id: str, ordinal: int, title: str) -> str:
    return f"{person_id}--{ordinal}-{slugify(title)}"


def status_change_id(mechanism_id: str, ordinal: int, status: str) -> str:
    return f"{mechanism_id}--{ordinal}-{status}"


def _citations(
    rows: Rows,
    subject: SubjectType,
    subject_id: str,
    citations: list[CitationCreate],
    default_source: str | None,
) -> None:
    rows.own("citation", subject.value, subject_id)
    for ordinal, citation in enumerate(citations, start=1):
        rows["citation"].append(
            {
                "subject_type": subject.value,
                "subject_id": subject_id,
                "ordinal": ordinal,
                "source_id": citation.source or default_source,
                "excerpt": citation.excerpt,
            }
        )


def _quantity(prefix: str, quantity: Quantity | None) -> Row:
    return {
        f"{prefix}_value": quantity.value if quantity else None,
        f"{prefix}_unit": quantity.unit if quantity else None,
        f"{prefix}_qualifier": quantity.qualifier.value if quantity else None,
        f"{prefix}_text": quantity.text if quantity else None,
    }


def _dated(prefix: str, value: PartialDate | None, text: str | None) -> Row:
    return {**partial_date_columns(prefix, value), f"{prefix}_text": text}


def _source(record: SourceCreate, text: str, rows: Rows, _default: str | None) -> None:
    rows["source"].append(
        {
            "id": record.id,
            "title": record.title,
            "publisher": record.publisher,
            **partial_date_columns("published", record.published),
            "published_note": record.published_note,
            "url": record.url,
            "language": record.language,
            "text": text,
            "credits": list(record.credits),
        }
    )


def _organization(record: OrganizationCreate, rows: Rows, default: str | None) -> None:
    rows["organization"].append(
        record.model_dump(include={"id", "name", "aliases", "acronym", "kind", "wikidata"})
    )
    _citations(rows, SubjectType.ORGANIZATION, record.id, record.citations, default)


def _person(record: PersonCreate, rows: Rows, default: str | None) -> None:
    rows["person"].append(
        record.model_dump(include={"id", "name", "aliases", "country", "wikidata"})
    )
    _citations(rows, SubjectType.PERSON, record.id, record.citations, default)
    rows.own("position", record.id)
    for ordinal, position in enumerate(record.positions, start=1):
        pid = position_id(record.id, ordinal, position.title)
        rows["position"].append(
            {
                "id": pid,
                "person_id": record.id,
                "ordinal": ordinal,
                "title": position.title,
                "country": position.country,
                "organization_id": position.organization,
                **partial_date_columns("start", position.start),
                **partial_date_columns("end", position.end),
                **partial_date_columns("held_on", position.held_on),
            }
        )
        _citations(rows, SubjectType.POSITION, pid, position.citations, default)


def _place(record: PlaceCreate, rows: Rows, default: str | None) -> None:
    rows["place"].append(record.model_dump(exclude={"citations"}))
    _citations(rows, SubjectType.PLACE, record.id, record.citations, default)


def _topic(record: TopicCreate, rows: Rows, default: str | None) -> None:
    rows["topic"].append(
        {**record.model_dump(exclude={"citations", "countries"}), "category": record.category.value}
    )
    rows.own("topic_country", record.id)
    rows["topic_country"] += [{"topic_id": record.id, "country": c} for c in record.countries]
    _citations(rows, SubjectType.TOPIC, record.id, record.citations, default)


def _event(record: EventCreate, rows: Rows, default: str | None) -> None:
    rows["event"].append(
        {
            "id": record.id,
            "kind": record.kind.value,
            "status": record.status.value,
            "title": record.title,
            **_dated("start", record.start, record.start_text),
            **_dated("end", record.end, record.end_text),
            "place_id": record.place,
            "host_country": record.host_country,
            **_quantity("duration", record.duration),
            "format": record.format,
            "outcomes": record.outcomes.model_dump(exclude_none=True) if record.outcomes else None,
            "parent_id": record.part_of,
            "notes": record.notes,
        }
    )
    for table in ("event_country", "event_participant", "event_topic", "event_organization"):
        rows.own(table, record.id)
    rows["event_country"] += [
        {"event_id": record.id, "country": c, "start_first": record.start.first}
        for c in record.countries
    ]
    rows["event_participant"] += [
        {"event_id": record.id, "person_id": p.person, "role": p.role.value}
        for p in record.participants
    ]
    rows["event_topic"] += [{"event_id": record.id, "topic_id": t} for t in record.topics]
    rows["event_organization"] += [
        {"event_id": record.id, "organization_id": o} for o in record.organizations
    ]
    _citations(rows, SubjectType.EVENT, record.id, record.citations, default)


def _mechanism(record: MechanismCreate, rows: Rows, default: str | None) -> None:
    rows["mechanism"].append(
        record.model_dump(include={"id", "name", "aliases", "acronym", "notes"})
        | {"kind": record.kind.value}
    )
    rows.own("mechanism_country", record.id)
    rows.own("mechanism_status", record.id)
    rows["mechanism_country"] += [
        {"mechanism_id": record.id, "country": c} for c in record.countries
    ]
    for ordinal, change in enumerate(record.status_history, start=1):
        sid = status_change_id(record.id, ordinal, change.status.value)
        rows["mechanism_status"].append(
            {
                "id": sid,
                "mechanism_id": record.id,
                "ordinal": ordinal,
                "status": change.status.value,
                **_dated("date", change.date, change.date_text),
                **partial_date_columns("as_of", change.as_of),
            }
        )
        _citations(rows, SubjectType.MECHANISM_STATUS, sid, change.citations, default)
    _citations(rows, SubjectType.MECHANISM, record.id, record.citations, default)


def _figure(record: FigureCreate, rows: Rows, default: str | None) -> None:
    significant, low, high = written_precision(
        record.value, [citation.excerpt for citation in record.citations]
    )
    rows["figure"].append(
        {
            "id": record.id,
            "metric": record.metric.value,
            "country": record.country,
            "partner": record.partner,
            **_dated("period", record.period, record.period_text),
            **partial_date_columns("period_end", record.period_end),
            "value": record.value.value,
            "unit": record.value.unit,
            "qualifier": record.value.qualifier.value,
            "value_text": record.value.text,
            "significant_figures": significant,
            "value_low": low,
            "value_high": high,
            "change_percent": record.change.percent if record.change else None,
            **partial_date_columns(
                "change_relative_to", record.change.relative_to if record.change else None
            ),
            "label": record.label,
            "derived": record.derived,
            "derivation": record.derivation,
            "notes": record.notes,
        }
    )
    rows.own("figure_derivation", record.id)
    rows["figure_derivation"] += [
        {"figure_id": record.id, "from_figure_id": f} for f in record.derived_from
    ]
    _citations(rows, SubjectType.FIGURE, record.id, record.citations, default)


def _statement(record: StatementCreate, rows: Rows, default: str | None) -> None:
    rows["statement"].append(
        {
            "id": record.id,
            "speaker_id": record.speaker,
            "event_id": record.event,
            **_dated("date", record.date, record.date_text),
            "text": record.text,
            "mode": record.mode.value,
            "quoted_phrases": list(record.quoted_phrases),
        }
    )
    rows.own("statement_topic", record.id)
    rows["statement_topic"] += [{"statement_id": record.id, "topic_id": t} for t in record.topics]
    _citations(rows, SubjectType.STATEMENT, record.id, record.citations, default)


def _assessment(record: AssessmentCreate, rows: Rows, default: str | None) -> None:
    rows["assessment"].append(
        {
            "id": record.id,
            **_dated("period", record.period, record.period_text),
            **partial_date_columns("period_end", record.period_end),
            "stance": record.stance.value if record.stance else None,
            "holder": record.holder,
            "counterpart": record.counterpart,
            "text": record.text,
        }
    )
    rows.own("assessment_country", record.id)
    rows.own("assessment_organization", record.id)
    rows.own("assessment_topic", record.id)
    rows["assessment_topic"] += [{"assessment_id": record.id, "topic_id": t} for t in record.topics]
    rows["assessment_country"] += [
        {"assessment_id": record.id, "country": c} for c in record.countries
    ]
    rows["assessment_organization"] += [
        {"assessment_id": record.id, "organization_id": o} for o in record.organizations
    ]
    _citations(rows, SubjectType.ASSESSMENT, record.id, record.citations, default)


ROW_BUILDERS: dict[str, Callable[[Any, Rows, str | None], None]] = {
    "organizations": _organization,
    "people": _person,
    "places": _place,
    "topics": _topic,
    "events": _event,
    "mechanisms": _mechanism,
    "figures": _figure,
    "statements": _statement,
    "assessments": _assessment,
}


def build_rows(
    section: str,
    record: BaseModel,
    rows: Rows,
    default_source: str | None,
    source_text: str | None = None,
) -> None:
    """Append the rows of one record of `section` to `rows`."""
    if section == "sources":
        assert isinstance(record, SourceCreate) and source_text is not None
        _source(record, source_text, rows, default_source)
    else:
        ROW_BUILDERS[section](record, rows, default_source)
