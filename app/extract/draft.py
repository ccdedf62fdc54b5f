"""The draft: every candidate fact as a seed bundle (docs/AUTHORING.md), to review and load."""

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import yaml

from app.extract import geo
from app.extract.article import Article, read
from app.extract.claims import (
    find_assessments,
    find_mechanisms,
    find_organizations,
)
from app.extract.dates import When
from app.extract.eventparts import VISITS, Event, assign_ids, places_in, title
from app.extract.events import find_events
from app.extract.figures import find_figures
from app.extract.known import Known, slug
from app.extract.statements import Statement, find_statements
from app.extract.topics import find_topics
from app.seeding.semantics import date_mentions
from app.values import PartialDate


def _dated(record: dict[str, Any], key: str, when: When, text_key: str | None = None) -> None:
    record[key] = when.start
    if when.text:
        record[text_key or f"{key}_text"] = when.text


def _unique(base: str, used: set[str]) -> str:
    found, number = base, 2
    while found in used:
        found, number = f"{base}-{number}", number + 1
    used.add(found)
    return found


def extract(text: str, published: dt.date, source: dict[str, Any], known: Known) -> dict[str, Any]:
    """The draft bundle of `text`, `source` its source record (without its text)."""
    article = read(text, published, known)
    source_id = source["id"]
    bundle: dict[str, Any] = {"default_source": source_id, "sources": [source]}
    organizations = find_organizations(article)
    org_ids = {
        acronym: (known.find("organization", acronym) or (slug(name), name))[0]
        for acronym, (name, _, _) in organizations.items()
    }
    bundle["organizations"] = [
        {"id": org_ids[a], "name": name, "acronym": a, "kind": kind, "citations": [cited]}
        for a, (name, kind, cited) in organizations.items()
    ]
    events = _agreeing(
        find_events(article), PartialDate.parse(source.get("published") or published.isoformat())
    )
    assign_ids(events)
    people_ids = {p.id for e in events for p in e.people}
    statements = find_statements(article)
    people_ids |= {s.speaker.id for s in statements if s.speaker}
    bundle["people"] = [
        _person(p, published)
        for p in article.people.by_id.values()
        if p.title or p.id in people_ids
    ]
    bundle["places"] = _places(events, article, known)
    topics = find_topics(article)
    topic_ids = {name: (known.find("topic", name) or (slug(name), name))[0] for name in topics}
    bundle["topics"] = [
        {"id": topic_ids[t.name], "name": t.name, "category": t.category, "citations": t.citations}
        for t in topics.values()
    ]
    sentence_events = _events_by_sentence(article, events)
    for topic in topics.values():
        for index in topic.sentences:
            for event in sentence_events.get(index, []):
                if topic_ids[topic.name] not in event.topics:
                    event.topics.append(topic_ids[topic.name])
    bundle["events"] = [_event(e, bundle["places"]) for e in events]
    bundle["mechanisms"] = [_mechanism(m, known) for m in find_mechanisms(article)]
    used: set[str] = set()
    bundle["figures"] = [_figure(f, used) for f in find_figures(article)]
    bundle["statements"] = _statements(statements, sentence_events, published, used)
    bundle["assessments"] = [
        _assessment(a, org_ids, used) for a in find_assessments(article, organizations)
    ]
    return {key: value for key, value in bundle.items() if value}


def _agreeing(events: list[Event], published: PartialDate) -> list[Event]:
    """The events, each citing only the sentences whose dates agree with its own, as
    `entente validate` reads them (app.seeding.semantics), or the longest run of a
    sentence's clauses that does ("Putin met Zelensky" of "Putin met Zelensky, who took
    office in May, ..."); an event none of whose sentences agrees is left out."""
    kept = []
    for event in events:
        assert event.start is not None
        first = PartialDate.parse(event.start.start).first
        last = PartialDate.parse(event.start.end or event.start.start).last

        def agrees(words: str, first: dt.date = first, last: dt.date = last) -> bool:
            said = date_mentions(words, published)
            return not said or any(m.overlaps(first, last) for m in said)

        trimmed = [cited if agrees(cited) else _clauses_agreeing(cited, agrees)
                   for cited in event.citations]  # fmt: skip
        event.citations = [cited for cited in trimmed if cited]
        said = date_mentions(event.start.text or "", published)
        if said and not any(m.overlaps(first, last) for m in said):
            event.start = When(event.start.start, event.start.end)  # words of another date
        if event.citations:
            kept.append(event)
    return kept


def _clauses_agreeing(sentence: str, agrees: Callable[[str], bool]) -> str | None:
    """The longest run of the sentence's comma-separated clauses that `agrees`, if it holds
    at least four words."""
    cuts = [0, *(m.end() for m in re.finditer(r",\s+", sentence)), len(sentence) + 2]
    runs = [
        sentence[cuts[a] : cuts[b] - 2].strip(" ,")
        for a in range(len(cuts) - 1)
        for b in range(a + 1, len(cuts))
    ]
    fitting = [run for run in runs if len(run.split()) >= 4 and agrees(run)]
    return max(fitting, key=len) if fitting else None


def _events_by_sentence(article: Article, events: list[Event]) -> dict[int, list[Event]]:
    found: dict[int, list[Event]] = {}
    for index, sentence in enumerate(article.sentences):
        found[index] = [e for e in events if any(c in sentence.text for c in e.citations)]
        discussed = any(w in sentence.lower() for w in ("discuss", "topics", "agenda", "talks"))
        if not found[index] and discussed and index and found.get(index - 1):
            found[index] = found[index - 1]
    return found


def _person(person: Any, published: dt.date) -> dict[str, Any]:
    record: dict[str, Any] = {"id": person.id, "name": person.name}
    if person.country:
        record["country"] = person.country
    if person.title and person.title_citation:
        position: dict[str, Any] = {"title": person.title}
        if person.country:
            position = {
                "title": f"{person.title} of {geo.country_name(person.country)}",
                "country": person.country,
            }
        position["held_on"] = published.strftime("%Y-%m")
        position["citations"] = [person.title_citation]
        record["positions"] = [position]
    record["citations"] = person.citations[:3]
    return record


def _places(events: list[Event], article: Article, known: Known) -> list[dict[str, Any]]:
    """The places of the events, then the other places their sentences name, and buildings
    named anywhere ("the Great Hall of the People"), each in the country its sentence
    gives it."""
    named = [(e.place, e.citations[0]) for e in events if e.place]
    for sentence in article.sentences:
        spoken = [e for e in events if any(c in sentence.text for c in e.citations)]
        host = next((e.host for e in spoken if e.host), None)
        here = places_in(sentence, host or (article.pair[0] if article.pair else None))
        named += [(p, sentence.text) for p in here if spoken or p[1] != "city"]
    places: dict[str, dict[str, Any]] = {}
    for (name, kind, country), cited in named:
        known_id = known.find("place", name)
        place_id = known_id[0] if known_id else slug(name)
        if any(name in p["name"] for p in places.values()):
            continue  # "Bellevue" after "Bellevue Palace"
        places.setdefault(
            place_id,
            {"id": place_id, "name": name, "country": country, "kind": kind, "citations": [cited]},
        )
    return list(places.values())


def _event(event: Event, places: list[dict[str, Any]]) -> dict[str, Any]:
    assert event.start is not None
    record: dict[str, Any] = {"id": event.id, "kind": event.kind}
    if event.scheduled:
        record["status"] = "scheduled"
    record["title"] = title(event)
    _dated(record, "start", event.start)
    if event.start.end:
        record["end"] = event.start.end
    if event.place:
        record["place"] = next(p["id"] for p in places if p["name"] == event.place[0])
    if event.host:
        record["host_country"] = event.host
    record["countries"] = event.countries
    if event.people:
        record["participants"] = [
            {"person": p.id, "role": _role(event, p.country)} for p in event.people
        ]
    if event.duration:
        record["duration"] = event.duration
    if event.joint_statement is not None:
        record["outcomes"] = {"joint_statement": event.joint_statement}
    if event.part_of:
        record["part_of"] = event.part_of
    if event.topics:
        record["topics"] = event.topics
    record["citations"] = event.citations
    return record


def _role(event: Event, country: str | None) -> str:
    if event.host is None or country is None or event.kind == "phone_call":
        return "participant"
    return "host" if country == event.host else "guest"


def _mechanism(mechanism: Any, known: Known) -> dict[str, Any]:
    found = known.find("mechanism", mechanism.name)
    change: dict[str, Any] = {"status": mechanism.status}
    if mechanism.dated:
        _dated(change, "date", mechanism.when)
    else:
        change["as_of"] = mechanism.when.start
    change["citations"] = mechanism.citations[:1]
    return {
        "id": found[0] if found else slug(mechanism.name),
        "name": mechanism.name,
        "kind": mechanism.kind,
        "countries": mechanism.countries,
        "status_history": [change],
        "citations": mechanism.citations,
    }


def _figure(figure: Any, used: set[str]) -> dict[str, Any]:
    base = slug(f"{figure.country}-{figure.partner}-{figure.metric}-{figure.period.start}")
    record: dict[str, Any] = {
        "id": _unique(base, used),
        "metric": figure.metric,
        "country": figure.country,
        "partner": figure.partner,
    }
    _dated(record, "period", figure.period)
    record["value"] = figure.value
    if figure.change:
        record["change"] = figure.change
    record["citations"] = [figure.citation]
    return record


def _statements(
    statements: list[Statement],
    sentence_events: dict[int, list[Event]],
    published: dt.date,
    used: set[str],
) -> list[dict[str, Any]]:
    """Each statement dated by the event its sentence, or the nearest one before it, speaks
    of; "the two leaders" are that event's participants, one statement each."""
    records: list[dict[str, Any]] = []
    for statement in statements:
        near = next(
            (sentence_events[i] for i in range(statement.index, -1, -1) if sentence_events[i]),
            [],
        )
        event = next((e for e in near if e.kind not in VISITS), near[0] if near else None)
        date = event.start.start if event and event.start else published.strftime("%Y-%m")
        speakers = [statement.speaker] if statement.speaker else event.people if event else []
        for speaker in speakers:
            record: dict[str, Any] = {
                "id": _unique(slug(f"{speaker.surname}-{date}-{statement.text[:40]}"), used),
                "speaker": speaker.id,
            }
            if event:
                record["event"] = event.id
            record.update(date=date, text=statement.text, mode=statement.mode)
            if statement.quoted:
                record["quoted_phrases"] = statement.quoted
            record["citations"] = [statement.citation]
            records.append(record)
    return records


def _assessment(assessment: Any, org_ids: dict[str, str], used: set[str]) -> dict[str, Any]:
    parties = "-".join(assessment.countries).lower()
    record: dict[str, Any] = {
        "id": _unique(slug(f"{parties}-{assessment.period.start}-{assessment.stance}"), used),
        "countries": assessment.countries,
    }
    if assessment.organization:
        record["organizations"] = [org_ids[assessment.organization]]
    if assessment.counterpart:
        record["counterpart"] = assessment.counterpart
    _dated(record, "period", assessment.period)
    record.update(
        stance=assessment.stance,
        holder=assessment.holder,
        text=assessment.citation,
        citations=[assessment.citation],
    )
    return record


def dump(bundle: dict[str, Any]) -> str:
    header = (
        "# yaml-language-server: $schema=../bundle.schema.json\n"
        "# Draft by `entente extract`: every record is a candidate to review.\n"
    )
    return header + yaml.safe_dump(bundle, sort_keys=False, allow_unicode=True, width=100)
