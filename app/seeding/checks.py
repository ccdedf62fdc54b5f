"""Checks that need every bundle at once: unique ids, references and citation excerpts."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel

from app.seeding.yaml_lines import Loc
from app.sources.models import CitationCreate, SourceCreate
from app.values import Ref


def fold_whitespace(text: str) -> str:
    return " ".join(text.split())


def _may_hold_models(annotation: Any) -> bool:
    """Whether a field so annotated can hold a pydantic model (itself or in a list)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return True
    return any(_may_hold_models(arg) for arg in get_args(annotation))


@cache
def _model_fields(model_type: type[BaseModel]) -> tuple[str, ...]:
    """The fields of `model_type` that can hold models: `walk` looks only at those (a load
    walks every record, and most fields are plain values)."""
    return tuple(
        name for name, info in model_type.model_fields.items() if _may_hold_models(info.annotation)
    )


@cache
def _ref_fields(model_type: type[BaseModel]) -> tuple[tuple[str, str], ...]:
    """`(field, kind)` of the fields of `model_type` marked with `Ref(kind)`, in order."""
    found = []
    for name, info in model_type.model_fields.items():
        ref = next((meta for meta in info.metadata if isinstance(meta, Ref)), None)
        if ref is not None:
            found.append((name, ref.kind))
    return tuple(found)


def walk(model: BaseModel, loc: Loc) -> Iterator[tuple[Loc, BaseModel]]:
    """Every pydantic model inside `model` (itself included), with its path."""
    yield loc, model
    for name in _model_fields(type(model)):
        value = getattr(model, name)
        if isinstance(value, BaseModel):
            yield from walk(value, (*loc, name))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, BaseModel):
                    yield from walk(item, (*loc, name, index))


def references(model: BaseModel, loc: Loc) -> Iterator[tuple[Loc, str, str]]:
    """`(path, kind, id)` for every field of `model` marked with `Ref(kind)`."""
    for name, kind in _ref_fields(type(model)):
        value = getattr(model, name)
        if value is None:
            continue
        if isinstance(value, list):
            for index, item in enumerate(value):
                yield (*loc, name, index), kind, item
        else:
            yield (*loc, name), kind, value


@dataclass
class SourceTexts:
    """Folded source texts, read from the bundles or, lazily, from the database."""

    folded: dict[str, str] = field(default_factory=dict)
    fetch: Any = None  # callable(source_id) -> str | None, for sources already loaded
    # (source id, excerpt as written) -> whether it occurs: a bulk load cites the same few
    # sentences many times, and each search scans the whole text.
    _found: dict[tuple[str, str], bool] = field(default_factory=dict)

    def get(self, source_id: str) -> str | None:
        if source_id not in self.folded and self.fetch is not None:
            text = self.fetch(source_id)
            if text is not None:
                self.folded[source_id] = fold_whitespace(text)
        return self.folded.get(source_id)

    def contains(self, source_id: str, text: str, excerpt: str) -> bool:
        """Whether `excerpt`, whitespace folded, occurs in `text`, the folded source."""
        key = (source_id, excerpt)
        found = self._found.get(key)
        if found is None:
            found = self._found[key] = fold_whitespace(excerpt) in text
        return found


def citation_problem(
    citation: CitationCreate, default_source: str | None, texts: SourceTexts
) -> tuple[str, str] | None:
    """`(field, message)` when the citation's source is unknown or its excerpt is not in it."""
    return excerpt_problem(citation.source, citation.excerpt, default_source, texts)


def excerpt_problem(
    source: str | None, excerpt: str, default_source: str | None, texts: SourceTexts
) -> tuple[str, str] | None:
    """`citation_problem` of a citation given as its source (or None) and its excerpt."""
    source_id = source or default_source
    if source_id is None:
        return "source", "no source: name one, or set `default_source` in the bundle"
    text = texts.get(source_id)
    if text is None:
        return "source", f"unknown source '{source_id}'"
    if not texts.contains(source_id, text, excerpt):
        shown = excerpt if len(excerpt) <= 90 else excerpt[:87] + "..."
        return "excerpt", f"excerpt not found in source '{source_id}': \"{shown}\""
    return None


def read_source_text(folder: Path, record: SourceCreate) -> tuple[str | None, str | None]:
    """A source's text, given inline or in its `text_file` (relative to the bundle's
    `folder`): `(text, None)`, or `(None, why)` when the file cannot be read as UTF-8."""
    if record.text is not None:
        return record.text, None
    assert record.text_file is not None
    text_path = folder / record.text_file
    try:
        return text_path.read_text(encoding="utf-8"), None
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        return None, f"cannot read {text_path}: {reason}"
