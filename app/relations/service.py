"""Relations between two countries: the dossier of a pair, counted from the records.

A pair's events are those whose `event_country` rows name both countries; its mechanisms,
assessments and figures, those of both. Counts are SQL aggregates over them, and the
evidence of each count (the ids of its latest items) is picked by a window function, so the
dossier reads a few rows per count however long the pair's history.
"""

from collections import defaultdict
from typing import Any

from pydantic import TypeAdapter, ValidationError
from sqlalchemy import (
    ColumnElement,
    Connection,
    Date,
    Integer,
    Select,
    String,
    Table,
    and_,
    bindparam,
    case,
    cast,
    extract,
    func,
    literal,
    or_,
    select,
    union_all,
)

from app import refs
from app.assessments.models import Assessment, AssessmentCountry
from app.countries.models import Country
from app.errors import InvalidInput, NotFound
from app.events.models import Event, EventCountry, EventKind, EventTopic
from app.figures import service as figures_service
from app.figures.models import Figure, Metric
from app.figures.schemas import FigurePublic
from app.mechanisms import service as mechanisms_service
from app.mechanisms.models import Mechanism, MechanismCountry, MechanismStatusChange
from app.relations.schemas import (
    EVIDENCE,
    STATEMENTS,
    TOPICS,
    AssessmentEntry,
    AssessmentSummary,
    ClaimedVsRecorded,
    CountryName,
    KindCount,
    PairMechanism,
    RelationsDossier,
    TopicRank,
    YearCount,
)
from app.schemas import Named
from app.sources.models import SubjectType
from app.sources.service import citations_of
from app.statements.models import Statement, StatementTopic
from app.topics.models import Topic
from app.values import CountryCode, PartialDate, Qualifier, Quantity

event = Event.__table__  # type: ignore[attr-defined]
event_country = EventCountry.__table__  # type: ignore[attr-defined]
event_topic = EventTopic.__table__  # type: ignore[attr-defined]
mechanism = Mechanism.__table__  # type: ignore[attr-defined]
mechanism_country = MechanismCountry.__table__  # type: ignore[attr-defined]
mechanism_status = MechanismStatusChange.__table__  # type: ignore[attr-defined]
figure = Figure.__table__  # type: ignore[attr-defined]
statement = Statement.__table__  # type: ignore[attr-defined]
statement_topic = StatementTopic.__table__  # type: ignore[attr-defined]
assessment = Assessment.__table__  # type: ignore[attr-defined]
assessment_country = AssessmentCountry.__table__  # type: ignore[attr-defined]
topic = Topic.__table__  # type: ignore[attr-defined]
country = Country.__table__  # type: ignore[attr-defined]

Pair = tuple[str, str]
COUNTRY_CODE: TypeAdapter[str] = TypeAdapter(CountryCode)
RECENT = 5
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
A = bindparam("a", type_=String)
B = bindparam("b", type_=String)


def pair_of(a: str, b: str) -> Pair:
    """The pair as upper-case alpha-2 codes, in the order given.

    An unknown code is a `NotFound`; the same country twice is an `InvalidInput`.
    """
    codes = []
    for code in (a, b):
        try:
            codes.append(COUNTRY_CODE.validate_python(code))
        except ValidationError:
            raise NotFound("country", code) from None
    if codes[0] == codes[1]:
        raise InvalidInput(("path", "b"), "the two countries of a pair must differ")
    return codes[0], codes[1]


def canonical(pair: Pair) -> Pair:
    """The order every query uses, so that the content does not depend on the order asked."""
    first, second = sorted(pair)
    return first, second


def with_both(link: Table, id_name: str) -> Select[Any]:
    """Ids in a `<thing>_country` link table whose countries include both of the pair."""
    one, other = link.alias("one"), link.alias("other")
    return (
        select(one.c[id_name])
        .join(other, and_(other.c[id_name] == one.c[id_name], other.c.country == B))
        .where(one.c.country == A)
    )


def events_of_pair() -> Select[Any]:
    """The events involving both countries (ids in `event_country` under `A` and `B`)."""
    return with_both(event_country, "event_id")


def figures_of_pair() -> ColumnElement[bool]:
    """Figures whose (country, partner) is the pair, in either order."""
    return or_(
        and_(figure.c.country == A, figure.c.partner == B),
        and_(figure.c.country == B, figure.c.partner == A),
    )


def status_dated(first_or_last: str) -> ColumnElement[Any]:
    """A status change's date, or when undated, the date by which the source reports it."""
    return func.coalesce(
        mechanism_status.c[f"date_{first_or_last}"], mechanism_status.c[f"as_of_{first_or_last}"]
    )


# The pair's engagements: events of both, held, not part of another (a visit, not its talks).
_ENGAGED = (
    select(
        event.c.id,
        event.c.kind,
        event.c.start_first,
        event.c.start_last,
        cast(extract("year", event.c.start_first), Integer).label("year"),
    )
    .where(
        event.c.id.in_(events_of_pair()),
        event.c.status == "held",
        event.c.parent_id.is_(None),
    )
    .subquery("engaged")
)
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


_BY_YEAR = select(_ENGAGED.c.year, func.count()).group_by(_ENGAGED.c.year)
_BY_KIND = select(_ENGAGED.c.kind, func.count()).group_by(_ENGAGED.c.kind)
_YEAR_EVIDENCE = _latest(_ENGAGED, _ENGAGED.c.year, date=_ENGAGED.c.start_first)
_KIND_EVIDENCE = _latest(_ENGAGED, _ENGAGED.c.kind, date=_ENGAGED.c.start_first)
_FIRST = select(_ENGAGED.c.id).order_by(_ENGAGED.c.start_first, _ENGAGED.c.id).limit(1)
_RECENT = (
    select(_ENGAGED.c.id)
    .order_by(_ENGAGED.c.start_first.desc(), _ENGAGED.c.id.desc())
    .limit(RECENT)
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
        mechanisms=_mechanisms(connection, params, valid_at),
        latest_figures=_latest_figures(connection, params),
        claimed_vs_recorded=_claimed_vs_recorded(connection, params),
        topics=topics,
        topics_total=topics_total,
        statements=refs.statement_refs(connection, statement.c.id.in_(latest_statements))
        if latest_statements
        else [],
        statements_total=statements_total,
        assessments=_assessments(connection, params),
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


def _mechanisms(
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
# The engagements of a meeting kind within a claim's period.
_MET = (
    select(_ENGAGED.c.id)
    .where(
        _ENGAGED.c.kind.in_([kind.value for kind in MEETING_KINDS]),
        _ENGAGED.c.start_first >= bindparam("period_first", type_=Date),
        _ENGAGED.c.start_last <= bindparam("period_last", type_=Date),
    )
    .order_by(_ENGAGED.c.start_first.desc(), _ENGAGED.c.id.desc())
)
_MET_COUNT = select(func.count()).select_from(_MET.subquery())
_ASSESSMENTS = (
    select(assessment)
    .where(assessment.c.id.in_(with_both(assessment_country, "assessment_id")))
    .order_by(assessment.c.period_first, assessment.c.id)
)


def _latest_figures(connection: Connection, params: dict[str, Any]) -> list[FigurePublic]:
    rows = connection.execute(_LATEST_FIGURES, params)
    return figures_service.build_figures(connection, list(rows))


def _claimed_vs_recorded(connection: Connection, params: dict[str, Any]) -> list[ClaimedVsRecorded]:
    claims = list(connection.execute(_CLAIMS, params))
    citations = citations_of(connection, SubjectType.FIGURE, [row.id for row in claims])
    result = []
    for row in claims:
        claimed = Quantity(
            value=row.value, unit=row.unit, qualifier=row.qualifier, text=row.value_text
        )
        period = {**params, "period_first": row.period_first, "period_last": row.period_last}
        count = connection.execute(_MET_COUNT, period).scalar_one()
        latest = connection.execute(_MET.limit(EVIDENCE), period).scalars().all()
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


def _assessments(connection: Connection, params: dict[str, Any]) -> AssessmentSummary:
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
    # like every descending keyset.
    return AssessmentSummary(latest=history[-1] if history else None, history=history)
