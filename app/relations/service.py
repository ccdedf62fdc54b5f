"""Relations between two countries: the dossier of a pair, counted from the records.

Counts are SQL aggregates over the pair's records (`app.relations.pairs`), and the evidence
of each count (the ids of its latest items) is picked by a window function, so the dossier
reads a few rows per count however long the pair's history.
"""

from collections import defaultdict
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    bindparam,
    func,
    literal,
    select,
    union_all,
)

from app import refs
from app.claims.service import pair_disputes
from app.countries.models import Country
from app.errors import NotFound
from app.events.models import EventTopic
from app.relations import standing
from app.relations.pairs import (
    ENGAGED,
    A,
    B,
    canonical,
    event,
    events_of_pair,
    pair_of,
    statement,
)
from app.relations.schemas import (
    EVIDENCE,
    STATEMENTS,
    TOPICS,
    CountryName,
    KindCount,
    RelationsDossier,
    TopicRank,
    YearCount,
)
from app.schemas import Named
from app.statements.models import StatementTopic
from app.topics.models import Topic
from app.values import PartialDate

event_topic = EventTopic.__table__  # type: ignore[attr-defined]
statement_topic = StatementTopic.__table__  # type: ignore[attr-defined]
topic = Topic.__table__  # type: ignore[attr-defined]
country = Country.__table__  # type: ignore[attr-defined]

RECENT = 5


# Held events of both, parts included, on each topic; statements made at events of both on it.
_TOPIC_ITEMS = union_all(
    select(
        event_topic.c.topic_id,
        literal("event").label("type"),
        event.c.id,
        event.c.start_first.label("date_first"),
    )
    .join(event, event.c.id == event_topic.c.event_id)
    .where(event.c.id.in_(events_of_pair()), event.c.status == "held"),
    select(
        statement_topic.c.topic_id,
        literal("statement").label("type"),
        statement.c.id,
        statement.c.date_first,
    )
    .join(statement, statement.c.id == statement_topic.c.statement_id)
    .where(statement.c.event_id.in_(events_of_pair())),
).subquery("topic_items")
_PAIR_STATEMENTS = select(statement.c.id, statement.c.date_first).where(
    statement.c.event_id.in_(events_of_pair())
)


def _latest(
    items: Any, *groups: ColumnElement[Any], date: ColumnElement[Any], where: Any = None
) -> Select[Any]:
    """Per group of `items` (those `where` keeps), the id and rank of its latest `EVIDENCE`
    items (rank 1: the latest)."""
    rank = (
        func.row_number()
        .over(partition_by=list(groups), order_by=(date.desc(), items.c.id.desc()))
        .label("rank")
    )
    statement = select(*groups, items.c.id, rank)
    if where is not None:
        statement = statement.where(where)
    ranked = statement.subquery("ranked")
    return select(ranked).where(ranked.c.rank <= EVIDENCE)


def _evidence(connection: Connection, statement_: Select[Any], params: dict[str, Any]) -> Any:
    """Group key(s) -> ids of its latest items, oldest first."""
    found: dict[Any, list[tuple[int, str]]] = defaultdict(list)
    for row in connection.execute(statement_, params):
        *key, id_, rank = row
        found[tuple(key) if len(key) > 1 else key[0]].append((rank, id_))
    return {key: [id_ for _, id_ in sorted(ranked, reverse=True)] for key, ranked in found.items()}


_BY_YEAR = select(ENGAGED.c.year, func.count()).group_by(ENGAGED.c.year)
_BY_KIND = select(ENGAGED.c.kind, func.count()).group_by(ENGAGED.c.kind)
_YEAR_EVIDENCE = _latest(ENGAGED, ENGAGED.c.year, date=ENGAGED.c.start_first)
_KIND_EVIDENCE = _latest(ENGAGED, ENGAGED.c.kind, date=ENGAGED.c.start_first)
_FIRST = select(ENGAGED.c.id).order_by(ENGAGED.c.start_first, ENGAGED.c.id).limit(1)
_RECENT = (
    select(ENGAGED.c.id).order_by(ENGAGED.c.start_first.desc(), ENGAGED.c.id.desc()).limit(RECENT)
)
_EVENT_REFS = select(event).where(event.c.id.in_(bindparam("ids", expanding=True)))
_TOPIC_COUNTS = (
    select(
        topic.c.id,
        topic.c.name,
        func.count().filter(_TOPIC_ITEMS.c.type == "event").label("events"),
        func.count().filter(_TOPIC_ITEMS.c.type == "statement").label("statements"),
        func.count().label("total"),
        func.count().over().label("topics"),
    )
    .join(topic, topic.c.id == _TOPIC_ITEMS.c.topic_id)
    .group_by(topic.c.id, topic.c.name)
    .order_by(func.count().desc(), topic.c.name, topic.c.id)
    .limit(TOPICS)
)
_TOPIC_EVIDENCE = _latest(
    _TOPIC_ITEMS,
    _TOPIC_ITEMS.c.topic_id,
    _TOPIC_ITEMS.c.type,
    date=_TOPIC_ITEMS.c.date_first,
    where=_TOPIC_ITEMS.c.topic_id.in_(bindparam("topics", expanding=True)),
)
_STATEMENT_COUNT = select(func.count()).select_from(_PAIR_STATEMENTS.subquery())
_LATEST_STATEMENTS = (
    select(statement.c.id)
    .where(statement.c.event_id.in_(events_of_pair()))
    .order_by(statement.c.date_first.desc(), statement.c.id.desc())
    .limit(STATEMENTS)
)
_NAMES = select(country.c.code, country.c.name).where(country.c.code.in_([A, B]))


def get_relations(
    connection: Connection, *, a: str, b: str, valid_at: PartialDate | None = None
) -> RelationsDossier:
    """The dossier of the pair `a`, `b` (either order, alpha-2 or alpha-3)."""
    asked = pair_of(a, b)
    pair = canonical(asked)
    params = {"a": pair[0], "b": pair[1]}
    names = {row.code: row.name for row in connection.execute(_NAMES, params)}
    for code in pair:
        if code not in names:
            raise NotFound("country", code)
    year_evidence = _evidence(connection, _YEAR_EVIDENCE, params)
    kind_evidence = _evidence(connection, _KIND_EVIDENCE, params)
    by_kind = sorted(connection.execute(_BY_KIND, params), key=lambda row: (-row[1], row[0]))
    first = connection.execute(_FIRST, params).scalars().all()
    recent_ids = connection.execute(_RECENT, params).scalars().all()
    refs_by_id = {
        ref.id: ref
        for ref in refs.event_refs(connection, _EVENT_REFS.params(ids=[*first, *recent_ids]))
    }
    recent = [refs_by_id[id_] for id_ in recent_ids]
    statements_total = connection.execute(_STATEMENT_COUNT, params).scalar_one()
    latest_statements = connection.execute(_LATEST_STATEMENTS, params).scalars().all()
    topics_total, topics = _topics(connection, params)
    return RelationsDossier(
        a=CountryName(code=asked[0], name=names[asked[0]]),
        b=CountryName(code=asked[1], name=names[asked[1]]),
        valid_at=valid_at,
        events_by_year=[
            YearCount(year=year, count=count, events=year_evidence[year])
            for year, count in sorted(connection.execute(_BY_YEAR, params))
        ],
        events_by_kind=[
            KindCount(kind=kind, count=count, events=kind_evidence[kind]) for kind, count in by_kind
        ],
        first_engagement=refs_by_id[first[0]] if first else None,
        last_engagement=recent[0] if recent else None,
        recent_events=recent,
        mechanisms=standing.mechanisms(connection, params, valid_at),
        latest_figures=standing.latest_figures(connection, params),
        claimed_vs_recorded=standing.claimed_vs_recorded(connection, params),
        topics=topics,
        topics_total=topics_total,
        statements=refs.statement_refs(
            connection, refs.statements_where(statement.c.id.in_(latest_statements))
        )
        if latest_statements
        else [],
        statements_total=statements_total,
        assessments=standing.assessments(connection, params),
        disputed=pair_disputes(connection, params),
    )


def _topics(connection: Connection, params: dict[str, Any]) -> tuple[int, list[TopicRank]]:
    """How many topics the pair discussed, and the `TOPICS` most discussed."""
    rows = list(connection.execute(_TOPIC_COUNTS, params))
    evidence = _evidence(connection, _TOPIC_EVIDENCE, {**params, "topics": [r.id for r in rows]})
    return rows[0].topics if rows else 0, [
        TopicRank(
            topic=Named(id=row.id, name=row.name),
            event_count=row.events,
            statement_count=row.statements,
            total=row.total,
            events=evidence.get((row.id, "event"), []),
            statements=evidence.get((row.id, "statement"), []),
        )
        for row in rows
    ]
