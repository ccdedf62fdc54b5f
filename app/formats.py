"""Content negotiation, and the CSV and NDJSON renderings of list items."""

import csv
import io
import json
import types
import typing
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

import mimeparse
from pydantic import BaseModel
from starlette.exceptions import HTTPException
from starlette.requests import Request

from app.pagination import Format

MEDIA_TYPES = {
    Format.JSON: "application/json",
    Format.CSV: "text/csv; charset=utf-8",
    Format.NDJSON: "application/x-ndjson",
}
# Media types a client may ask for, least preferred first (mimeparse's order): of equal
# quality and specificity (`*/*`, say), the later wins.
_OFFERED = {
    "application/ndjson": Format.NDJSON,
    "application/x-ndjson": Format.NDJSON,
    "text/csv": Format.CSV,
    "application/json": Format.JSON,
}
LIST_FORMATS = (Format.JSON, Format.CSV, Format.NDJSON)
DETAIL_FORMATS = (Format.JSON,)


def negotiate(request: Request, asked: Format | None, offered: Sequence[Format]) -> Format:
    """`format=` wins; else the best of the `offered` formats by the `Accept` header's
    qualities and media ranges (RFC 9110 12.5.1: `text/*` is CSV, the most specific range
    decides). No `Accept`, or one that cannot be parsed, is JSON; an `Accept` that none of
    them satisfies is a 406."""
    if asked is not None:
        return asked
    accept = request.headers.get("accept", "").strip().lower()
    if not accept:
        return Format.JSON
    supported = [media for media, fmt in _OFFERED.items() if fmt in offered]
    try:
        best = mimeparse.best_match(supported, accept)
    except mimeparse.MimeTypeParseException:
        return Format.JSON
    if not best:
        acceptable = ", ".join(media for media in supported if media != "application/ndjson")
        detail = f"this resource is available as {acceptable} only"
        raise HTTPException(406, detail, headers={"Vary": "Accept"})
    return _OFFERED[best]


@lru_cache
def csv_columns(model: type[BaseModel]) -> tuple[tuple[str, ...], ...]:
    """The leaf fields of `model`, each a column: a nested object's fields are columns of
    their own (`duration.value`, `duration.unit`...); a list is one cell (JSON)."""
    columns: list[tuple[str, ...]] = []
    for name, field in model.model_fields.items():
        nested = _nested_model(field.annotation)
        if nested is None:
            columns.append((name,))
        else:
            columns.extend((name, *path) for path in csv_columns(nested))
    return tuple(columns)


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    """The model of a field that holds one (`Quantity` or `Quantity | None`), else None."""
    is_union = typing.get_origin(annotation) in (typing.Union, types.UnionType)
    options = [a for a in typing.get_args(annotation) if a is not type(None)] if is_union else []
    candidate = options[0] if len(options) == 1 else annotation
    if isinstance(candidate, type) and issubclass(candidate, BaseModel):
        return candidate
    return None


def csv_header(model: type[BaseModel]) -> str:
    return _csv_line([".".join(path) for path in csv_columns(model)])


def csv_rows(model: type[BaseModel], items: Iterable[BaseModel]) -> str:
    columns = csv_columns(model)
    return "".join(
        _csv_line([_cell(_leaf(item.model_dump(mode="json"), path)) for path in columns])
        for item in items
    )


def _leaf(value: Any, path: tuple[str, ...]) -> Any:
    for name in path:
        if value is None:
            return None
        value = value[name]
    return value


# What a spreadsheet takes for the start of a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    """Lists become JSON in their cell; null becomes empty; text a spreadsheet would read as
    a formula is prefixed with `'` (numbers are written as numbers: `-1.5` is no formula)."""
    if value is None:
        return ""
    if isinstance(value, list):
        value = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _csv_line(cells: list[Any]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(cells)
    return buffer.getvalue()
