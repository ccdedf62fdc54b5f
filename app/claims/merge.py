"""The claims of one entity merged into the record the API serves, and where they disagree.

The rule (docs/AUTHORING.md, "When sources disagree"): for each fact, the claim of the
higher rank wins (preferred, normal, deprecated); between equal ranks, the more precise
value (a day over a month over a year; an exact quantity over a qualified one); then the
later source (by publication date, then id). Besides that one rule:

- lists (countries, participants, topics, status history, citations, ...) are united: an
  item two sources both give is kept once, with the citations of both;
- notes from several sources are all kept, one paragraph each;
- the words for a date (`start_text`, `end`, ...) go with the date they belong to;
- a name other than the chosen one becomes an alias;
- two sources that word a title, a name, a note or a quote differently do not disagree on a
  fact: only values are disputed.
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from app.claims.models import Rank

RANK_ORDER = {Rank.PREFERRED.value: 0, Rank.NORMAL.value: 1, Rank.DEPRECATED.value: 2}
# A field whose value is taken from the claim chosen for another (its leader).
FOLLOWS = {
    "start_text": "start",
    "end": "start",
    "end_text": "start",
    "date_text": "date",
    "period_text": "period",
    "period_end": "period",
}
# Wording, not a fact: never disputed.
WORDING = {"title", "name", "notes", "label", "derivation", "text", "acronym", "format"}
# Fields that name the claim itself rather than state a fact.
NOT_FACTS = {"id", "rank", "aliases", "citations"}
KINDS_WITH_ALIASES = {"person", "organization", "place", "topic", "mechanism"}


@dataclass(frozen=True, slots=True)
class StoredClaim:
    source: str
    rank: str
    published: str  # the source's publication date (ISO, its first day), "" when unknown
    record: dict[str, Any]


def preference(claims: Iterable[StoredClaim]) -> list[StoredClaim]:
    """The claims, the one to believe first: by rank, then the later source."""
    ordered = sorted(claims, key=lambda c: c.source)
    ordered.sort(key=lambda c: c.published, reverse=True)
    ordered.sort(key=lambda c: RANK_ORDER[c.rank])
    return ordered


def precision(value: Any) -> int:
    """How precise a value is, higher first: a partial date's parts; a quantity that is
    exact over one that is qualified. Other values are all equally precise."""
    if isinstance(value, str) and value[:4].isdigit():
        return value.count("-") + 1
    if isinstance(value, dict) and "qualifier" in value:
        return 1 if value["qualifier"] == "exact" else 0
    return 0


def _key(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def _fact(value: Any) -> str:
    """A value as a fact, without the words that state it."""
    if isinstance(value, dict):
        value = {k: v for k, v in value.items() if k not in ("text", "citations")}
    return _key(value)


def _item_key(item: Any) -> str:
    """What makes two list items the same item: a participant is a person; an item with
    citations is the same without them; anything else, its whole value."""
    if isinstance(item, dict):
        if "person" in item and "role" in item:
            return _key(item["person"])
        return _key({k: v for k, v in item.items() if k != "citations"})
    return _key(item)


def _united(lists: Iterable[list[Any]]) -> list[Any]:
    """The items of every list, each once, in the order first given; the same item given
    twice keeps the citations of both."""
    found: dict[str, Any] = {}
    for items in lists:
        for item in items:
            key = _item_key(item)
            if key not in found:
                found[key] = dict(item) if isinstance(item, dict) else item
            elif isinstance(item, dict) and "citations" in item:
                found[key]["citations"] = _united([found[key]["citations"], item["citations"]])
    return list(found.values())


def chosen(field: str, claims: list[StoredClaim]) -> StoredClaim | None:
    """The claim whose value of `field` is believed (None: no claim gives one). `claims` are
    in `preference` order."""
    given = [c for c in claims if c.record.get(field) is not None]
    if not given:
        return None
    rank = RANK_ORDER[given[0].rank]
    best = [c for c in given if RANK_ORDER[c.rank] == rank]
    return max(best, key=lambda c: precision(c.record[field]))  # max keeps the first of ties


def disputed(claims: list[StoredClaim]) -> list[str]:
    """The facts on which the claims' values differ (wording aside)."""
    fields = {name for claim in claims for name in claim.record}
    found = []
    for name in sorted(fields - NOT_FACTS - WORDING - set(FOLLOWS)):
        if any(isinstance(c.record.get(name), list) for c in claims):
            continue  # lists are united
        values = {_fact(c.record[name]) for c in claims if c.record.get(name) is not None}
        if len(values) > 1:
            found.append(name)
    return found


def merge(kind: str, claims: list[StoredClaim]) -> dict[str, Any]:
    """The record of the entity, its claims merged (`claims` in `preference` order)."""
    if len(claims) == 1:
        return claims[0].record
    fields = list(dict.fromkeys(name for claim in claims for name in claim.record))
    merged: dict[str, Any] = {}
    for name in fields:
        values = [c.record.get(name) for c in claims]
        if any(isinstance(v, list) for v in values):
            merged[name] = _united(v for v in values if v)
        elif name == "notes":
            notes = [v for v in dict.fromkeys(values) if v]
            merged[name] = "\n\n".join(notes) if notes else None
        elif name in FOLLOWS:
            leader = chosen(FOLLOWS[name], claims)
            merged[name] = leader.record.get(name) if leader else None
        else:
            claim = chosen(name, claims)
            merged[name] = claim.record[name] if claim else None
    if "status_history" in merged:  # oldest first, whichever source told of each entry
        merged["status_history"].sort(key=lambda entry: entry.get("date") or entry.get("as_of"))
    if kind in KINDS_WITH_ALIASES and "name" in merged:
        others = [c.record["name"] for c in claims if c.record.get("name")]
        aliases = _united([merged.get("aliases") or [], others])
        merged["aliases"] = [a for a in aliases if a != merged["name"]]
    return merged
