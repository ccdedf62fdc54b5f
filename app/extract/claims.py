"""Mechanisms and their status, organizations named with their acronym, and assessments of
the relationship."""

import re
from dataclasses import dataclass, field

from app.extract import geo
from app.extract.article import Article, Sentence
from app.extract.dates import When

_QUOTE = re.compile(r"[“\"]([^”\"]{3,})[”\"]")


MECHANISM = re.compile(
    r"\b(?:(?:[A-Z][\w-]*|of|for|on)(?:,\s+|\s+and\s+|\s+))*?[A-Z][\w-]*\s+"
    r"(?P<kind>Committee|Commission|Council|Dialogue|Forum|Consultations)\b"
    r"(?:\s+(?:on|for)\s+[A-Z][\w-]*(?:\s+(?:and\s+)?[A-Z][\w-]*)*)?"
)
# Formats and practices named in lower case: "the Normandy format", "shuttle diplomacy",
# "the German-Chinese intergovernmental consultations", "a strategic dialogue".
FORMAT = re.compile(
    r"\b(?:[A-Z][\w-]*\s+)*?(?:[A-Z][\w+-]*\s+(?P<kind>format)\b|(?:[A-Z][\w-]*\s+)?"
    r"(?:shuttle diplomacy|(?:intergovernmental|inter-governmental|government|strategic|"
    r"high-level|2\+2) (?:consultations|dialogue|security dialogue)))\b"
)
KINDS = {"consultations": "dialogue", "format": "dialogue", "": "dialogue"}
# A later mention of a mechanism by its kind: "the council", "their "2+2" security council".
_AGAIN = re.compile(
    r"\b(?:the|its|their)\s+(?:[\"“][^\"”]+[\"”]\s+)?(?:[a-z-]+\s+)?"
    r"(?P<kind>council|committee|commission|dialogue|forum|format|consultations|mechanism)\b"
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
    rank: tuple[int, bool] = (-1, False)
    """How much the status is the article's news: a change said in the main clause first."""


_ACTIVE = r"\b(?<!not been )(?<!not )(?:met|meets|convened|held (?:its|a)|meet again)\b"
_FUTURE = re.compile(r"\b(?:due to|will|would|plans? to|expected to|to be)\s+$", re.I)
_FUTURE_ONLY = re.compile(r"\b(?:due to|will|plans? to|expected to|to be)\s+\w+", re.I)
# Words that set a status in the past of the article's news: "which had been suspended
# since 2011", "had not met since 2019".
_PAST = re.compile(r"\bhad(?: not)?(?: been)?\s+$")
_RELATIVE = re.compile(r"\b(?:which|who|that)\s+(?:\w+\s+){0,6}$")


def _status(
    sentence: Sentence, start: int, end: int
) -> tuple[str | None, When | None, tuple[int, bool]]:
    """The status a sentence gives a mechanism named at start:end, its date and its rank:
    the last status word after the name ("established in 2014, met in September": active),
    else the nearest before it ("have been resumed, including the ... Committee"); a status
    still to come ("is due to resume") is none; a status in a clause of background ("which
    had been suspended") ranks below one of the main clause, "active" below a change."""
    text = sentence.raw
    found: list[tuple[int, int, str]] = []
    for status, pattern in [*STATUS, ("active", _ACTIVE)]:
        for match in re.finditer(pattern, text, re.I):
            if not _FUTURE.search(text[: match.start()]):
                found.append((match.start(), match.end(), status))

    def weight(status: tuple[int, int, str]) -> tuple[int, int]:
        lead = text[max(0, status[0] - 60) : status[0]]
        return (not _PAST.search(lead), not _RELATIVE.search(lead))

    best = max((weight(f) for f in found), default=(0, 0))
    pool = [f for f in found if weight(f) == best]
    after = sorted(f for f in pool if f[0] >= end)
    before = sorted(f for f in pool if f[1] <= start)
    chosen = after[-1] if after else before[-1] if before else None
    if chosen is None:
        return None, None, (-1, False)
    clause = text[chosen[1] :].split(",")[0]
    dated = [w for at, w in sentence.dates if chosen[1] <= at < chosen[1] + len(clause)]
    return chosen[2], dated[0] if dated else None, (sum(best), chosen[2] != "active")


def _named(text: str) -> list[tuple[str, str, int, int]]:
    """(name, kind, start, end) of each mechanism the text names."""
    found = []
    for pattern in (MECHANISM, FORMAT):
        for match in pattern.finditer(text):
            name = re.sub(r"^(?:The|Many|And|Its|Their|of|for|on)\s+", "", match.group()).strip()
            if _GLOBAL.search(name) or len(name.split()) < 2:
                continue
            kind = (match["kind"] or "").lower()
            found.append((name[0].upper() + name[1:], KINDS.get(kind, kind), *match.span()))
    return found


def find_mechanisms(article: Article) -> list[Mechanism]:
    found: dict[str, Mechanism] = {}
    mentions = [
        (sentence, *named) for sentence in article.sentences for named in _named(sentence.raw)
    ]
    for sentence in article.sentences:
        for match in _AGAIN.finditer(sentence.raw):
            kind = KINDS.get(match["kind"], match["kind"])
            same = [m for m in mentions if m[2] == kind or match["kind"] == "mechanism"]
            if same and not _named(sentence.raw):
                mentions.append((sentence, same[0][1], kind, *match.span()))
    for sentence, name, kind, start, end in mentions:
        status, own, rank = _status(sentence, start, end)
        if status is None and _FUTURE_ONLY.search(sentence.raw):
            continue  # "is due to resume": no status yet
        when = own or When(article.published.strftime("%Y-%m"))
        countries = sentence.countries[:2] if len(sentence.countries) >= 2 else article.pair
        mechanism = found.setdefault(
            name, Mechanism(name, kind, status or "active", when, own is not None, countries)
        )
        if status and rank > mechanism.rank:
            mechanism.status, mechanism.when, mechanism.dated = status, when, own is not None
            mechanism.rank = rank
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


_ORG_WORDS = re.compile(
    r"\b(?:United Nations|Union|Organi[sz]ation|Group of \w+|Bank|Fund|Alliance|League)\b"
)


def find_organizations(article: Article) -> dict[str, tuple[str, str, str]]:
    """Acronym (or name) -> (name, kind, first citation) of organizations named with their
    acronym ("the European Union (EU)"), or by a name that says what they are ("the United
    Nations", "a Group of Seven country")."""
    found: dict[str, tuple[str, str, str]] = {}
    for sentence in article.sentences:
        for match in _ACRONYM.finditer(sentence.raw):
            name = match[1].strip()
            if re.search(r"\b(?:Plan|Agreement|Treaty|Accord|Deal)\b", name):
                continue
            kind = next(k for k, p in ORG_KINDS if re.search(p, name))
            found.setdefault(match[2], (name, kind, sentence.text))
    for sentence in article.sentences:
        named = [e.text for e in sentence.ents if e.label_ == "ORG"]
        # "a Group of Seven country": the recognizer reads "Seven" as a number.
        named += [m.group() for m in re.finditer(r"\bGroup of (?:[A-Z][a-z]+|\d+)\b", sentence.raw)]
        for text in named:
            name = re.sub(r"^the\s+", "", text, flags=re.I)
            known = any(name in (full, a) for a, (full, _, _) in found.items())
            if _ORG_WORDS.search(name) and not known:
                kind = next(k for k, p in ORG_KINDS if re.search(p, name))
                found.setdefault(name, (name, kind, sentence.text))
    return found


STANCES = [
    ("hostile", r"\bhostil|\bconfrontation"),
    (
        "cooling",
        r"\btensions? (?:escalat|rose|grew|mount)|\bdeteriorat|\bworsen|\bstrain|\bcooling\b|"
        r"\bsour(?:ed|ing)\b",
    ),
    ("cold", r"\bcold\b|\bfrozen\b|\bchill"),
    ("warming", r"\bwarming\b|\bimprov|\bstrengthen|\bboost|\brestore|\brapprochement"),
    ("warm", r"\bwarm\b|\bfriendly\b|\bexcellent\b|\bclose (?:ties|relations|partners)"),
    ("stable", r"\bstable\b|\bsteady\b|\bstabili[sz]ed\b"),
]


def _said_now(pattern: str, text: str) -> bool:
    """Whether a stance word occurs not dated in the past ("strained in 2019")."""
    return any(
        not re.match(r"[\w ]*?\bin \d{4}", text[m.end() : m.end() + 12])
        for m in re.finditer(pattern, text, re.I)
    )


def _parties(text: str, article: Article) -> list[str]:
    """The two countries "relations between X and Y" names, or the article's pair for "the
    two countries" (or capitals, neighbours, sides)."""
    between = re.search(r"\bbetween (?:the )?([A-Z][\w-]+) and (?:the )?([A-Z][\w-]+)", text)
    if between:
        codes = [geo.country_of(between[1]), geo.country_of(between[2])]
        if all(codes):
            return [code for code in codes if code]
    if re.search(r"\bthe two (?:countries|capitals|neighbou?rs|nations|sides)\b", text):
        return list(article.pair[:2])
    return []


@dataclass
class Assessment:
    countries: list[str]
    counterpart: str | None
    organization: str | None
    stance: str
    holder: str
    period: When
    citation: str


_RELATIONS = re.compile(r"\b(?:relations|ties|relationship)\b")
_PAIR = re.compile(
    r"\bbetween (?:the )?([A-Z][\w-]+) and (?:the )?[A-Z][\w-]+|"
    r"\b([A-Z][a-z]+)-[A-Z][a-z]+ (?:relations|ties)"
)


def _clauses(text: str) -> list[str]:
    """The parts of a sentence that each speak of relations with a stance of their own ("ties
    with the West still remaining in a cold state ..., relations between Russia and France
    are continuing to improve"): split at the commas before a new mention of relations."""
    cuts = [0]
    for match in _RELATIONS.finditer(text):
        comma = text.rfind(",", cuts[-1], match.start())
        if comma > cuts[-1] and any(_said_now(p, text[cuts[-1] : comma]) for _, p in STANCES):
            cuts.append(comma + 1)
    return [text[a:b] for a, b in zip(cuts, [*cuts[1:], len(text)], strict=True)]


def _pairs(text: str) -> list[tuple[str, str]]:
    """ "relations between Russia and France ..., as well as between Russia and the EU and the
    West": each pair the clause names."""
    found = [(m[1] or m[2], m[0].replace("-", " and ")) for m in _PAIR.finditer(text)]
    more = re.search(
        r"\bas well as between (?:the )?[A-Z][\w-]+ and .+? and (?:the )?([A-Z]\w+)", text
    )
    if found and more:
        found.append((found[-1][0], f"between {found[-1][0]} and the {more[1]}"))
    return found


def find_assessments(
    article: Article, organizations: dict[str, tuple[str, str, str]]
) -> list[Assessment]:
    found: list[Assessment] = []
    for sentence in article.sentences:
        if not _RELATIONS.search(sentence.raw) or _QUOTE.search(sentence.raw):
            continue
        for clause in _clauses(sentence.raw):
            for text in _by_pair(clause):
                assessment = _assessment(text, sentence, article, organizations)
                if assessment:
                    found.append(assessment)
    return found


def _by_pair(clause: str) -> list[str]:
    """The clause once for each pair it names beyond the first, each pair's words alone."""
    pairs = _pairs(clause)
    if len(pairs) < 2:
        return [clause]
    stance = next((m.group() for _, p in STANCES for m in re.finditer(p, clause, re.I)), "")
    return [clause] + [f"{stance} relations {words}" for _, words in pairs[1:]]


def _assessment(
    text: str,
    sentence: Sentence,
    article: Article,
    organizations: dict[str, tuple[str, str, str]],
) -> Assessment | None:
    if not _RELATIONS.search(text):
        return None
    stance = next((s for s, p in STANCES if _said_now(p, text)), None)
    if stance is None:
        return None
    holder = re.search(
        r"\b(observers|analysts|experts|commentators|diplomats)\b", sentence.raw, re.I
    )
    first = _pairs(text)[:1]
    scope = first[0][1] if first else text
    counterpart = "the West" if re.search(r"\bthe West\b", scope) else None
    organization = next((a for a in organizations if re.search(rf"\b{a}\b", scope)), None)
    named = [code for code in (geo.country_of(first[0][0]) if first else None,) if code]
    countries = (
        (not (counterpart or organization) and _parties(scope, article))
        or named
        or _countries_in(text, sentence)
        or article.pair[:2]
    )
    if organization:
        counterpart = None
    if counterpart or organization:
        countries = countries[:1]
    elif len(countries) < 2:
        countries = [*countries, *(c for c in article.pair if c not in countries)][:2]
    if len(countries) + bool(counterpart or organization) != 2:
        return None
    period = sentence.dates[0][1] if sentence.dates else When(article.published.strftime("%Y-%m"))
    return Assessment(
        countries,
        counterpart,
        organization,
        stance,
        holder[1].lower() if holder else "author",
        period,
        sentence.text,
    )


def _countries_in(text: str, sentence: Sentence) -> list[str]:
    """The sentence's countries that `text` names, in its order."""
    named = [c for c in sentence.countries if any(
        geo.country_of(e.text) == c and e.text in text for e in sentence.ents
    )]  # fmt: skip
    return named or (sentence.countries[:2] if text in sentence.raw else [])
