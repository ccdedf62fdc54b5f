"""Topics: queries. Filtering, ordering and paging happen in SQL."""

from typing import Any

from sqlalchemy import Connection, Row, Select, select

from app import refs
from app.events.models import Event, EventTopic
from app.pagination import Keyset, RowListing
from app.people.models import Person
from app.queries import contains_words, grouped, one_or_not_found
from app.sources.models import SubjectType
from app.sources.service import citations_of
from app.statements.models import Statement, StatementTopic
from app.topics.models import Topic, TopicCountry
from app.topics.schemas import TopicDetail, TopicPublic, TopicQuery, TopicSort

topic = Topic.__table__  # type: ignore[attr-defined]
topic_country = TopicCountry.__table__  # type: ignore[attr-defined]
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
    if query.country:
        statement_ = statement_.where(
            topic.c.id.in_(
                select(topic_country.c.topic_id).where(topic_country.c.country == query.country)
            )
        )
    return statement_


def build_topics(connection: Connection, rows: list[Row[Any]]) -> list[TopicPublic]:
    """Public topics for `rows` of the topic table, with their citations."""
    ids = [row.id for row in rows]
    citations = citations_of(connection, SubjectType.TOPIC, ids)
    countries = grouped(
        connection,
        select(topic_country.c.topic_id, topic_country.c.country)
        .where(topic_country.c.topic_id.in_(ids))
        .order_by(topic_country.c.topic_id, topic_country.c.country),
    )
    return [
        TopicPublic(
            id=row.id,
            name=row.name,
            aliases=row.aliases,
            category=row.category,
            description=row.description,
            wikidata=row.wikidata,
            countries=[r.country for r in countries.get(row.id, [])],
            citations=citations.get(row.id, []),
        )
        for row in rows
    ]


def get_topic(connection: Connection, *, topic_id: str) -> TopicDetail:
    row = one_or_not_found(
        connection, select(topic).where(topic.c.id == topic_id), "topic", topic_id
    )
    (public,) = build_topics(connection, [row])
    events = refs.event_refs(
        connection,
        select(event)
        .join(event_topic, event_topic.c.event_id == event.c.id)
        .where(event_topic.c.topic_id == topic_id)
        .order_by(event.c.start_first, event.c.id),
    )
    statements = refs.statement_refs(
        connection,
        refs.statements_where(
            statement.c.id.in_(
                select(statement_topic.c.statement_id).where(statement_topic.c.topic_id == topic_id)
            )
        ),
    )
    return TopicDetail(**dict(public), events=events, statements=statements)


TOPICS = RowListing(item=TopicPublic, filtered=filtered, keysets=KEYSETS, build=build_topics)
