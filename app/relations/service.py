"""Relations between two countries: the dossier of a pair and its timeline, computed in SQL."""

from typing import Any

from pydantic import TypeAdapter, ValidationError
from sqlalchemy import (
    ColumnElement,
    Connection,
    Integer,
    Select,
    Table,
    and_,
    case,
    cast,
    extract,
    func,
    literal_column,
    or_,
    select,
    union_all,
)

from app import refs
from app.assessments.models import Assessment, AssessmentCountry
from app.countries.models import Country
from app.errors import InvalidInput, NotFound
from app.events.models import Event, EventCountry, EventKind, EventStatus, EventTopic
from app.figures import service as figures_service
from app.figures.models import Figure, Metric
from app.figures.schemas import FigurePublic
from app.mechanisms import service as mechanisms_service
from app.mechanisms.models import Mechanism, MechanismCountry, MechanismStatusChange
from app.people.models import Person
from app.queries import grouped
from app.relations.schemas import (
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
person = Person.__table__  # type: ignore[attr-defined]
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
# Where each timeline item is fetched (app.api's prefix: importing it here would be circular).


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


def with_both(link: Table, id_name: str, pair: Pair) -> Select[Any]:
    """Ids in a `<thing>_country` link table whose countries include both of the pair."""
    return (
        select(link.c[id_name])
        .where(link.c.country.in_(pair))
        .group_by(link.c[id_name])
        .having(func.count() == len(pair))
    )


def pair_events(pair: Pair) -> Select[Any]:
    return with_both(event_country, "event_id", pair)


def _engaged(pair: Pair) -> list[ColumnElement[bool]]:
    """Engagements: events of the pair that were held and are not part of another event."""
    return [
        event.c.id.in_(pair_events(pair)),
        event.c.status == EventStatus.HELD.value,
        event.c.parent_id.is_(None),
    ]


def figures_of(pair: Pair) -> ColumnElement[bool]:
    """Figures whose (country, partner) is the pair, in either order."""
    first, second = pair
    return or_(
        and_(figure.c.country == first, figure.c.partner == second),
        and_(figure.c.country == second, figure.c.partner == first),
    )


def get_relations(
    connection: Connection, *, a: str, b: str, valid_at: PartialDate | None = None
) -> RelationsDossier:
    """The dossier of the pair `a`, `b` (either order, alpha-2 or alpha-3)."""
    asked = pair_of(a, b)
    pair = canonical(asked)
    names = {
        row.code: row.name
        for row in connection.execute(
            select(country.c.code, country.c.name).where(country.c.code.in_(pair))
        )
    }
    for code in pair:
        if code not in names:
            raise NotFound("country", code)
    engaged = _engaged(pair)
    first = refs.event_refs(
        connection, select(event).where(*engaged).order_by(event.c.start_first, event.c.id).limit(1)
    )
    recent = refs.event_refs(
        connection,
        select(event)
        .where(*engaged)
        .order_by(event.c.start_first.desc(), event.c.id.desc())
        .limit(RECENT),
    )
    return RelationsDossier(
        a=CountryName(code=asked[0], name=names[asked[0]]),
        b=CountryName(code=asked[1], name=names[asked[1]]),
        valid_at=valid_at,
        events_by_year=_by_year(connection, pair),
        events_by_kind=_by_kind(connection, pair),
        first_engagement=first[0] if first else None,
        last_engagement=recent[0] if recent else None,
        recent_events=recent,
        mechanisms=_mechanisms(connection, pair, valid_at),
        latest_figures=_latest_figures(connection, pair),
        claimed_vs_recorded=_claimed_vs_recorded(connection, pair),
        topics=_topics(connection, pair),
        statements=refs.statement_refs(connection, statement.c.event_id.in_(pair_events(pair))),
        assessments=_assessments(connection, pair),
    )


def _by_year(connection: Connection, pair: Pair) -> list[YearCount]:
    year = cast(extract("year", event.c.start_first), Integer)
    evidence = grouped(
        connection,
        select(year, event.c.id)
        .where(*_engaged(pair))
        .order_by(year, event.c.start_first, event.c.id),
    )
    counts = connection.execute(
        select(year.label("year"), func.count().label("number"))
        .where(*_engaged(pair))
        .group_by(year)
        .order_by(year)
    )
    return [
        YearCount(year=row.year, count=row.number, events=[r.id for r in evidence[row.year]])
        for row in counts
    ]


def _by_kind(connection: Connection, pair: Pair) -> list[KindCount]:
    evidence = grouped(
        connection,
        select(event.c.kind, event.c.id)
        .where(*_engaged(pair))
        .order_by(event.c.kind, event.c.start_first, event.c.id),
    )
    counts = connection.execute(
        select(event.c.kind, func.count().label("number"))
        .where(*_engaged(pair))
        .group_by(event.c.kind)
        .order_by(func.count().desc(), event.c.kind)
    )
    return [
        KindCount(kind=row.kind, count=row.number, events=[r.id for r in evidence[row.kind]])
        for row in counts
    ]


def status_dated(first_or_last: str) -> ColumnElement[Any]:
    """A status change's date, or when undated, the date by which the source reports it."""
    return func.coalesce(
        mechanism_status.c[f"date_{first_or_last}"], mechanism_status.c[f"as_of_{first_or_last}"]
    )


def _mechanisms(
    connection: Connection, pair: Pair, valid_at: PartialDate | None
) -> list[PairMechanism]:
    rows = list(
        connection.execute(
            select(mechanism)
            .where(mechanism.c.id.in_(with_both(mechanism_country, "mechanism_id", pair)))
            .order_by(mechanism.c.name, mechanism.c.id)
        )
    )
    ids = [row.id for row in rows]
    latest = select(
        mechanism_status.c.mechanism_id, func.max(mechanism_status.c.ordinal).label("ordinal")
    ).where(mechanism_status.c.mechanism_id.in_(ids))
    if valid_at is not None:
        latest = latest.where(status_dated("first") <= valid_at.last)
    latest_ = latest.group_by(mechanism_status.c.mechanism_id).subquery("latest")
    status_rows = list(
        connection.execute(
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


def _latest_figures(connection: Connection, pair: Pair) -> list[FigurePublic]:
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
    ranked = select(figure, rank).where(figures_of(pair)).subquery("ranked")
    rows = connection.execute(
        select(*(ranked.c[c.key] for c in figure.c))
        .where(ranked.c.rank == 1)
        .order_by(ranked.c.metric, ranked.c.country, ranked.c.partner)
    )
    return figures_service.build_figures(connection, list(rows))


def _claimed_vs_recorded(connection: Connection, pair: Pair) -> list[ClaimedVsRecorded]:
    claims = list(
        connection.execute(
            select(figure)
            .where(figures_of(pair), figure.c.metric == Metric.LEADER_MEETINGS.value)
            .order_by(figure.c.period_first, figure.c.id)
        )
    )
    ids = [row.id for row in claims]
    recorded = grouped(
        connection,
        select(figure.c.id, event.c.id.label("event_id"))
        .select_from(
            figure.join(
                event,
                and_(
                    event.c.start_first >= figure.c.period_first,
                    event.c.start_last <= figure.c.period_last,
                ),
            )
        )
        .where(
            figure.c.id.in_(ids),
            *_engaged(pair),
            event.c.kind.in_([kind.value for kind in MEETING_KINDS]),
        )
        .order_by(figure.c.id, event.c.start_first, event.c.id),
    )
    citations = citations_of(connection, SubjectType.FIGURE, ids)
    result = []
    for row in claims:
        claimed = Quantity(
            value=row.value, unit=row.unit, qualifier=row.qualifier, text=row.value_text
        )
        meetings = [r.event_id for r in recorded.get(row.id, [])]
        number = int(row.value) if float(row.value).is_integer() else row.value
        words = QUALIFIER_WORDS.get(claimed.qualifier, "")
        result.append(
            ClaimedVsRecorded(
                figure=row.id,
                period=PartialDate.required(
                    row.period_first, row.period_last, row.period_precision
                ),
                claimed=claimed,
                recorded=len(meetings),
                events=meetings,
                text=f"{words}{number} claimed, {len(meetings)} recorded",
                citations=citations.get(row.id, []),
            )
        )
    return result


def _topics(connection: Connection, pair: Pair) -> list[TopicRank]:
    discussed = (
        select(event_topic.c.topic_id, event_topic.c.event_id)
        .join(event, event.c.id == event_topic.c.event_id)
        .where(event.c.id.in_(pair_events(pair)), event.c.status == EventStatus.HELD.value)
    )
    said = select(statement_topic.c.topic_id, statement_topic.c.statement_id).where(
        statement_topic.c.statement_id.in_(
            select(statement.c.id).where(statement.c.event_id.in_(pair_events(pair)))
        )
    )
    mentions = union_all(
        discussed.with_only_columns(event_topic.c.topic_id, literal_column("1").label("on_event")),
        said.with_only_columns(statement_topic.c.topic_id, literal_column("0").label("on_event")),
    ).subquery("mentions")
    event_count = func.sum(mentions.c.on_event)
    ranked = connection.execute(
        select(
            topic.c.id,
            topic.c.name,
            func.count().label("total"),
            event_count.label("event_count"),
        )
        .join(topic, topic.c.id == mentions.c.topic_id)
        .group_by(topic.c.id, topic.c.name)
        .order_by(func.count().desc(), topic.c.name, topic.c.id)
    )
    events = grouped(connection, discussed.order_by(event_topic.c.topic_id, event_topic.c.event_id))
    statements = grouped(
        connection, said.order_by(statement_topic.c.topic_id, statement_topic.c.statement_id)
    )
    return [
        TopicRank(
            topic=Named(id=row.id, name=row.name),
            event_count=row.event_count,
            statement_count=row.total - row.event_count,
            total=row.total,
            events=[r.event_id for r in events.get(row.id, [])],
            statements=[r.statement_id for r in statements.get(row.id, [])],
        )
        for row in ranked
    ]


def _assessments(connection: Connection, pair: Pair) -> AssessmentSummary:
    rows = list(
        connection.execute(
            select(assessment)
            .where(assessment.c.id.in_(with_both(assessment_country, "assessment_id", pair)))
            .order_by(assessment.c.period_first, assessment.c.id)
        )
    )
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
