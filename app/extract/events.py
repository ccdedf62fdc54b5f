"""Events: visits, talks, summits, press conferences, phone calls, ministerial meetings and
committee sessions, with their dates, places, countries, participants, duration, outcomes."""

import re

from app.extract import geo
from app.extract.article import Article, Sentence, opens_clause
from app.extract.dates import When
from app.extract.eventparts import (
    VISITS,
    Event,
    duration_of,
    host_of,
    joint_statement_of,
    place_of,
)
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
    ("summit", r"\bsummit\b(?! (?:meeting|talks))"),
    (
        "ministerial_meeting",
        r"\bministerial (?:meeting|talks)\b|\b(?:foreign|defen[cs]e|trade|"
        r"finance) ministers (?:met|held)\b",
    ),
    (
        "committee_session",
        r"\b(?:session|meeting) of (?:the )?[\w ,-]*?(?:Committee|Commission|Council|Dialogue|"
        r"Forum|Consultations)\b|"
        r"\b(?:Committee|Commission|Council|Dialogue|Forum)\b[^.;]{0,60}?"
        r"\b(?<!not )(?P<at>met|convened)\b",
    ),
    (
        "bilateral_meeting",
        r"\btalks\b|\bmet\b|\bmeeting (?:with|between)\b|\bsummit meeting\b|"
        r"\b(?:bilateral|face-to-face|one-on-one|first) meeting\b|\bheld (?:\w+ ){0,2}meeting\b",
    ),
    ("visit", r"\bvisit(?:ed|ing|s)?\b|\b(?:travell?ed|trip|flew|arrived) (?:to|in)\b"),
    # A guest's reception: only ever a mention of a visit already found.
    (
        "reception",
        r"\b(?:welcomed|received|hosted|greeted)\b[^,.;]{0,40}?\bby\b"
        r"|\b(?:welcomed|hosted|greeted|received) (?:him|her|them)\b",
    ),
]


_SCHEDULED = re.compile(r"\b(?:scheduled|upcoming|will (?:be held|visit|hold|meet)|to be held)\b")


def _triggers(sentence: Sentence) -> list[tuple[str, int]]:
    found: list[tuple[str, int]] = []
    for kind, pattern in TRIGGERS:
        match = re.search(pattern, sentence.raw, re.I)
        if not match:
            continue
        if kind in VISITS and any(k in VISITS for k, _ in found):
            continue
        if kind == "bilateral_meeting" and any(k == "committee_session" for k, _ in found):
            continue  # "the ... Committee met": the committee's session
        found.append((kind, match.start("at") if match.groupdict().get("at") else match.start()))
    return sorted(found, key=lambda found: found[1])


def _date_for(offset: int, sentence: Sentence, triggers: list[tuple[str, int]]) -> When | None:
    """The date a trigger words: the first after it with no other trigger between, else one
    before it in the same clause (no comma or trigger between), else one opening the
    sentence ("Last June, ... visited ... and held talks")."""
    text = sentence.raw
    # "her first trip since she took office in January", "Zelensky, who took office in
    # May": that date is another event's.
    after = sorted(
        (at, when) for at, when in sentence.dates if at > offset and not _aside(text[offset:at])
    )
    if after and not any(offset < at < after[0][0] for _, at in triggers):
        return after[0][1]
    before = [(at, w) for at, w in sorted(sentence.dates, reverse=True) if at < offset]
    for at, when in before:
        between = text[at:offset]
        if opens_clause(text, at) or (
            "," not in between and not any(at < t < offset for _, t in triggers)
        ):
            return when
    # "hosted ... on Monday, December 9, for the first summit": the one date of the sentence
    # before it, when no other event and no word of sequence comes between.
    if after or len(triggers) != 1 or len(before) != 1:
        return None
    at, when = before[0]
    lead = text[max(0, at - 40) : at].lower()
    aside = _aside(text[:at]) or _SEQUENCE.search(lead)
    return None if aside or _SEQUENCE.search(text[at:offset].lower()) else when


_ASIDE = re.compile(r"\b(?:since|who|whom|whose)\b")


def _aside(between: str) -> bool:
    """Whether words end inside an aside ("..., who took office in May"): one opened and
    not closed by a comma."""
    opened = [m.end() for m in _ASIDE.finditer(between)]
    return bool(opened) and "," not in between[opened[-1] :]


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
    joint = re.search(r"\bjoint\s+$", lower[:offset])
    if before and (joint or (they and "," not in lower[they[-1] : offset])):
        found.extend(p for p in before.people if p not in found)
    if last and last not in found and re.search(r"\b(?:he|she|him|her)\b", sentence.lower()):
        found.append(last)
    for match in re.finditer(r"\b([A-Z][a-z]+) counterpart\b(?! [A-Z])", sentence.raw):
        code = geo.country_of(match[1])
        person = article.people.of_country(code) if code else None
        if person and person not in found:
            found.append(person)
    for person in sentence.mentioned:
        if person not in found:
            found.append(person)
    return found


def find_events(article: Article) -> list[Event]:
    events: list[Event] = []
    context: When | None = None
    last: Person | None = None
    latest: Event | None = None
    previous_text = ""
    recent: tuple[int, When] | None = None
    for index, sentence in enumerate(article.sentences):
        triggers = _triggers(sentence)
        touched: list[Event] = []
        previous: tuple[int, When | None] = (0, None)
        for kind, offset in triggers:
            if kind == "bilateral_meeting" and re.search(r"\bmet\b.*\btimes\b", sentence.lower()):
                continue  # a count of meetings, a figure
            # No date of its own: the one of the event just before it in the sentence
            # ("welcomed him on Thursday ..., followed by talks").
            own = _date_for(offset, sentence, triggers)
            if own is None and not _definite(sentence, offset, kind, events):
                own = _inherited(sentence, previous, offset)
            earlier = _same(events, kind, own, sentence.mentioned, context)
            if earlier is None and kind == "reception":
                continue
            if earlier and earlier.kind == "visit" and kind not in ("visit", "reception"):
                earlier.kind = kind  # "the official visit": what kind of visit it was
            # A new event without a date: that of the last event dated in the sentence
            # before ("On Wednesday ... held talks. At a joint press conference ..."),
            # else the lead event's.
            fresh = recent[1] if recent and recent[0] >= index - 1 and kind not in VISITS else None
            event = earlier or Event(kind=kind, start=own or fresh or context)
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
            if own and kind not in VISITS:
                recent = (index, own)
        for event in touched:
            if event.kind not in VISITS or len(touched) == 1:
                _outcome(event, sentence)
        if not triggers and events and ("joint statement" in sentence.lower()):
            _outcome(events[-1], sentence)
        if not triggers and latest and _JOINED.search(sentence.raw):
            # "X and Y hosted Z and W": the people of the event just spoken of.
            for person in sentence.people:
                if person not in latest.people and latest.citations[-1] == previous_text:
                    latest.people.append(person)
        previous_text = sentence.text
        people = sentence.people or sentence.mentioned
        last = people[0] if people else last
    return [event for event in events if event.start is not None and event.countries]


_JOINED = re.compile(
    r"\b(?:hosted|welcomed|received|greeted|joined|accompanied|led|headed|attended|took part)\b"
)


def _definite(sentence: Sentence, offset: int, kind: str, events: list[Event]) -> bool:
    """Whether the words name an event already spoken of ("the Paris summit", "the
    talks"): it takes no date from another event named beside it."""
    family = VISITS if kind in VISITS else (kind,)
    before = sentence.raw[max(0, offset - 30) : offset]
    return bool(re.search(r"\b(?:the|this|that)\s+(?:[A-Z][\w-]*\s+)?$", before)) and any(
        e.kind in family for e in events
    )


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
    named = {p.id for p in people}
    if named and kind in ("bilateral_meeting", "phone_call", "press_conference"):
        # "Scholz also met Li": the talks with Xi are another event.
        return next((e for e in reversed(alike) if named <= {p.id for p in e.people}), None)
    shared = [e for e in alike if {p.id for p in e.people} & named]
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
    event.host = event.host or host_of(sentence, event.kind, offset)
    company = _counterparts(sentence, article, last, before, offset)
    # A summit's participants are those said to take part, not every leader named beside
    # it ("ahead of the G7 summit").
    attended = _JOINED.search(sentence.raw[:offset]) and not _SEQUENCE.search(
        sentence.lower()[max(0, offset - 25) : offset]
    )
    for person in company if event.kind != "summit" or attended else []:
        if person not in event.people:
            event.people.append(person)
    countries = [p.country for p in event.people if p.country]
    if event.host:
        countries.append(event.host)
    if not countries and event.kind == "summit":
        countries = sentence.countries[:1]
    if event.kind == "committee_session":
        countries += [*sentence.countries, *article.pair][:2]
    elif event.kind != "summit" and event.people and len({*countries, *event.countries}) < 2:
        # Two parties: those the sentence names, else the article's pair.
        countries += [*sentence.countries, *article.pair]
        countries = list(dict.fromkeys(countries))[:2]
    for code in countries:
        if code not in event.countries:
            event.countries.append(code)
    event.place = event.place or place_of(sentence, event.host)
    if event.place and not event.host and event.kind != "phone_call":
        event.host = event.place[2]
        if event.host not in event.countries:
            event.countries.append(event.host)
    event.duration = event.duration or duration_of(sentence.raw[offset:])
    if _SCHEDULED.search(sentence.lower()) or (
        event.start and event.start.start > article.published.isoformat()
    ):
        event.scheduled = True
    if event.kind == "summit" and event.name is None:
        named = re.search(r"\b((?:[A-Z][\w-]*\s+){1,4}Summit(?: \d{4})?)", sentence.raw)
        event.name = named[1].strip() if named else None


def _outcome(event: Event, sentence: Sentence) -> None:
    said = joint_statement_of(sentence.raw)
    if said is not None and event.joint_statement is None:
        event.joint_statement = said
        if sentence.text not in event.citations:
            event.citations.append(sentence.text)
