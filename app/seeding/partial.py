"""What of an invalid record did validate: its fields checked one by one, so that a record with
a bad date still has its references and citations checked in the same run.

pydantic reports every field error of a record at once, but gives no model when any field
fails. `salvage` then validates each field alone (the field's own type and constraints, in a
`TypeAdapter`), going down into the lists and models of a field that fails as a whole, and
builds the record from what passed with `model_construct`. Such a model is only ever checked,
never written: a field that did not validate is None (an item of a list that did not: None,
so the items keep their indexes), and the record's own model validators have not run.

A model inside a record (a citation, a participant) whose optional field did not validate is
dropped whole: its None would read as the default (a citation's source given wrong would
become the bundle's default source, and its excerpt be looked for there).
"""

from functools import cache
from types import NoneType, UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, TypeAdapter, ValidationError


@cache
def _field_adapter(model_type: type[BaseModel], name: str) -> TypeAdapter[Any]:
    info = model_type.model_fields[name]
    annotation: Any = info.annotation
    if info.metadata:  # the field's constraints (Field(min_length=1), Ref, ...)
        annotation = Annotated[annotation, *info.metadata]
    return TypeAdapter(annotation)


@cache
def _adapter(annotation: Any) -> TypeAdapter[Any]:
    return TypeAdapter(annotation)


def _unwrapped(annotation: Any) -> Any:
    """`Annotated[X, ...]` and `X | None` as `X`."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, UnionType):
            options = [arg for arg in get_args(annotation) if arg is not NoneType]
            if len(options) != 1:
                return annotation
            annotation = options[0]
        else:
            return annotation


def salvage(model_type: type[BaseModel], data: Any, *, inner: bool = False) -> BaseModel | None:
    """A `model_type` of the fields of `data` that validate alone (see the module's
    docstring); None when `data` is not a mapping, or an `inner` model lost an optional field."""
    if not isinstance(data, dict):
        return None
    values: dict[str, Any] = {}
    for name, info in model_type.model_fields.items():
        if name not in data:
            continue  # a default, or a missing required field (None below)
        try:
            values[name] = _field_adapter(model_type, name).validate_python(data[name])
        except ValidationError:
            if inner and not info.is_required():
                return None
            values[name] = _parts(info.annotation, data[name])
    missing = {name: None for name, info in model_type.model_fields.items() if info.is_required()}
    return model_type.model_construct(**(missing | values))


def _parts(annotation: Any, value: Any) -> Any:
    """What validates of a value that does not as a whole: a list's items one by one, a
    model's fields one by one; else None."""
    bare = _unwrapped(annotation)
    if isinstance(bare, type) and issubclass(bare, BaseModel):
        return salvage(bare, value, inner=True)
    if get_origin(bare) is list and isinstance(value, list):
        (item_type,) = get_args(bare)
        return [_item(item_type, item) for item in value]
    return None


def _item(annotation: Any, value: Any) -> Any:
    try:
        return _adapter(annotation).validate_python(value)
    except ValidationError:
        return _parts(annotation, value)
