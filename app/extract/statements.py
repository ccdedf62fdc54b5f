"""Statements: who said what, quoted (the words in quotation marks) or paraphrased; one for
each reporting verb of a sentence ("declared ... “two great powers” and voiced his belief
that ..."), and one for each of "the two leaders" who "affirmed" something together."""

import re
from dataclasses import dataclass

from app.extract import geo
from app.extract.article import Article, Sentence
from app.extract.people import Person
from app.seeding.semantics import quoted_spans

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
    """A direct quote's words in their quotation marks; else the words that report it."""
    quoted: list[str]
    """The words a paraphrase quotes (`quoted_phrases`)."""
    citation: str
    index: int


# A quotation that is the whole of what is reported: it opens the sentence ("“...,” Yoon
# told reporters") or is all that follows the verb ("said: “...”", "told Biden that “...”").
_WHOLE_AFTER = re.compile(r"^\w+(?: \w+)?\s*(?:[:,]|\bthat)?\s*[“\"]([^”\"]+)[”\"][.\s]*$")
_WHOLE_BEFORE = re.compile(r"^\s*[“\"]([^”\"]+)[”\"]")


def _report(words: str, verb: re.Match[str], sentence: str) -> tuple[str, str, list[str]]:
    """(mode, text, quoted phrases) of what one verb reports in `words`."""
    whole = _WHOLE_BEFORE.match(sentence) if verb.start() > 0 else None
    whole = whole if whole and whole.end() <= verb.start() else None
    whole = whole or _WHOLE_AFTER.match(words)
    if whole:
        return "direct_quote", f"“{whole[1].strip()}”", []
    return "paraphrase", words, quoted_spans(words)


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
                if not (alone or _QUOTE.search(words) or re.search(r"\bthat\b", words)):
                    continue
                reported = sentence.text if alone else words.strip(" ,.;")
                mode, said, quoted = _report(reported if not alone else words, verb, text)
                if mode == "paraphrase":
                    said = reported
                    quoted = quoted_spans(reported)
                together = _TOGETHER.search(text[: verb.start()])
                speaker = None if together else _speaker(sentence, people, last, article, verb)
                if together or speaker is not None:
                    found.append(Statement(speaker, mode, said, quoted, sentence.text, index))
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
