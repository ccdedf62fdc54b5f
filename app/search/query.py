"""Turning what a person types into a full-text query that cannot be malformed.

Words, "quoted phrases" and prefix* are kept; every other character (FTS5 operators,
parentheses, colons, lone quotes) is a separator, so no input can raise a syntax error.
"""

import re
from dataclasses import dataclass

# What a query may ask, so that no query costs much more than another: each term is a
# doclist to read, and a short prefix reads the doclists of every word it begins.
MAX_TERMS = 8
MIN_PREFIX = 3
RANKED_AT_MOST = 200
"""A query matching at most this many records is ranked by relevance; a larger one is walked
in index order instead, so that a page costs the same however many records match."""
_TOKEN = re.compile(r'"([^"]*)"?|([^\s"]+)')
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]  # several words: a phrase
    prefix: bool = False  # the last word is a prefix


def parse(text: str) -> list[Term]:
    """The terms of `text`; all must match. Raises ValueError when there is none to search."""
    terms = []
    for phrase, bare in _TOKEN.findall(text):
        words = tuple(_WORD.findall(phrase if phrase else bare))
        if words:
            terms.append(Term(words, prefix=bool(bare) and bare.endswith("*")))
    if not terms:
        raise ValueError("no words to search for")
    if len(terms) > MAX_TERMS:
        raise ValueError(f"at most {MAX_TERMS} words or phrases")
    for term in terms:
        if term.prefix and len(term.words[-1]) < MIN_PREFIX:
            raise ValueError(
                f"a prefix needs at least {MIN_PREFIX} letters before its *: "
                f"'{term.words[-1]}*' would match too many words"
            )
    return terms


def fts5_match(terms: list[Term]) -> str:
    """An FTS5 MATCH expression: each term a quoted phrase, `*` after a prefix."""
    return " ".join(f'"{" ".join(t.words)}"' + ("*" if t.prefix else "") for t in terms)


def fts5_in_title(terms: list[Term]) -> str:
    """An FTS5 MATCH expression for records whose title alone holds every term."""
    return f"{{title}} : ({fts5_match(terms)})"


def fts5_not_in_title(terms: list[Term]) -> str:
    """An FTS5 MATCH expression for the other records: some term occurs only in the body."""
    match = fts5_match(terms)
    return f"({match}) NOT ({{title}} : ({match}))"


def tsquery(terms: list[Term]) -> str:
    """A PostgreSQL to_tsquery expression: phrases with <->, prefixes with :*."""
    parts = []
    for term in terms:
        words = [f"'{w}'" for w in term.words]
        if term.prefix:
            words[-1] += ":*"
        parts.append("(" + " <-> ".join(words) + ")")
    return " & ".join(parts)
