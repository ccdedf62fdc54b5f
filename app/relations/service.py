"""Relations between two countries: the dossier of a pair, read mostly from the pair tables."""

from typing import Any

from pydantic import TypeAdapter, ValidationError
from sqlalchemy import (
    ColumnElement,
    Connection,
    Date,
    Select,
    String,
    Table,
    and_,
    bindparam,
    case,
    func,
    or_,
    select,
    true,
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
from app.people.models import Person
from app.relations.models import Facet, RelationFacet, RelationItem
from app.relations.schemas import (
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
person = Person.__table__  # type: ignore[attr-defined]
country = Country.__table__  # type: ignore[attr-defined]
item = RelationItem.__table__  # type: ignore[attr-defined]
facet = RelationFacet.__table__  # type: ignore[attr-defined]

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


def with_both(link: Table, id_name: str, pair: tuple[Any, Any]) -> Select[Any]:
    """Ids in a `<thing>_country` link table whose countries include both of the pair."""
    return (
        select(link.c[id_name])
        .where(link.c.country.in_(list(pair)))
        .group_by(link.c[id_name])
        .having(func.count() == len(pair))
    )


def figures_of(pair: tuple[Any, Any]) -> ColumnElement[bool]:
    """Figures whose (country, partner) is the pair, in either order."""
    first, second = pair
    return or_(
        and_(figure.c.country == first, figure.c.partner == second),
        and_(figure.c.country == second, figure.c.partner == first),
    )


# The dossier's statements are built once, with the pair as parameters: building a
# statement costs more CPU than running it on the pair tables (a few index lookups), and
# one statement object is compiled once and cached by SQLAlchemy.
A = bindparam("a", type_=String)
B = bindparam("b", type_=String)
_NAMES = select(country.c.code, country.c.name).where(country.c.code.in_([A, B]))
_FACET_COLUMNS = (facet.c.facet, facet.c.key, facet.c.count, facet.c.evidence)
# Two index-friendly halves (the primary key is (a, b, facet, key)): one OR'd condition
# would read every facet row of the pair, hundreds of topics' among them.
_FACETS = union_all(
    select(*_FACET_COLUMNS).where(
        facet.c.a == A,
        facet.c.b == B,
        facet.c.facet.in_(
            [f.value for f in (Facet.YEAR, Facet.KIND, Facet.ENGAGEMENT, Facet.STATEMENT)]
            + [Facet.CLAIM.value]
        ),
    ),
    select(*_FACET_COLUMNS).where(
        facet.c.a == A,
        facet.c.b == B,
        facet.c.facet.in_([Facet.TOPIC_EVENT.value, Facet.TOPIC_STATEMENT.value]),
        facet.c.key.in_(bindparam("topics", expanding=True)),
    ),
)


def _facets(connection: Connection, pair: Pair, topic_ids: list[str]) -> dict[tuple[str, str], Any]:
    """The pair's precomputed counts (`relation_facet`), by (facet, key): every facet but the
    topics', and the topics' for `topic_ids` only."""
    rows = connection.execute(_FACETS, {"a": pair[0], "b": pair[1], "topics": topic_ids})
    return {(row.facet, row.key): row for row in rows}


def _evidence(row: Any) -> list[str]:
    return row.evidence.split() if row is not None else []


def _of_pair(type_: str) -> list[ColumnElement[bool]]:
    return [item.c.a == A, item.c.b == B, item.c.type == type_]


_FIRST = (
    select(item.c.id)
    .where(*_of_pair("event"), item.c.engaged == true())
    .order_by(item.c.date_first, item.c.id)
    .limit(1)
    .scalar_subquery()
)
# The recent engagements (by id) and the first, marked.
_ENGAGEMENTS = select(event, (event.c.id == _FIRST).label("is_first")).where(
    or_(event.c.id.in_(bindparam("recent", expanding=True)), event.c.id == _FIRST)
)


def get_relations(
    connection: Connection, *, a: str, b: str, valid_at: PartialDate | None = None
) -> RelationsDossier:
    """The dossier of the pair `a`, `b` (either order, alpha-2 or alpha-3).

    Whatever grows with the pair's events is read from the pair tables (`relation_facet`,
    `relation_item`) that every load keeps in step: a few index lookups, whether the pair
    has three events or twenty thousand.
    """
    asked = pair_of(a, b)
    pair = canonical(asked)
    params = {"a": pair[0], "b": pair[1]}
    names = {row.code: row.name for row in connection.execute(_NAMES, params)}
    for code in pair:
        if code not in names:
            raise NotFound("country", code)
    ranked_topics = _ranked_topics(connection, pair)
    facets = _facets(connection, pair, [row.id for row in ranked_topics])

    def of(name: str) -> list[Any]:
        return sorted(
            (row for (facet_, _), row in facets.items() if facet_ == name), key=lambda r: r.key
        )

    recent_ids = list(reversed(_evidence(facets.get((Facet.ENGAGEMENT, "")))))[:RECENT]
    refs_by_id, first = {}, []
    for row in connection.execute(_ENGAGEMENTS, {**params, "recent": recent_ids}):
        refs_by_id[row.id] = refs.event_ref(row)
        if row.is_first:
            first.append(refs_by_id[row.id])
    recent = [refs_by_id[id_] for id_ in recent_ids if id_ in refs_by_id]
    statements = facets.get((Facet.STATEMENT, ""))
    by_kind = sorted(of(Facet.KIND), key=lambda row: (-row.count, row.key))
    return RelationsDossier(
        a=CountryName(code=asked[0], name=names[asked[0]]),
        b=CountryName(code=asked[1], name=names[asked[1]]),
        valid_at=valid_at,
        events_by_year=[
            YearCount(year=int(row.key), count=row.count, events=_evidence(row))
            for row in sorted(of(Facet.YEAR), key=lambda row: int(row.key))
        ],
        events_by_kind=[
            KindCount(kind=row.key, count=row.count, events=_evidence(row)) for row in by_kind
        ],
        first_engagement=first[0] if first else None,
        last_engagement=recent[0] if recent else None,
        recent_events=recent,
        mechanisms=_mechanisms(connection, pair, valid_at),
        latest_figures=_latest_figures(connection, pair),
        claimed_vs_recorded=_claimed_vs_recorded(connection, pair, facets),
        topics=[_topic_rank(row, facets) for row in ranked_topics],
        topics_total=ranked_topics[0].topics if ranked_topics else 0,
        statements=refs.statement_refs(connection, statement.c.id.in_(_evidence(statements)))
        if statements
        else [],
        statements_total=statements.count if statements else 0,
        assessments=_assessments(connection, pair),
    )


def _topic_rank(row: Any, facets: dict[tuple[str, str], Any]) -> TopicRank:
    events = facets.get((Facet.TOPIC_EVENT, row.id))
    said = facets.get((Facet.TOPIC_STATEMENT, row.id))
    return TopicRank(
        topic=Named(id=row.id, name=row.name),
        event_count=events.count if events else 0,
        statement_count=said.count if said else 0,
        total=row.total,
        events=_evidence(events),
        statements=_evidence(said),
    )


_RANKED_TOPICS = (
    select(
        topic.c.id,
        topic.c.name,
        facet.c.count.label("total"),
        func.count().over().label("topics"),
    )
    .join(topic, topic.c.id == facet.c.key)
    .where(facet.c.a == A, facet.c.b == B, facet.c.facet == Facet.TOPIC.value)
    .order_by(facet.c.count.desc(), topic.c.name, topic.c.id)
    .limit(TOPICS)
)


def _ranked_topics(connection: Connection, pair: Pair) -> list[Any]:
    """The `TOPICS` most discussed topics of the pair (id, name, total), each row with the
    number of topics the pair discussed (`topics`)."""
    return list(connection.execute(_RANKED_TOPICS, {"a": pair[0], "b": pair[1]}))


def status_dated(first_or_last: str) -> ColumnElement[Any]:
    """A status change's date, or when undated, the date by which the source reports it."""
    return func.coalesce(
        mechanism_status.c[f"date_{first_or_last}"], mechanism_status.c[f"as_of_{first_or_last}"]
    )


_MECHANISMS = (
    select(mechanism)
    .where(mechanism.c.id.in_(with_both(mechanism_country, "mechanism_id", (A, B))))
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
    connection: Connection, pair: Pair, valid_at: PartialDate | None
) -> list[PairMechanism]:
    rows = list(connection.execute(_MECHANISMS, {"a": pair[0], "b": pair[1]}))
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
    ranked = select(figure, rank).where(figures_of((A, B))).subquery("ranked")
    return (
        select(*(ranked.c[c.key] for c in figure.c))
        .where(ranked.c.rank == 1)
        .order_by(ranked.c.metric, ranked.c.country, ranked.c.partner)
    )


_LATEST_FIGURES = _latest_figures_statement()
_CLAIMS = (
    select(figure)
    .where(figures_of((A, B)), figure.c.metric == Metric.LEADER_MEETINGS.value)
    .order_by(figure.c.period_first, figure.c.id)
)
_ASSESSMENTS = (
    select(assessment)
    .where(assessment.c.id.in_(select(item.c.resource_id).where(*_of_pair("assessment"))))
    .order_by(assessment.c.period_first, assessment.c.id)
)


def _latest_figures(connection: Connection, pair: Pair) -> list[FigurePublic]:
    rows = connection.execute(_LATEST_FIGURES, {"a": pair[0], "b": pair[1]})
    return figures_service.build_figures(connection, list(rows))


def _claimed_vs_recorded(
    connection: Connection, pair: Pair, facets: dict[tuple[str, str], Any]
) -> list[ClaimedVsRecorded]:
    claims = list(connection.execute(_CLAIMS, {"a": pair[0], "b": pair[1]}))
    ids = [row.id for row in claims]
    citations = citations_of(connection, SubjectType.FIGURE, ids)
    result = []
    for row in claims:
        claimed = Quantity(
            value=row.value, unit=row.unit, qualifier=row.qualifier, text=row.value_text
        )
        recorded = facets.get((Facet.CLAIM, row.id))
        count = recorded.count if recorded else 0
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
                events=_evidence(recorded),
                text=f"{words}{number} claimed, {count} recorded",
                citations=citations.get(row.id, []),
            )
        )
    return result


def _assessments(connection: Connection, pair: Pair) -> AssessmentSummary:
    rows = list(connection.execute(_ASSESSMENTS, {"a": pair[0], "b": pair[1]}))
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
