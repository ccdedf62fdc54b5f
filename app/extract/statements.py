"""Statements: who said what, quoted (the words in quotation marks) or paraphrased; one for
each reporting verb of a sentence ("declared ... “two great powers” and voiced his belief
that ..."), and one for each of "the two leaders" who "affirmed" something together."""

import re
from dataclasses import dataclass

from app.extract import geo
from app.extract.article import Article, Sentence
from app.extract.people import Person

_REPORTING = re.compile(
    r"\b(?:said|says|stated|declared|told|added|noted|stressed|emphasi[sz]ed|emphasi[sz]ing|"
    r"underlined|voiced|expressed|affirmed|announced|urged|warned|insisted|called for|"
    r"pledged|vowed|reiterated)\b"
)
_QUOTE = re.compile(r"[“\"]([^”\"]{3,})[”\"]")
_LEADER = re.compile(r"\b(?:the|The) (\w+) (?:leader|president|prime minister|minister|side)\b")
_TOGETHER = re.compile(
    r"\b(?:the two (?:leaders|presidents|prime ministers|ministers|sides)|both leaders)\b", re.I
)
_OTHERS = re.compile(r"\b(?:observers|analysts|experts|commentators)\b", re.I)


@dataclass
class Statement:
    speaker: Person | None
    """None for "the two leaders": the participants of the event the sentence speaks of."""
    mode: str
    text: str
    citation: str
    index: int


def find_statements(article: Article) -> list[Statement]:
    found: list[Statement] = []
    last: Person | None = None
    for index, sentence in enumerate(article.sentences):
        people = sentence.mentioned or sentence.people
        text = sentence.raw
        verbs = list(_REPORTING.finditer(text))
        if verbs and not _OTHERS.search(text):
            for number, verb in enumerate(verbs):
                end = verbs[number + 1].start() if number + 1 < len(verbs) else len(text)
                words = text[verb.start() : end]
                alone = len(verbs) == 1
                quote = _QUOTE.search(text if alone else words)
                if not (alone or quote or re.search(r"\bthat\b", words)):
                    continue
                mode = "direct_quote" if quote else "paraphrase"
                said = sentence.text if alone else words.strip(" ,.;")
                together = _TOGETHER.search(text[: verb.start()])
                speaker = None if together else _speaker(sentence, people, last, article, verb)
                if together or speaker is not None:
                    found.append(Statement(speaker, mode, said, sentence.text, index))
        if people:
            last = people[0]
    return found


def _speaker(
    sentence: Sentence,
    people: list[Person],
    last: Person | None,
    article: Article,
    verb: re.Match[str],
) -> Person | None:
    text = sentence.raw
    before = [p for p in people if any(0 <= text.find(part) < verb.start() for part in p.parts)]
    if before:
        return before[-1]
    leader = _LEADER.search(text)
    if leader and geo.country_of(leader[1]):
        return article.people.of_country(geo.country_of(leader[1]) or "")
    if re.search(r"\b(?:he|she)\b", text[: verb.start()], re.I):
        return last
    return people[0] if people else None
