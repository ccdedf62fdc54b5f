"""Statements: queries. Filtering, ordering and paging happen in SQL."""

from typing import Any

from sqlalchemy import Connection, Row, Select, select

from app import refs
from app.events.models import Event
from app.facets import link_facet, named_column_facet
from app.pagination import Keyset, RowListing
from app.people.models import Person
from app.queries import contains_words, grouped, one_or_not_found, overlaps
from app.schemas import Named
from app.sources.models import SubjectType
from app.sources.service import citations_of
from app.statements.models import Statement, StatementTopic
from app.statements.schemas import (
    StatementFacet,
    StatementPublic,
    StatementQuery,
    StatementSort,
)
from app.topics.models import Topic
from app.values import PartialDate

statement = Statement.__table__  # type: ignore[attr-defined]
statement_topic = StatementTopic.__table__  # type: ignore[attr-defined]
person = Person.__table__  # type: ignore[attr-defined]
event = Event.__table__  # type: ignore[attr-defined]
topic = Topic.__table__  # type: ignore[attr-defined]

KEYSETS = {
    StatementSort.DATE: Keyset((statement.c.date_first, statement.c.id)),
    StatementSort.DATE_DESC: Keyset((statement.c.date_first, statement.c.id), descending=True),
}


def _with_speaker() -> Select[Any]:
    return select(statement, person.c.name.label("speaker_name")).join(
        person, person.c.id == statement.c.speaker_id
    )


def filtered(query: StatementQuery) -> Select[Any]:
    """Every statement matching the query's filters, with its speaker's name, unordered."""
    statement_ = _with_speaker()
    if query.speaker:
        statement_ = statement_.where(statement.c.speaker_id == query.speaker)
    if query.event:
        statement_ = statement_.where(statement.c.event_id == query.event)
    for topic_id in query.topic:
        statement_ = statement_.where(
            statement.c.id.in_(
                select(statement_topic.c.statement_id).where(statement_topic.c.topic_id == topic_id)
            )
        )
    if query.mode:
        statement_ = statement_.where(statement.c.mode == query.mode.value)
    statement_ = statement_.where(
        *overlaps(statement.c.date_first, statement.c.date_last, query.date_from, query.date_to)
    )
    if query.q:
        statement_ = statement_.where(contains_words(query.q, statement.c.text))
    return statement_


def build_statements(connection: Connection, rows: list[Row[Any]]) -> list[StatementPublic]:
    """Public statements for `rows` of `filtered`: a few IN queries for the whole page."""
    ids = [row.id for row in rows]
    if not ids:
        return []
    topics = grouped(
        connection,
        select(statement_topic.c.statement_id, topic.c.id, topic.c.name)
        .join(topic, topic.c.id == statement_topic.c.topic_id)
        .where(statement_topic.c.statement_id.in_(ids))
        .order_by(statement_topic.c.statement_id, topic.c.name),
    )
    event_ids = {row.event_id for row in rows if row.event_id}
    events = (
        {
            ref.id: ref
            for ref in refs.event_refs(
                connection, select(event).where(event.c.id.in_(event_ids)).order_by(event.c.id)
            )
        }
        if event_ids
        else {}
    )
    citations = citations_of(connection, SubjectType.STATEMENT, ids)

    return [
        StatementPublic(
            id=row.id,
            speaker=Named(id=row.speaker_id, name=row.speaker_name),
            event=events.get(row.event_id) if row.event_id else None,
            date=PartialDate.required(row.date_first, row.date_last, row.date_precision),
            date_text=row.date_text,
            text=row.text,
            mode=row.mode,
            quoted_phrases=row.quoted_phrases,
            topics=[Named(id=r.id, name=r.name) for r in topics.get(row.id, [])],
            citations=citations.get(row.id, []),
        )
        for row in rows
    ]


def get_statement(connection: Connection, *, statement_id: str) -> StatementPublic:
    row = one_or_not_found(
        connection, _with_speaker().where(statement.c.id == statement_id), "statement", statement_id
    )
    (public,) = build_statements(connection, [row])
    return public


FACETS = {
    StatementFacet.SPEAKER: named_column_facet("speaker_id", person),
    StatementFacet.TOPIC: link_facet(statement_topic, "statement_id", "topic_id", topic),
}
STATEMENTS = RowListing(
    item=StatementPublic, filtered=filtered, keysets=KEYSETS, build=build_statements, facets=FACETS
)
