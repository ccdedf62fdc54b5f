"""Relations between two countries: the query parameters and response shapes of the API."""

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, Field

from app.assessments.models import Stance
from app.claims.schemas import DisputedFact
from app.events.models import EventKind
from app.events.schemas import DateRange
from app.figures.schemas import FigurePublic
from app.mechanisms.models import MechanismKind
from app.mechanisms.schemas import StatusChangePublic
from app.pagination import MAX_VALUES, ListQuery
from app.schemas import CitationPublic, EventRef, Named, StatementRef
from app.values import PartialDate, Precision, Quantity

# How many ids a count of the dossier lists as its evidence (the latest ones); the pair
# tables store exactly these (app/relations/derived.py).
EVIDENCE = 10
# How many of the most discussed topics the dossier lists.
TOPICS = 20
# How many of the latest statements the dossier lists (at most `EVIDENCE`: they are the
# evidence of the pair's statement count).
STATEMENTS = EVIDENCE


class RelationsQuery(BaseModel):
    """What the dossier of a pair takes besides the pair."""

    valid_at: PartialDate | None = Field(
        default=None,
        description="Give each mechanism's status as it stood on this date (the latest entry "
        "of its history dated, or reported, on or before the date's last day) instead of "
        "its current status; null where the history has no entry yet.",
        examples=["2019-08"],
    )


class TimelineType(StrEnum):
    EVENT = "event"
    MECHANISM_STATUS = "mechanism_status"
    FIGURE = "figure"
    STATEMENT = "statement"
    ASSESSMENT = "assessment"


class TimelineSort(StrEnum):
    DATE = "date"
    DATE_DESC = "-date"


class TimelineQuery(ListQuery, DateRange):
    type: list[TimelineType] = Field(
        default=[],
        max_length=MAX_VALUES,
        description="Repeatable: only items of any of these types.",
    )
    sort: TimelineSort = Field(
        default=TimelineSort.DATE,
        description="By the first day of the item's date (oldest first by default), then by "
        "type and id.",
    )


class CountryName(BaseModel):
    code: str = Field(description="ISO 3166-1 alpha-2.", examples=["RU"])
    name: str = Field(examples=["Russian Federation"])


EVIDENCE_NOTE = (
    "The evidence: ids of the latest {n} {what} counted (all of them when `{count}` is {n} "
    "or less), oldest first. "
)


class YearCount(BaseModel):
    year: int = Field(examples=[2019])
    count: int = Field(examples=[2])
    events: list[str] = Field(
        description=EVIDENCE_NOTE.format(n=EVIDENCE, what="events", count="count")
        + "Every event of the pair that year: `GET /events?country={a}&country={b}"
        "&date_from={year}&date_to={year}` (engagements are the held ones not part of another)."
    )


class KindCount(BaseModel):
    kind: EventKind
    count: int = Field(examples=[1])
    events: list[str] = Field(
        description=EVIDENCE_NOTE.format(n=EVIDENCE, what="events", count="count")
        + "Every event of the pair of that kind: `GET /events?country={a}&country={b}"
        "&kind={kind}`."
    )


class PairMechanism(BaseModel):
    """A cooperation mechanism of which both countries are members, and its status."""

    id: str = Field(examples=["security-cooperation-committee"])
    name: str = Field(examples=["Security Cooperation Committee"])
    acronym: str | None
    kind: MechanismKind
    status: StatusChangePublic | None = Field(
        description="The current status (the last entry of the history), or with `valid_at` "
        "the status then; null when the history has no entry by that date."
    )
    citations: list[CitationPublic]


class ClaimedVsRecorded(BaseModel):
    """A count of leader meetings that a source claims, beside the meetings the knowledge
    base records for the same period."""

    figure: str = Field(
        description="Id of the `leader_meetings` figure.", examples=["ru-fr-leader-meetings-2018"]
    )
    period: PartialDate
    claimed: Quantity
    recorded: int = Field(
        description="Engagements of the pair (held, top-level) of a meeting kind (a visit, a "
        "bilateral meeting, a summit; not a phone call) whose start lies within the period.",
        examples=[0],
    )
    events: list[str] = Field(
        description=EVIDENCE_NOTE.format(n=EVIDENCE, what="meetings", count="recorded")
        + "Every one: `GET /events?country={a}&country={b}&date_from={period}"
        "&date_to={period}&kind=...` with the meeting kinds."
    )
    text: str = Field(examples=["5 claimed, 0 recorded"])
    citations: list[CitationPublic] = Field(description="The citations of the claim.")


class TopicRank(BaseModel):
    """A topic and how often the pair discussed it."""

    topic: Named
    event_count: int = Field(description="Events of the pair that discussed it.", examples=[2])
    statement_count: int = Field(
        description="Statements made at events of the pair that are about it.", examples=[4]
    )
    total: int = Field(examples=[6])
    events: list[str] = Field(
        description=EVIDENCE_NOTE.format(n=EVIDENCE, what="events", count="event_count")
        + "Every one: `GET /events?country={a}&country={b}&topic={topic}`."
    )
    statements: list[str] = Field(
        description=EVIDENCE_NOTE.format(n=EVIDENCE, what="statements", count="statement_count")
        + "Statements on the topic: `GET /statements?topic={topic}`."
    )


class AssessmentEntry(BaseModel):
    """A judgement of the climate of the pair's relations."""

    id: str = Field(examples=["ru-fr-2019-08-19-talks-priority-to-dialogue"])
    period: PartialDate
    period_end: PartialDate | None
    stance: Stance | None = Field(description="Null: a judgement of something else.")
    holder: str = Field(examples=["author"])
    text: str
    citations: list[CitationPublic]


class AssessmentSummary(BaseModel):
    latest: AssessmentEntry | None = Field(
        description="The assessment of the climate (with a stance) of the latest period (by "
        "its first day, then id)."
    )
    history: list[AssessmentEntry] = Field(description="Every assessment, oldest period first.")


class RelationsDossier(BaseModel):
    """What the knowledge base holds about the relations of two countries.

    The content does not depend on the order of the pair; only `a` and `b` echo it.
    """

    a: CountryName
    b: CountryName
    valid_at: PartialDate | None = Field(
        description="The date the mechanisms' statuses are given at; null: current."
    )
    events_by_year: list[YearCount] = Field(
        description="Engagements of the pair (events involving both, held, not part of another "
        "event: a visit counts, not its talks) by year of their start, oldest first."
    )
    events_by_kind: list[KindCount] = Field(
        description="The same engagements by kind, most frequent first."
    )
    first_engagement: EventRef | None = Field(description="The earliest engagement by start.")
    last_engagement: EventRef | None = Field(description="The latest engagement by start.")
    recent_events: list[EventRef] = Field(description="The last five engagements, newest first.")
    mechanisms: list[PairMechanism] = Field(description="By name.")
    latest_figures: list[FigurePublic] = Field(
        description="For each metric (and direction, for a directional metric such as "
        "`fdi_stock`), the figure of the latest period."
    )
    claimed_vs_recorded: list[ClaimedVsRecorded] = Field(
        description="Each `leader_meetings` figure of the pair beside the meetings recorded "
        "for its period, oldest first."
    )
    topics: list[TopicRank] = Field(
        description=f"The {TOPICS} topics most discussed at held events of the pair (parts "
        "included) or in statements made at events of the pair, most discussed first (ties by "
        "name)."
    )
    topics_total: int = Field(
        description="How many topics the pair discussed (`topics` lists the most discussed).",
        examples=[9],
    )
    statements: list[StatementRef] = Field(
        description=f"The latest {STATEMENTS} statements made at events of the pair (all of "
        "them when `statements_total` is no more), by date, oldest first. Every one: "
        "`GET /relations/{a}/{b}/timeline?type=statement`."
    )
    statements_total: int = Field(
        description="How many statements were made at events of the pair.", examples=[12]
    )
    assessments: AssessmentSummary
    disputed: list[DisputedFact] = Field(
        description="The facts of the pair's records on which their sources disagree (the "
        "value shown is the preferred claim's; each record's `?claims=disputed` shows all)."
    )


class TimelineItem(BaseModel):
    """One dated item about the pair."""

    type: TimelineType
    id: str = Field(examples=["2019-08-19-putin-official-visit-france"])
    date: PartialDate
    precision: Precision
    date_text: str | None = Field(description="The source's own words for a relative date.")
    approximate: bool = Field(
        description="True when the date is a month or a year: the item sorts at the start of "
        "its interval (`sort_date`)."
    )
    date_is_as_of: bool = Field(
        description="True for a status change the source does not date: `date` is then when "
        "the source reports the status, not when it changed."
    )
    sort_date: dt.date = Field(description="The first day of `date`, by which items sort.")
    title: str = Field(examples=["Vladimir Putin's official visit to France"])
    url: str = Field(
        description="The API path to fetch the item (for a status change, its mechanism).",
        examples=["/api/v1/events/2019-08-19-putin-official-visit-france"],
    )
    citations: list[CitationPublic]
    disputed: list[str] = Field(
        default=[],
        description="The item's facts on which its sources disagree (the item's own "
        "`?claims=disputed` shows every source's value).",
    )
