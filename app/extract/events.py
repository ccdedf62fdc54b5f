"""Events: visits, talks, summits, press conferences, phone calls, ministerial meetings and
committee sessions, with their dates, places, countries, participants, duration, outcomes."""

import re
from dataclasses import dataclass, field
from typing import Any

from app.extract import geo
from app.extract.article import Article, Sentence, opens_clause
from app.extract.dates import NUMBER_WORDS, When
from app.extract.known import slug
from app.extract.people import Person

TRIGGERS = [
    ("state_visit", r"\bstate visits?\b"),
    ("official_visit", r"\bofficial visits?\b"),
    ("working_visit", r"\bworking visits?\b"),
    ("press_conference", r"\b(?:press|news) (?:conference|briefing)s?\b"),
    (
        "phone_call",
        r"\b(?:tele)?phone (?:call|conversation|talk)s?\b|\bon the (?:tele)?phone\b"
        r"|\bby (?:tele)?phone\b|\bphoned\b",
    ),
    ("summit", r"\bsummit\b"),
    (
        "ministerial_meeting",
        r"\bministerial (?:meeting|talks)\b|\b(?:foreign|defen[cs]e|trade|"
        r"finance) ministers (?:met|held)\b",
    ),
    (
        "committee_session",
        r"\b(?:session|meeting) of the [\w ,]*?(?:Committee|Commission)\b|"
        r"\b(?:Committee|Commission) (?:held|met|convened)\b",
    ),
    (
        "bilateral_meeting",
        r"\btalks\b|\bmet\b|\bmeeting (?:with|between)\b",
    ),
    ("visit", r"\bvisit(?:ed|ing|s)?\b"),
    # A guest's reception: only ever a mention of a visit already found.
    (
        "reception",
        r"\b(?:welcomed|received|hosted|greeted)\b[^,.;]{0,40}?\bby\b"
        r"|\b(?:welcomed|hosted|greeted|received) (?:him|her|them)\b",
    ),
]
VISITS = ("state_visit", "official_visit", "working_visit", "visit", "reception")
_SCHEDULED = re.compile(r"\b(?:scheduled|upcoming|will (?:be held|visit|hold|meet)|to be held)\b")
_DURATION = re.compile(
    r"\b(?P<q>nearly|almost|about|around|some|more than|over|less than)?\s*(?P<n>[\w.]+)\s+"
    r"(?P<u>hours?|minutes?)\b"
)
QUALIFIERS = {
    "nearly": "nearly",
    "almost": "nearly",
    "about": "approximately",
    "around": "approximately",
    "some": "approximately",
    "more than": "more_than",
    "over": "more_than",
    "less than": "less_than",
    "at least": "at_least",
    "up to": "at_most",
}
_PLACE_KINDS = "fortress|palace|residence|castle|estate|house|hotel|villa|centre|center"
_PLACE = re.compile(rf"\b(?P<name>[A-Z][\w'’-]+(?: [A-Z][\w'’-]+)*) (?P<kind>{_PLACE_KINDS})\b")


@dataclass
class Event:
    kind: str
    start: When | None
    host: str | None = None
    countries: list[str] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    place: tuple[str, str, str] | None = None
    """(name, kind, country)"""
    duration: dict[str, Any] | None = None
    joint_statement: bool | None = None
    scheduled: bool = False
    name: str | None = None
    citations: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    id: str = ""
    part_of: str | None = None


def _triggers(sentence: Sentence) -> list[tuple[str, int]]:
    found: list[tuple[str, int]] = []
    for kind, pattern in TRIGGERS:
        match = re.search(pattern, sentence.span.text, re.I)
        if not match:
            continue
        if kind in VISITS and any(k in VISITS for k, _ in found):
            continue
        found.append((kind, match.start()))
    return sorted(found, key=lambda found: found[1])


def _date_for(offset: int, sentence: Sentence, triggers: list[tuple[str, int]]) -> When | None:
    """The date a trigger words: the first after it with no other trigger between, else one
    before it in the same clause (no comma or trigger between), else one opening the
    sentence ("Last June, ... visited ... and held talks")."""
    text = sentence.span.text
    after = sorted((at, when) for at, when in sentence.dates if at > offset)
    if after and not any(offset < at < after[0][0] for _, at in triggers):
        return after[0][1]
    for at, when in sorted(sentence.dates, reverse=True):
        if at >= offset:
            continue
        between = text[at:offset]
        if opens_clause(text, at) or (
            "," not in between and not any(at < t < offset for _, t in triggers)
        ):
            return when
    return None


def _host(sentence: Sentence, kind: str, offset: int) -> str | None:
    text = sentence.span.text
    after = text[offset:]
    if kind in VISITS:
        for ent in sentence.span.ents:
            at = ent.start_char - sentence.span.start_char
            code = geo.country_by_name(ent.text) if ent.label_ == "GPE" else None
            if code and offset < at <= offset + 40 and re.search(r"\b(?:to|in)\s+$", text[:at]):
                return code
    hosted = re.search(r"\bhosted by (?:his|her|the) (\w+)", text)
    if hosted and geo.country_of(hosted[1]):
        return geo.country_of(hosted[1])
    where = re.search(r"\b(?:in|at) ([A-Z][\w’']+)", after)
    if where and geo.country_of(where[1]) and kind not in ("phone_call",):
        return geo.country_of(where[1])
    if kind in VISITS:
        named = re.search(r"\b([A-Z][\w]+)\s+visit\b", text)
        if named and geo.country_by_name(named[1]):
            return geo.country_by_name(named[1])
    return None


_THEY = re.compile(
    r"\b(?:the two (?:leaders|presidents|prime ministers|ministers|sides|men)|both leaders|"
    r"their|they)\b"
)


_SEQUENCE = re.compile(r"\b(?:ahead of|before|after|prior to|following|since)\b")


def _inherited(sentence: Sentence, previous: tuple[int, When | None], offset: int) -> When | None:
    """The date of the event named just before in the sentence, unless words between set
    the two apart in time ("the visit took place ahead of the summit")."""
    at, when = previous
    between = sentence.lower()[at:offset]
    return None if when is None or _SEQUENCE.search(between) else when


def _counterparts(
    sentence: Sentence, article: Article, last: Person | None, before: Event | None, offset: int
) -> list[Person]:
    found = list(sentence.people)
    lower = sentence.lower()
    they = [m.end() for m in _THEY.finditer(lower) if m.start() < offset]
    # "The two leaders agreed ..., which Beijing suspended after a visit": the words for
    # "they" must be in the event's own clause.
    if before and they and "," not in lower[they[-1] : offset]:
        found.extend(p for p in before.people if p not in found)
    if last and last not in found and re.search(r"\b(?:he|she|him|her)\b", sentence.lower()):
        found.append(last)
    for match in re.finditer(r"\b([A-Z][a-z]+) counterpart\b(?! [A-Z])", sentence.span.text):
        code = geo.country_of(match[1])
        person = article.people.of_country(code) if code else None
        if person and person not in found:
            found.append(person)
    for person in article.people.mentioned(sentence.span):
        if person not in found:
            found.append(person)
    return found


def _duration(text: str) -> dict[str, Any] | None:
    match = _DURATION.search(text)
    if not match:
        return None
    words = match["n"].lower()
    number = NUMBER_WORDS.get(words) if not words.replace(".", "").isdigit() else float(words)
    if number is None:
        return None
    minutes = number * (60 if match["u"].startswith("hour") else 1)
    found: dict[str, Any] = {
        "value": int(minutes) if minutes == int(minutes) else minutes,
        "unit": "minute",
    }
    if match["q"]:
        found["qualifier"] = QUALIFIERS[match["q"].lower()]
    found["text"] = match.group().strip()
    return found


def _joint_statement(text: str) -> bool | None:
    lower = text.lower()
    if "joint statement" not in lower and "joint declaration" not in lower:
        return None
    return not re.search(r"\b(?:not|no|without|failed|never|neither)\b", lower)


def _place(sentence: Sentence, host: str | None) -> tuple[str, str, str] | None:
    named = _PLACE.search(sentence.span.text)
    if named and not geo.country_of(named["name"]) and host:
        return (named["name"], named["kind"], host)
    for ent in sentence.span.ents:
        if ent.label_ != "GPE" or geo.country_by_name(ent.text):
            continue
        country = geo.capital_of(ent.text) or host
        prefix = sentence.span.text[: ent.start_char - sentence.span.start_char]
        owner = re.search(r"([A-Z][\w ]+?)['’]s\s*$", prefix)
        if owner and geo.country_by_name(owner[1]):
            country = geo.country_by_name(owner[1])
        if country and re.search(r"\b(?:in|at)\s+(?:\w+['’]s\s+)?$", prefix):
            return (ent.text, "city", country)
    return None


def find_events(article: Article) -> list[Event]:
    events: list[Event] = []
    context: When | None = None
    last: Person | None = None
    latest: Event | None = None
    for sentence in article.sentences:
        triggers = _triggers(sentence)
        touched: list[Event] = []
        previous: tuple[int, When | None] = (0, None)
        for kind, offset in triggers:
            if kind == "bilateral_meeting" and re.search(r"\bmet\b.*\btimes\b", sentence.lower()):
                continue  # a count of meetings, a figure
            # No date of its own: the one of the event just before it in the sentence
            # ("welcomed him on Thursday ..., followed by talks").
            own = _date_for(offset, sentence, triggers) or _inherited(sentence, previous, offset)
            earlier = _same(events, kind, own, article.people.mentioned(sentence.span), context)
            if earlier is None and kind == "reception":
                continue
            event = earlier or Event(kind=kind, start=own or context)
            if earlier is None:
                events.append(event)
            elif event.start is None:
                event.start = own
            previous = (offset, own or event.start)
            _fill(event, sentence, offset, article, last, event if event.people else latest)
            latest = event if event.kind not in VISITS else latest
            touched.append(event)
            if context is None:
                context = event.start  # the lead event's date: undated mentions default to it
        for event in touched:
            if event.kind not in VISITS or len(touched) == 1:
                _outcome(event, sentence)
        if not triggers and events and ("joint statement" in sentence.lower()):
            _outcome(events[-1], sentence)
        people = sentence.people or article.people.mentioned(sentence.span)
        last = people[0] if people else last
    return [event for event in events if event.start is not None and event.countries]


def _same(
    events: list[Event],
    kind: str,
    when: When | None,
    people: list[Person],
    context: When | None,
) -> Event | None:
    family = VISITS if kind in VISITS else (kind,)
    alike = [e for e in events if e.kind in family]
    if when is not None:
        return next((e for e in alike if e.start and _within(when, e.start)), None)
    shared = [e for e in alike if {p.id for p in e.people} & {p.id for p in people}]
    current = [e for e in alike if context and e.start and e.start.start == context.start]
    found = shared or current or alike
    return found[-1] if found else None


def _within(when: When, span: When) -> bool:
    """Whether `when` is the date `span` words, or a day of it ("on Thursday" of a visit
    from June 21 to 24)."""
    return span.start == when.start or (
        span.end is not None and span.start <= when.start <= span.end
    )


def _fill(
    event: Event,
    sentence: Sentence,
    offset: int,
    article: Article,
    last: Person | None,
    before: Event | None,
) -> None:
    if sentence.text not in event.citations:
        event.citations.append(sentence.text)
    event.host = event.host or _host(sentence, event.kind, offset)
    company = _counterparts(sentence, article, last, before, offset)
    for person in [] if event.kind == "summit" else company:
        if person not in event.people:
            event.people.append(person)
    countries = [p.country for p in event.people if p.country]
    if event.host:
        countries.append(event.host)
    if not countries and event.kind == "summit":
        countries = sentence.countries[:1]
    for code in countries:
        if code not in event.countries:
            event.countries.append(code)
    event.place = event.place or _place(sentence, event.host)
    if event.place and not event.host and event.kind != "phone_call":
        event.host = event.place[2]
        if event.host not in event.countries:
            event.countries.append(event.host)
    event.duration = event.duration or _duration(sentence.span.text[offset:])
    if _SCHEDULED.search(sentence.lower()) or (
        event.start and event.start.start > article.published.isoformat()
    ):
        event.scheduled = True
    if event.kind == "summit" and event.name is None:
        named = re.search(r"\b((?:[A-Z][\w-]*\s+){1,4}Summit(?: \d{4})?)", sentence.span.text)
        event.name = named[1].strip() if named else None


def _outcome(event: Event, sentence: Sentence) -> None:
    said = _joint_statement(sentence.span.text)
    if said is not None and event.joint_statement is None:
        event.joint_statement = said
        if sentence.text not in event.citations:
            event.citations.append(sentence.text)


KIND_WORDS = {
    "state_visit": "state visit",
    "official_visit": "official visit",
    "working_visit": "working visit",
    "visit": "visit",
    "summit": "summit",
    "bilateral_meeting": "talks",
    "phone_call": "phone call",
    "press_conference": "press conference",
    "ministerial_meeting": "ministerial meeting",
    "committee_session": "committee session",
}


def title(event: Event) -> str:
    words = KIND_WORDS[event.kind]
    if event.kind in VISITS and event.host:
        guest = next((p for p in event.people if p.country and p.country != event.host), None)
        who = f"{guest.name}'s" if guest else "A"
        return f"{who} {words} to {geo.country_name(event.host)}"
    if event.name:
        return event.name
    names = [p.surname for p in event.people[:2]]
    if len(names) == 2:
        return f"{names[0]}-{names[1]} {words}"
    return f"{'-'.join(geo.country_name(c) for c in event.countries)} {words}"


def assign_ids(events: list[Event]) -> None:
    used: set[str] = set()
    for event in events:
        assert event.start is not None
        base = slug(f"{event.start.start}-{title(event)}")
        event.id = base
        number = 2
        while event.id in used:
            event.id, number = f"{base}-{number}", number + 1
        used.add(event.id)
    for event in events:
        if event.kind in VISITS:
            continue
        visit = next(
            (
                v
                for v in events
                if v.kind in VISITS
                and v.start
                and event.start
                and v.start.start == event.start.start
                and v.host == event.host
            ),
            None,
        )
        event.part_of = visit.id if visit else None
