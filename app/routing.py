"""A route class that validates an endpoint's parameters with one model call each.

FastAPI reads a query-parameter model field by field, checking each annotation per request:
about 330 µs for `EventQuery`, more than the database spends on a page (measured in
`docs/BENCHMARKS.md`). For an endpoint shaped `(request, path parameters...,
query: Annotated[Model, Query()])` (the query model optional) this route validates the path
parameters with a model made of their annotations and the query string with the query
model's own validator (about 50 µs), and raises the same `RequestValidationError`
(locations under `path` and `query`). Everything else stays FastAPI's: the OpenAPI schema is
built from the same signature, and any other endpoint shape is handled by FastAPI as usual.
"""

import inspect
import re
import typing
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import BaseModel, ValidationError, create_model
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


@dataclass(frozen=True)
class _Shape:
    """What an endpoint takes besides the request: path parameters, and at most one model of
    query parameters (under `query_name`)."""

    path: type[BaseModel] | None
    query_name: str | None
    query: type[BaseModel] | None


def _shape(dependant: Dependant) -> _Shape | None:
    """The endpoint's parameters, if they are path parameters and at most one query-parameter
    model beside the request (and no dependency of its own); else None (FastAPI's way)."""
    if dependant.header_params or dependant.cookie_params or dependant.body_params:
        return None
    if dependant.dependencies or dependant.call is None:
        return None
    hints = typing.get_type_hints(dependant.call, include_extras=True)
    models = {
        name: typing.get_args(hint)[0]
        for name, hint in hints.items()
        if typing.get_origin(hint) is typing.Annotated
        and inspect.isclass(typing.get_args(hint)[0])
        and issubclass(typing.get_args(hint)[0], BaseModel)
    }
    if len(models) > 1:
        return None
    query_name, query = next(iter(models.items()), (None, None))
    # FastAPI lists either the model's fields or the model itself as the query parameters.
    fields = {field.name for field in dependant.query_params}
    if (query is None and fields) or (
        query is not None
        and fields
        not in (
            {query_name},
            set(query.model_fields),
        )
    ):
        return None
    path = None
    if dependant.path_params:
        # Each path parameter as annotated (`Annotated[str, Path(max_length=...)]`): FastAPI's
        # `Path` is a pydantic `FieldInfo`, so the model checks the same constraints.
        path = create_model(  # type: ignore[call-overload]
            f"{dependant.call.__name__}_path",
            **{field.name: (hints[field.name], ...) for field in dependant.path_params},
        )
    return _Shape(path=path, query_name=query_name, query=query)


def _errors(where: str, exc: ValidationError) -> list[dict[str, Any]]:
    return [{**error, "loc": (where, *error["loc"])} for error in exc.errors(include_url=False)]


def _sequence_fields(model: type[BaseModel]) -> frozenset[str]:
    return frozenset(
        name
        for name, field in model.model_fields.items()
        if typing.get_origin(field.annotation) in (list, tuple, set, frozenset)
    )


class ListRoute(APIRoute):
    """An `APIRoute` that validates its parameters in one call per model (see the module)."""

    def get_route_handler(self) -> Handler:
        shape = _shape(self.dependant)
        if shape is None:
            return super().get_route_handler()
        sequences = _sequence_fields(shape.query) if shape.query is not None else frozenset()
        endpoint = self.endpoint

        async def handler(request: Request) -> Response:
            # The API router's dependency, which FastAPI runs only in its own handlers.
            await reject_control_characters(request)
            arguments: dict[str, Any] = {}
            errors: list[dict[str, Any]] = []
            if shape.path is not None:
                try:
                    arguments.update(dict(shape.path.model_validate(request.path_params)))
                except ValidationError as exc:
                    errors += _errors("path", exc)
            if shape.query is not None:
                values: dict[str, Any] = {}
                for key, value in request.query_params.multi_items():
                    if key in sequences:
                        values.setdefault(key, []).append(value)
                    else:
                        values[key] = value  # the last of repeated values, as FastAPI takes it
                try:
                    arguments[str(shape.query_name)] = shape.query.model_validate(values)
                except ValidationError as exc:
                    errors += _errors("query", exc)
            if errors:
                raise RequestValidationError(errors)
            response = await endpoint(request=request, **arguments)
            if not isinstance(response, Response):
                raise TypeError(f"{self.path}: a ListRoute endpoint returns a Response")
            return response

        return handler
