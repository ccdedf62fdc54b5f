"""Topics: queries. Filtering, ordering and paging happen in SQL."""

from typing import Any

from sqlalchemy import Connection, Row, Select, select

from app.errors import NotFound
from app.events import service as events_service
from app.events.models import Event, EventTopic
from app.events.schemas import StatementRef
from app.pagination import Keyset, count_rows, keyset_page
from app.people.models import Person
from app.queries import contains_words
from app.schemas import Named
from app.sources.models import SubjectType
from app.sources.service import citations_of
from app.statements.models import Statement, StatementTopic
from app.topics.models import Topic
from app.topics.schemas import TopicDetail, TopicPublic, TopicQuery, TopicSort
from app.values import PartialDate

topic = Topic.__table__  # type: ignore[attr-defined]
event = Event.__table__  # type: ignore[attr-defined]
event_topic = EventTopic.__table__  # type: ignore[attr-defined]
statement = Statement.__table__  # type: ignore[attr-defined]
statement_topic = StatementTopic.__table__  # type: ignore[attr-defined]
person = Person.__table__  # type: ignore[attr-defined]

KEYSETS = {
    TopicSort.NAME: Keyset((topic.c.name, topic.c.id)),
    TopicSort.NAME_DESC: Keyset((topic.c.name, topic.c.id), descending=True),
}


def filtered(query: TopicQuery) -> Select[Any]:
    """Every topic matching the query's filters, unordered."""
    statement_ = select(topic)
    if query.category:
        statement_ = statement_.where(topic.c.category == query.category.value)
    if query.q:
        statement_ = statement_.where(contains_words(query.q, topic.c.name, topic.c.description))
    return statement_


def list_topics(
    connection: Connection, *, query: TopicQuery, after: list[Any] | None, limit: int
) -> tuple[list[TopicPublic], list[Any] | None]:
    rows, last_key = keyset_page(
        connection, filtered(query), KEYSETS[query.sort], after=after, limit=limit
    )
    return build_topics(connection, rows), last_key


def count_topics(connection: Connection, *, query: TopicQuery) -> int:
    return count_rows(connection, filtered(query))


def build_topics(connection: Connection, rows: list[Row[Any]]) -> list[TopicPublic]:
    """Public topics for `rows` of the topic table, with their citations."""
    citations = citations_of(connection, SubjectType.TOPIC, [row.id for row in rows])
    return [
        TopicPublic(
            id=row.id,
            name=row.name,
            category=row.category,
            description=row.description,
            wikidata=row.wikidata,
            citations=citations.get(row.id, []),
        )
        for row in rows
    ]


def _date(first: Any, last: Any, precision: Any) -> PartialDate:
    value = PartialDate.from_columns(first, last, precision)
    assert value is not None, "a NOT NULL partial date"
    return value


def get_topic(connection: Connection, *, topic_id: str) -> TopicDetail:
    row = connection.execute(select(topic).where(topic.c.id == topic_id)).first()
    if row is None:
        raise NotFound("topic", topic_id)
    (public,) = build_topics(connection, [row])
    events = events_service.event_refs(
        connection,
        select(event)
        .join(event_topic, event_topic.c.event_id == event.c.id)
        .where(event_topic.c.topic_id == topic_id)
        .order_by(event.c.start_first, event.c.id),
    )
    said = connection.execute(
        select(statement, person.c.name.label("speaker_name"))
        .join(person, person.c.id == statement.c.speaker_id)
        .join(statement_topic, statement_topic.c.statement_id == statement.c.id)
        .where(statement_topic.c.topic_id == topic_id)
        .order_by(statement.c.date_first, statement.c.id)
    )
    statements = [
        StatementRef(
            id=s.id,
            speaker=Named(id=s.speaker_id, name=s.speaker_name),
            date=_date(s.date_first, s.date_last, s.date_precision),
            mode=s.mode,
            text=s.text,
        )
        for s in said
    ]
    return TopicDetail(**dict(public), events=events, statements=statements)
