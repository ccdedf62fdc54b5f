"""The parts of an event found beside its kind: host, place, duration, outcome; its title,
its id and the visit it is part of."""

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from app.extract import geo
from app.extract.article import Sentence
from app.extract.dates import NUMBER_WORDS, When
from app.extract.known import slug
from app.extract.people import Person

VISITS = ("state_visit", "official_visit", "working_visit", "visit", "reception")


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


_PLACE_KINDS = (
    "fortress|palace|residence|castle|estate|house|hotel|villa|centre|center|hall|cosmodrome|"
    "base|garden|lawn"
)


_PLACE = re.compile(
    rf"\b(?P<name>[A-Z][\w'’-]+(?: [A-Z][\w'’-]+)*) (?P<kind>(?i:{_PLACE_KINDS}))\b"
    r"(?P<of> of the [A-Z]\w+)?"
)


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


def host_of(sentence: Sentence, kind: str, offset: int) -> str | None:
    text = sentence.raw
    after = text[offset:]
    if kind in VISITS:
        for ent in sentence.ents:
            at = ent.start_char - sentence.span.start_char
            # "a visit to China", "travelled to the Russian resort of Sochi"
            code = geo.country_of(ent.text) if ent.label_ in ("GPE", "NORP") else None
            if (
                code
                and offset < at <= offset + 40
                and re.search(r"\b(?:to|in)\s+(?:the\s+)?$", text[:at])
            ):
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


def duration_of(text: str) -> dict[str, Any] | None:
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


_JOINT = r"joint (?:statement|declaration|communiqu[eé])"
_NOT_ISSUED = re.compile(
    rf"\b(?:no|without(?: issuing| adopting)?(?: a)?|not (?:issu|adopt|sign|releas|agree)\w*"
    rf"(?: on)?(?: a| any)?|failed to \w+(?: on)?(?: a)?|never \w+(?: a)?)\s+{_JOINT}",
    re.I,
)
_ISSUED = re.compile(
    rf"\b{_JOINT}\b[^.;]{{0,30}}?\b(?:was|were|had been|has been) (?:issued|adopted|signed|"
    rf"released|published)|\b(?:issued|adopted|signed|released|published) a {_JOINT}",
    re.I,
)


def joint_statement_of(text: str) -> bool | None:
    """Whether the words say a joint statement was issued ("a joint statement was issued"),
    or not ("despite not issuing a joint statement"); None when they only mention one ("was
    not mentioned in the joint statement")."""
    if _NOT_ISSUED.search(text):
        return False
    return True if _ISSUED.search(text) else None


def place_of(sentence: Sentence, host: str | None) -> tuple[str, str, str] | None:
    """The place of an event the sentence words: a named building, else a city."""
    found = places_in(sentence, host)
    return found[0] if found else None


def places_in(sentence: Sentence, host: str | None) -> list[tuple[str, str, str]]:
    """(name, kind, country) of each place the sentence names: buildings and grounds ("the
    Elysee Palace", "Bregancon fortress", "the Great Hall of the People"), then cities after
    in/at/to/of ("France's Biarritz"); the country is the capital's, the owner's or the
    host's."""
    found: list[tuple[str, str, str]] = []
    for named in _PLACE.finditer(sentence.raw):
        name = re.sub(r"^(?:The|At|In)\s+", "", named["name"])
        if name.endswith(("'s", "’s")):
            continue  # "Putin's residence": a place the article does not name
        if not geo.country_by_name(name) and host:
            # "Meseberg Castle" is a name; "Bregancon fortress" a place of that name.
            proper = named["kind"][0].isupper()
            full = f"{name} {named['kind']}{named['of'] or ''}" if proper else name
            found.append((full, named["kind"].lower(), host))
    for ent in sentence.ents:
        if ent.label_ != "GPE" or geo.country_by_name(ent.text):
            continue
        country = geo.capital_of(ent.text) or host
        prefix = sentence.raw[: ent.start_char - sentence.span.start_char]
        owner = re.search(r"([A-Z][\w ]+?)['’]s\s*$", prefix)
        if owner and geo.country_by_name(owner[1]):
            country = geo.country_by_name(owner[1])
        if country and re.search(r"\b(?:in|at|to|of)\s+(?:\w+['’]s\s+)?$", prefix):
            found.append((ent.text, "city", country))
    return found


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
        visit = next((v for v in events if v.kind in VISITS and _during(event, v)), None)
        if event.kind in VISITS or visit is None:
            continue
        event.part_of = visit.id
        event.host = visit.host
        for code in [visit.host] if visit.host else []:
            if code not in event.countries:
                event.countries.append(code)
        hosts = [p for p in visit.people if p.country and p.country == visit.host]
        for person in [] if hosts else event.people:
            if person not in visit.people and person.country in (None, visit.host):
                visit.people.append(person)  # the host the guest met during the visit
                break


def _during(event: Event, visit: Event) -> bool:
    """Whether `event` took place during `visit` (in the same country, if known): on a
    day of it, or within a week of its start when its end is not given."""
    if event.start is None or visit.start is None or event.host not in (None, visit.host):
        return False
    if event.start.start == visit.start.start:
        return True
    if len(event.start.start) < 10 or len(visit.start.start) < 10:
        return False
    first = dt.date.fromisoformat(visit.start.start)
    last = (
        dt.date.fromisoformat(visit.start.end) if visit.start.end else first + dt.timedelta(days=6)
    )
    return first <= dt.date.fromisoformat(event.start.start) <= last
