"""Unknown query parameters: ignored, unless the name is a likely typo of one the operation
takes.

Ignored, so that a cache-buster (`_=1700000000`), a tracking tag or a parameter of a later
version of the API does not break a request; refused with a hint when the name is close to
a real one (`contry=FR`, `limt=10`), because ignoring a mistyped filter answers a plausible
but wrong page (every country's events) that the client cannot tell from the right one.
"""

import difflib

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel

# How alike (difflib's ratio, 0..1) an unknown name and a known one must be to be a typo:
# `contry`/`country` is 0.92, `countries`/`country` 0.75; `_`, `page`, `token` or
# `utm_source` are below it for every parameter the API takes.
TYPO_CUTOFF = 0.75


def _names(dependant: Dependant) -> set[str]:
    """The query parameters an operation takes, those of its query models and of its
    dependencies included."""
    names: set[str] = set()
    for field in dependant.query_params:
        model = field.field_info.annotation
        if isinstance(model, type) and issubclass(model, BaseModel):
            names.update(f.alias or name for name, f in model.model_fields.items())
        else:
            names.add(field.alias)
    for dependency in dependant.dependencies:
        names |= _names(dependency)
    return names


# id of an operation's dependant -> (the dependant, its parameters): a dependant is not
# hashable, and holding it keeps its id from being reused.
_KNOWN: dict[int, tuple[Dependant, frozenset[str]]] = {}


def known_parameters(dependant: Dependant) -> frozenset[str]:
    cached = _KNOWN.get(id(dependant))
    if cached is None or cached[0] is not dependant:
        cached = _KNOWN[id(dependant)] = (dependant, frozenset(_names(dependant)))
    return cached[1]


async def reject_likely_typos(request: Request) -> None:
    """A 422 naming each unknown query parameter that looks like a known one, and which."""
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None or not request.query_params:
        return
    known = known_parameters(dependant)
    errors = []
    for name in dict.fromkeys(request.query_params.keys()):
        if name in known:
            continue
        close = difflib.get_close_matches(name, known, n=1, cutoff=TYPO_CUTOFF)
        if close:
            errors.append(
                {
                    "loc": ("query", name),
                    "msg": f"unknown parameter; did you mean `{close[0]}`?",
                    "type": "value_error",
                    "input": request.query_params[name],
                }
            )
    if errors:
        raise RequestValidationError(errors)
