"""Mechanisms and their status, topics, organizations named with their acronym, and
assessments of the relationship."""

import re
from dataclasses import dataclass, field

from app.extract.article import Article
from app.extract.dates import When

_QUOTE = re.compile(r"[“\"]([^”\"]{3,})[”\"]")


MECHANISM = re.compile(
    r"\b(?:(?:[A-Z][\w-]*|of|for|on)(?:,\s+|\s+and\s+|\s+))*?[A-Z][\w-]*\s+"
    r"(?P<kind>Committee|Commission|Council|Dialogue|Forum)\b"
)
_GLOBAL = re.compile(r"\bUN\b|United Nations|European|State Council|Security Council|Federation")
STATUS = [
    ("resumed", r"\b(?:resum|reviv|restart|relaunch|reconven)"),
    ("established", r"\b(?:establish|set up|creat|launch|found(?:ed|ing))"),
    ("suspended", r"\b(?:suspend|froze|frozen|halt)"),
    ("dissolved", r"\b(?:dissolv|abolish)"),
]


@dataclass
class Mechanism:
    name: str
    kind: str
    status: str
    when: When
    dated: bool
    countries: list[str]
    citations: list[str] = field(default_factory=list)


def find_mechanisms(article: Article) -> list[Mechanism]:
    found: dict[str, Mechanism] = {}
    for sentence in article.sentences:
        text = sentence.span.text
        for match in MECHANISM.finditer(text):
            name = re.sub(r"^(?:The|Many|And)\s+", "", match.group()).strip()
            if _GLOBAL.search(name) or len(name.split()) < 2:
                continue
            status = next((s for s, p in STATUS if re.search(p, text, re.I)), "active")
            own = sentence.dates[0][1] if sentence.dates else None
            when = own or When(article.published.strftime("%Y-%m"))
            countries = sentence.countries[:2] if len(sentence.countries) >= 2 else article.pair
            mechanism = found.setdefault(
                name,
                Mechanism(name, match["kind"].lower(), status, when, own is not None, countries),
            )
            if sentence.text not in mechanism.citations:
                mechanism.citations.append(sentence.text)
    return [m for m in found.values() if m.countries]


_ACRONYM = re.compile(r"\b(?:the\s+)?((?:[A-Z][\w-]*\s+(?:of\s+)?){1,5})\(([A-Z][A-Z0-9]{1,6})\)")
ORG_KINDS = [
    ("union", r"Union"),
    ("forum", r"Group of|Forum"),
    ("alliance", r"Alliance|Treaty"),
    ("bank", r"Bank"),
    ("organization", r"."),
]


def find_organizations(article: Article) -> dict[str, tuple[str, str, str]]:
    """Acronym -> (name, kind, first citation) of organizations named with their acronym."""
    found: dict[str, tuple[str, str, str]] = {}
    for sentence in article.sentences:
        for match in _ACRONYM.finditer(sentence.span.text):
            name = match[1].strip()
            if re.search(r"\b(?:Plan|Agreement|Treaty|Accord|Deal)\b", name):
                continue
            kind = next(k for k, p in ORG_KINDS if re.search(p, name))
            found.setdefault(match[2], (name, kind, sentence.text))
    return found


STANCES = [
    ("hostile", r"\bhostil|\bconfrontation"),
    ("cooling", r"\btensions? (?:escalat|rose|grew|mount)|\bdeteriorat|\bworsen|\bstrain"),
    ("cold", r"\bcold\b|\bfrozen\b|\bchill"),
    ("warming", r"\bwarming\b|\bimprov|\bstrengthen|\bboost|\brestore|\brapprochement"),
    ("warm", r"\bwarm\b|\bfriendly\b|\bexcellent\b|\bclose (?:ties|relations|partners)"),
    ("stable", r"\bstable\b|\bsteady\b|\bstabili[sz]ed\b"),
]


@dataclass
class Assessment:
    countries: list[str]
    counterpart: str | None
    organization: str | None
    stance: str
    holder: str
    period: When
    citation: str


def find_assessments(
    article: Article, organizations: dict[str, tuple[str, str, str]]
) -> list[Assessment]:
    found: list[Assessment] = []
    for sentence in article.sentences:
        text = sentence.span.text
        if not re.search(r"\b(?:relations|ties|relationship)\b", text) or _QUOTE.search(text):
            continue
        stance = next((s for s, p in STANCES if re.search(p, text, re.I)), None)
        if stance is None:
            continue
        holder = re.search(r"\b(observers|analysts|experts|commentators|diplomats)\b", text, re.I)
        countries = sentence.countries[:2] or article.pair[:2]
        counterpart = "the West" if re.search(r"\bthe West\b", text) else None
        organization = next((a for a in organizations if re.search(rf"\b{a}\b", text)), None)
        if organization:
            counterpart = None
        if counterpart or organization:
            countries = countries[:1]
        elif len(countries) < 2:
            countries = [*countries, *(c for c in article.pair if c not in countries)][:2]
        if len(countries) + bool(counterpart or organization) != 2:
            continue
        period = (
            sentence.dates[0][1] if sentence.dates else When(article.published.strftime("%Y-%m"))
        )
        found.append(
            Assessment(
                countries,
                counterpart,
                organization,
                stance,
                holder[1].lower() if holder else "author",
                period,
                sentence.text,
            )
        )
    return found
