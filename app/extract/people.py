"""People with their offices and countries ("Russian Prime Minister Dmitry Medvedev"), and
the later mentions of them ("President Putin", "his French counterpart", "Macron")."""

import re
from dataclasses import dataclass, field

from spacy.tokens import Span

from app.extract import geo
from app.extract.known import Known, slug

TITLES = (
    "President",
    "Vice President",
    "Prime Minister",
    "Deputy Prime Minister",
    "Chancellor",
    "Foreign Minister",
    "Minister of Foreign Affairs",
    "Foreign Secretary",
    "Secretary of State",
    "Defence Minister",
    "Defense Minister",
    "Minister",
    "King",
    "Queen",
    "Crown Prince",
    "Emperor",
    "Premier",
    "Chairman",
    "General Secretary",
    "Ambassador",
    "Speaker",
    "Foreign Affairs Minister",
    "State Councillor",
    "Chief Executive",
)
_TITLE = "|".join(sorted((re.escape(t) for t in TITLES), key=len, reverse=True))
_BEFORE = re.compile(
    rf"(?:(?P<adj>(?:North |South |New |Sri |Saudi |Costa )?[A-Z][\w.]*)\s+)?"
    rf"(?P<title>{_TITLE}|counterpart)\s+$"
)
_OF = re.compile(rf"^,?\s+(?:the\s+)?(?P<title>{_TITLE}) of (?P<country>[A-Z][\w ]+?)[,.]")


@dataclass
class Person:
    id: str
    name: str
    country: str | None = None
    title: str | None = None
    citations: list[str] = field(default_factory=list)
    title_citation: str | None = None

    @property
    def surname(self) -> str:
        return self.name.split()[-1]

    @property
    def parts(self) -> list[str]:
        """The capitalized parts of the name a later mention may use alone."""
        return [part for part in self.name.split() if part[:1].isupper() and len(part) > 1]


def _clean_name(text: str) -> str:
    return re.sub(r"['’]s?$", "", text).strip()


# The last words of an office ("Minister of the Armed Forces"), never a person's name.
_PORTFOLIO = {
    "Affairs", "Forces", "Defence", "Defense", "Interior", "Economy", "Finance", "Justice",
    "Health", "Education", "Trade", "Industry", "Culture", "Agriculture", "Security", "State",
    "Development", "Energy", "Environment", "Commerce", "Treasury", "Labour", "Labor",
    "Transport", "Cooperation", "Relations", "Europe", "Ministry", "Office", "Department",
}  # fmt: skip
_OFFICE = re.compile(rf"\b(?:{_TITLE}|Minister|Secretary)\s+(?:of|for)\s+$")


def _titled_name(sent: Span, ent: Span) -> tuple[str, str] | None:
    """The name at the end of an entity the recognizer read as an organization after an
    office: "Minister of [the Armed Forces Florence Parly]" is Florence Parly."""
    if ent.label_ not in ("ORG", "FAC", "PRODUCT", "WORK_OF_ART"):
        return None
    office = _OFFICE.search(sent.text[: ent.start_char - sent.start_char])
    if not office:
        return None
    words = [t for t in ent if not t.is_punct]
    tail = words[-2:]
    if len(words) < 3 or not all(t.is_title and t.is_alpha for t in tail):
        return None
    if any(t.text in _PORTFOLIO or t.is_stop for t in tail):
        return None
    title = sent.text[office.start() : tail[0].idx - sent.start_char].strip()
    return " ".join(t.text for t in tail), title


def _whole(ent: Span) -> str:
    """The name an entity gives, with the capitalized word that follows it when that word
    belongs to no entity: the recognizer cuts some three-part names ("Pham Minh" Chinh)."""
    name = _clean_name(ent.text)
    after = ent.doc[ent.end] if ent.end < len(ent.doc) else None
    if (
        after is not None
        and name == ent.text
        and after.is_title
        and after.is_alpha
        and not after.ent_type_
        and not after.is_stop
        and not geo.country_of(after.text)
        and len(name.split()) == 2
        and sum(t.is_lower for t in ent.sent) * 2 > len(ent.sent)  # not a headline's Capitals
    ):
        return f"{name} {after.text}"
    return name


class People:
    def __init__(self, known: Known) -> None:
        self.known = known
        self.by_id: dict[str, Person] = {}

    def _find(self, name: str) -> Person | None:
        for person in self.by_id.values():
            if name == person.name or name in person.parts:
                return person
        return None

    def in_sentence(self, sent: Span) -> list[Person]:
        """The people a sentence names, in order, new ones recorded; "his French
        counterpart X" takes the title of the other person named."""
        found: list[Person] = []
        for ent in sent.ents:
            office = None if ent.label_ == "PERSON" else _titled_name(sent, ent)
            name = _whole(ent) if ent.label_ == "PERSON" else office and office[0]
            if not name or geo.country_of(name) or not name[0].isupper():
                continue
            before = sent.text[: ent.start_char - sent.start_char]
            after = sent.text[ent.end_char - sent.start_char :]
            person = self._find(name) or self._new(name)
            if person is None:
                continue
            if not person.citations:
                person.citations.append(sent.text.strip())
            if office and person.title is None:
                person.title, person.title_citation = office[1], sent.text.strip()
            described = _BEFORE.search(before)
            appositive = _OF.match(after)
            if described or appositive:
                self._describe(person, described, appositive, found, sent.text)
            if person not in found:
                found.append(person)
        return found

    def _new(self, name: str) -> Person | None:
        if len(name.split()) < 2:
            known = self.known.person(name)
            if known is None:
                return None  # a lone surname of someone never named in full
            name = known[1]
        known = self.known.person(name)
        person = Person(id=known[0] if known else slug(name), name=known[1] if known else name)
        self.by_id.setdefault(person.id, person)
        return self.by_id[person.id]

    def _describe(
        self,
        person: Person,
        described: re.Match[str] | None,
        appositive: re.Match[str] | None,
        others: list[Person],
        sentence: str,
    ) -> None:
        if appositive:
            country = geo.country_of(appositive["country"])
            title = appositive["title"]
        else:
            assert described is not None
            country = geo.country_of(described["adj"] or "") if described["adj"] else None
            title = described["title"]
            if title == "counterpart":
                title = next((p.title for p in others if p.title and p is not person), None)
        if country and person.country is None:
            person.country = country
        if title and person.title is None:
            person.title = title
            person.title_citation = sentence.strip()
        if sentence.strip() not in person.citations:
            person.citations.append(sentence.strip())

    def mentioned(self, sent: Span) -> list[Person]:
        """People a sentence names (any capitalized part of their name: "Macron", "Xi",
        "Lula"), in the order named, without new records; the entity recognizer is not
        needed, as it misses some names it saw in full earlier."""
        words = {token.text for token in sent if token.is_title or token.is_upper}
        named = [p for p in self.by_id.values() if words & set(p.parts)]
        return sorted(named, key=lambda p: sent.text.find(next(iter(words & set(p.parts)))))

    def of_country(self, code: str) -> Person | None:
        return next((p for p in self.by_id.values() if p.country == code and p.title), None)
