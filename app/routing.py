"""A route class that reads a list's query parameters into its model directly.

FastAPI reads a query-parameter model field by field, checking each annotation per request:
about 330 µs for `EventQuery`, more than the database spends on a page (measured in
`docs/BENCHMARKS.md`). For an endpoint shaped `(request, query: Annotated[Model, Query()])`
this route validates the whole query string with the model's own validator instead (about
50 µs), and raises the same `RequestValidationError` (locations under `query`). Everything
else stays FastAPI's: the OpenAPI schema is built from the same signature, and any other
endpoint shape is handled by FastAPI as usual.
"""

import inspect
import re
import typing
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import BaseModel, ValidationError
from starlette.requests import Request
from starlette.responses import Response

Handler = Callable[[Request], Coroutine[Any, Any, Response]]

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


async def reject_control_characters(request: Request) -> None:
    """NUL and other control characters are never valid input (PostgreSQL refuses NUL).

    A coroutine: FastAPI would run a plain function in its thread pool, a thread hop per
    request for a few microseconds of work."""
    errors = [
        {
            "loc": (where, name),
            "msg": "control characters are not allowed",
            "type": "value_error",
            "input": value,
        }
        for where, items in (
            ("query", request.query_params.multi_items()),
            ("path", request.path_params.items()),
        )
        for name, value in items
        if isinstance(value, str) and (_CONTROL.search(value) or _CONTROL.search(name))
    ]
    if errors:
        raise RequestValidationError(errors)


def _query_model(dependant: Dependant) -> tuple[str, type[BaseModel]] | None:
    """The name and model of the endpoint's one query-parameter model, if that and the
    request are all it takes (and no dependency of its own)."""
    if dependant.path_params or dependant.header_params or dependant.cookie_params:
        return None
    if dependant.body_params or len(dependant.query_params) == 0:
        return None
    hints = typing.get_type_hints(dependant.call, include_extras=True)  # type: ignore[arg-type]
    models = {
        name: typing.get_args(hint)[0]
        for name, hint in hints.items()
        if typing.get_origin(hint) is typing.Annotated
        and inspect.isclass(typing.get_args(hint)[0])
        and issubclass(typing.get_args(hint)[0], BaseModel)
    }
    if len(models) != 1:
        return None
    ((name, model),) = models.items()
    # FastAPI lists either the model's fields or the model itself as the query parameters.
    if {field.name for field in dependant.query_params} not in ({name}, set(model.model_fields)):
        return None
    if dependant.dependencies:
        return None
    return name, model


def _sequence_fields(model: type[BaseModel]) -> frozenset[str]:
    return frozenset(
        name
        for name, field in model.model_fields.items()
        if typing.get_origin(field.annotation) in (list, tuple, set, frozenset)
    )


class ListRoute(APIRoute):
    """An `APIRoute` that validates a query-parameter model in one call (see the module)."""

    def get_route_handler(self) -> Handler:
        found = _query_model(self.dependant)
        if found is None:
            return super().get_route_handler()
        name, model = found
        sequences = _sequence_fields(model)
        endpoint = self.endpoint

        async def handler(request: Request) -> Response:
            # The API router's dependency, which FastAPI runs only in its own handlers.
            await reject_control_characters(request)
            values: dict[str, Any] = {}
            for key, value in request.query_params.multi_items():
                if key in sequences:
                    values.setdefault(key, []).append(value)
                else:
                    values[key] = value  # the last of repeated values, as FastAPI takes it
            try:
                query = model.model_validate(values)
            except ValidationError as exc:
                raise RequestValidationError(
                    [
                        {**error, "loc": ("query", *error["loc"])}
                        for error in exc.errors(include_url=False)
                    ]
                ) from None
            response = await endpoint(request=request, **{name: query})
            if not isinstance(response, Response):
                raise TypeError(f"{self.path}: a ListRoute endpoint returns a Response")
            return response

        return handler
