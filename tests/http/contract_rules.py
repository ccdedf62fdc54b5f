"""What the OpenAPI document states in words because JSON Schema cannot, taught to schemathesis
as hooks, so that its "schema-valid request rejected" check holds the API to everything else.

- A `cursor` is opaque: only the server makes one (a `next_cursor`), for one list and sort
  order. A string that merely matches the cursor's `pattern` is not a cursor, so a generated
  one is left out of the request; a cursor the served instance made for that list and sort
  order is kept (the stateful run follows `next_cursor` links). A generated cursor that
  breaks the `pattern` is kept too: that one must be refused.
- Rules across parameters, each said in the description of the parameter it constrains:
  `country` and `partner` of a series, and the two countries of a pair, name two countries;
  a `*_from`..`*_to` range does not end before it begins; a search `q` has 1 to `MAX_TERMS`
  words or phrases and `MIN_PREFIX` letters before a `*`; a repeatable parameter takes up
  to `MAX_VALUES` distinct values (a repeated value counts once, so `maxItems` cannot say
  it). A generated request that breaks one is dropped, not sent (explicit examples too):
  its 422 is the documented answer, tested in tests/api/test_documented_rules.py.
"""

import re
from typing import Any

import pycountry
import schemathesis
from schemathesis import Case, HookContext, Response

from app.pagination import MAX_VALUES, ListQuery
from app.search.query import parse
from app.values import PartialDate

CURSOR = re.compile(ListQuery.model_json_schema()["properties"]["cursor"]["anyOf"][0]["pattern"])
RANGES = (("date_from", "date_to"), ("period_from", "period_to"))


@schemathesis.deserializer("application/x-ndjson")
def _ndjson_as_text(_context: Any, response: Response) -> str:
    # The document gives an NDJSON stream the schema of a string (its lines are items, one
    # JSON text each, which OpenAPI 3.1 cannot say): read as that text, not as one JSON
    # value, which a stream of one item would pass for.
    return response.content.decode("utf-8")


class MadeCursors:
    """Every `next_cursor` the served instance answered, with the list and sort it was for."""

    def __init__(self) -> None:
        self.made: dict[str, tuple[str, Any]] = {}

    def record(self, case: Case, response: Response) -> None:
        media_type = response.headers.get("content-type", [""])[0]
        if response.status_code != 200 or not media_type.startswith("application/json"):
            return
        body = response.json()
        cursor = body.get("next_cursor") if isinstance(body, dict) else None
        if isinstance(cursor, str):
            self.made[cursor] = (case.path, (case.query or {}).get("sort"))

    def made_for(self, cursor: str, case: Case) -> bool:
        return self.made.get(cursor) == (case.path, (case.query or {}).get("sort"))


def _country(code: Any) -> str | None:
    if not isinstance(code, str) or len(code) not in (2, 3) or not code.isascii():
        return None
    found = pycountry.countries.get(**{f"alpha_{len(code)}": code.upper()})
    return str(found.alpha_2) if found else None


def _day_range(value: Any) -> PartialDate | None:
    try:
        return PartialDate.parse(value) if isinstance(value, str) else None
    except ValueError:
        return None


def breaks_a_documented_rule(case: Case) -> bool:
    """Whether the request breaks a rule across parameters that its descriptions state."""
    query, path = case.query or {}, case.path_parameters or {}
    pairs = [(query.get("country"), query.get("partner"))] if case.path.endswith("/series") else []
    if case.path.startswith("/api/v1/relations/"):
        pairs.append((path.get("a"), path.get("b")))
    for one, other in pairs:
        if _country(one) is not None and _country(one) == _country(other):
            return True
    for start, end in RANGES:
        first, last = _day_range(query.get(start)), _day_range(query.get(end))
        if first is not None and last is not None and first.first > last.last:
            return True
    for value in query.values():
        if isinstance(value, list) and len(set(map(str, value))) > MAX_VALUES:
            return True
    if case.path == "/api/v1/search" and isinstance(query.get("q"), str):
        try:
            parse(query["q"])  # the rules the description of `q` states
        except ValueError:
            return True
    return False


def install(schema: Any) -> MadeCursors:
    """Registers the hooks on `schema`; the cursors the served instance makes are recorded."""
    cursors = MadeCursors()
    # Unknown query parameters are ignored, as the document's description says (a typo of a
    # known one is a 422: tests/api/test_http_semantics.py); not a request to refuse.
    schema.config.generation.update(allow_extra_parameters=False)

    def after_call(_context: HookContext, case: Case, response: Response) -> None:
        cursors.record(case, response)

    def filter_case(_context: HookContext, case: Case) -> bool:
        return not breaks_a_documented_rule(case)

    def before_add_examples(_context: HookContext, examples: list[Case]) -> None:
        examples[:] = [case for case in examples if not breaks_a_documented_rule(case)]

    def map_case(_context: HookContext, case: Case) -> Case:
        cursor = (case.query or {}).get("cursor")
        if (
            isinstance(cursor, str)
            and CURSOR.fullmatch(cursor)
            and not cursors.made_for(cursor, case)
        ):
            del case.query["cursor"]
        return case

    schema.hook("after_call")(after_call)
    schema.hook("filter_case")(filter_case)
    schema.hook("before_add_examples")(before_add_examples)
    schema.hook("map_case")(map_case)
    return cursors
