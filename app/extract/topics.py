"""Topics an article says were discussed, agreed or disputed: the lists after "discussed",
"focused on", "such as", "agreements on" ..., crises by country, named agreements, and a
few global issues by their usual names. Each is linked to the events of its sentences."""

import re
from dataclasses import dataclass, field

from app.extract import geo
from app.extract.article import Article, Sentence
from app.extract.known import slug

LEXICON = [
    ("Climate change", r"\bclimate change\b"),
    ("Terrorism", r"\b(?:counter-?)?terrorism\b"),
    ("Cyber security", r"\bcyber ?security\b"),
    ("Nuclear non-proliferation", r"\bnon-?proliferation\b"),
    ("Economic and trade cooperation", r"\b(?:economic|trade|economic and trade) cooperation\b"),
    ("Bilateral relations", r"\bbilateral (?:relations|ties|cooperation)\b"),
    ("Security in Europe", r"\b(?:security in Europe|European security)\b"),
    ("Pandemic", r"\b(?:pandemic|COVID-19|coronavirus)\b"),
    ("Migration", r"\bmigration\b"),
]
CATEGORIES = [
    ("crisis", r"\b(?:crisis|crises|war|conflict|dispute|situation|fighting)\b"),
    ("agreement", r"\b(?:agreement|treaty|accord|plan of action|deal|protocol)\b"),
    ("global_issue", r"\b(?:climate|pandemic|migration|environment|health)\b"),
    ("security", r"\b(?:security|defen[cs]e|terror\w*|military|nuclear|weapons?|arms)\b"),
    ("economy", r"\b(?:trade|econom\w*|invest\w*|industr\w*|energy|financ\w*|technolog\w*|"
     r"minerals|railway|semiconductors?|engines|supply|business|tourism)\b"),
]  # fmt: skip
_CRISES = re.compile(
    r"\b(?:crisis|crises|conflicts?|war|situation|fighting|ceasefire|truce) in (?:the\s+)?"
    r"(?P<side>(?:eastern|western|northern|southern|central)\s+)?"
    r"(?:[A-Z]\w+\s+(?:province|region|city|enclave) of\s+)?((?:[A-Z]\w+)"
    r"(?:(?:,\s*|,? and\s+)[A-Z]\w+)*)"
)
# An agreement named by what it is about, in lower case: "the Iran nuclear deal", "the
# grain deal", "the new trade agreement".
_DEAL = re.compile(
    r"\bthe\s+((?:[A-Z][\w-]*\s+)*(?:(?!new\b|same\b|first\b|last\b)[a-z-]{3,}\s+)"
    r"(?:deal|agreement|accord|treaty))\b"
)
# Goods listed as examples ("exports such as barley, wine and coal") are not topics.
_GOODS = re.compile(r"\b(?:goods|products|exports|imports|commodities|items)\s+$")
_AGREEMENT = re.compile(
    r"\b((?:[A-Z][\w-]*\s+)*?(?:[A-Z][\w-]*\s+(?:of\s+)?)"
    r"(?:Agreement|Treaty|Accord|Plan of Action|Deal|Protocol|Partnership))\b"
)
_CUE = re.compile(
    r"\b(?:discuss(?:ed|ing)|focused on|focusing on|covering|covered|such as|including|"
    r"cooperate on|cooperation on|agreements?,? on|signed on|talks on|dealt with|"
    r"exchanged views on|raised|touched on|talked about|reviewed|discuss|dispute over|"
    r"disputes over|differences over|tensions over|disagreements? over|concerns? (?:about|over)|"
    r"dependence on|deal with|dealing with|tackle|tackling|combat|combating)\s+",
    re.I,
)
_END = re.compile(
    r"[;.!?”\"]|\s+(?:while|but|which|who|making|saying|after|before)\b|,\s+(?=\w+ed\b)|"
    r",\s+(?:were|was|is|are|has|have|had|will|would)\b|"
    r",\s+(?:the\s+)?(?:[\w-]+\s+){0,3}(?:said|says|added|stated|noted|told)\b"
)
_SEPARATOR = re.compile(r",\s*(?:as well as\s+|and\s+)?|\s+and\s+|\s+as well as\s+")
_LEADING = set(
    [
        "the",
        "a",
        "an",
        "their",
        "its",
        "his",
        "her",
        "many",
        "several",
        "some",
        "important",
        "other",
        "measures",
        "ways",
        "efforts",
        "to",
        "boost",
        "ensuring",
        "ensure",
        "fight",
        "against",
        "issues",
        "international",
        "major",
        "key",
        "on",
        "of",
        "as",
        "well",
        "also",
        "both",
        "further",
    ]
)
_VAGUE = {"challenges", "threats", "issues", "problems", "matters", "questions", "crises", "others"}
_GENERIC = {"cooperation", "relations", "issues", "the", "of", "in", "and", "between"}


@dataclass
class Topic:
    name: str
    category: str
    citations: list[str] = field(default_factory=list)
    sentences: list[int] = field(default_factory=list)


def _category(name: str) -> str:
    return next((c for c, p in CATEGORIES if re.search(p, name, re.I)), "diplomacy")


def _items(text: str) -> list[str]:
    """The items of each list a cue opens ("discussed A, B and C")."""
    found: list[str] = []
    for cue in _CUE.finditer(text):
        if cue.group().lower().startswith("such") and _GOODS.search(text[: cue.start()]):
            continue
        rest = text[cue.end() :]
        stop = _END.search(rest)
        listed = rest[: stop.start()] if stop else rest
        pieces: list[str] = []
        for piece in _SEPARATOR.split(listed):
            if pieces and re.search(r"\bbetween\s+\S+$|^[a-z-]+(?:al|ic|ive|ous|ern)$", pieces[-1]):
                # "between Russia and the EU", "traditional and nontraditional threats":
                # one item each
                pieces[-1] += " and " + piece
            else:
                pieces.append(piece)
        for piece in pieces:
            words = piece.strip(" ,“”\"'()").split()
            while words and words[0].lower() in _LEADING:
                words.pop(0)
            item = " ".join(words)
            named = all(word[:1].isupper() for word in words)  # a name: "Security Council"
            vague = len(words) == 1 and item.lower() in _VAGUE
            if 1 <= len(words) <= 12 and not named and not vague and not re.search(r"\d", item):
                found.append(item[:1].upper() + item[1:])
    return found


def _words(name: str) -> set[str]:
    return set(slug(name).split("-")) - _GENERIC


def _known(item: str, found: dict[str, Topic]) -> bool:
    """Whether a topic found already names `item` ("Bilateral relations" and "measures to
    boost bilateral relations"; "Crisis in Syria" and "the crises in Syria")."""
    words = _words(item) - {"crises"} | ({"crisis"} if "crises" in _words(item) else set())
    return any(words <= _words(name) or _words(name) <= words for name in found)


def find_topics(article: Article) -> dict[str, Topic]:
    found: dict[str, Topic] = {}

    def add(name: str, index: int, sentence: Sentence) -> None:
        topic = found.setdefault(name, Topic(name, _category(name)))
        if sentence.text not in topic.citations:
            topic.citations.append(sentence.text)
            topic.sentences.append(index)

    for index, sentence in enumerate(article.sentences):
        text = sentence.raw
        for name, pattern in LEXICON:
            words = [m.group().split() for m in re.finditer(pattern, text, re.I)]
            if any(not all(w[:1].isupper() for w in found) for found in words):
                add(name, index, sentence)  # not in a name: "Economic Cooperation (APEC)"
        places = {e.text for e in sentence.ents if e.label_ in ("GPE", "LOC")}
        for match in _CRISES.finditer(text):
            for place in re.split(r",\s*|\s+and\s+", match[2]):
                if geo.country_by_name(place) or place in places:
                    what = match[0].split()[0].lower().replace("crises", "crisis")
                    what = "conflict" if what in ("ceasefire", "truce") else what  # of one
                    add(f"{what.capitalize()} in {match['side'] or ''}{place}", index, sentence)
        for match in [*_AGREEMENT.finditer(text), *_DEAL.finditer(text)]:
            name = match[1].strip()
            if not _known(name, found):
                add(name[:1].upper() + name[1:], index, sentence)
        for item in _items(text):
            if item in found or not _known(item, found):
                add(item, index, sentence)
    return found
