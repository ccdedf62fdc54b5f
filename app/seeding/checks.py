"""Checks that need every bundle at once: unique ids, references and citation excerpts."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from app.seeding.yaml_lines import Loc
from app.sources.models import CitationCreate
from app.values import Ref


def fold_whitespace(text: str) -> str:
    return " ".join(text.split())


def walk(model: BaseModel, loc: Loc) -> Iterator[tuple[Loc, BaseModel]]:
    """Every pydantic model inside `model` (itself included), with its path."""
    yield loc, model
    for name in type(model).model_fields:
        value = getattr(model, name)
        if isinstance(value, BaseModel):
            yield from walk(value, (*loc, name))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, BaseModel):
                    yield from walk(item, (*loc, name, index))


def references(model: BaseModel, loc: Loc) -> Iterator[tuple[Loc, str, str]]:
    """`(path, kind, id)` for every field of `model` marked with `Ref(kind)`."""
    for name, info in type(model).model_fields.items():
        ref = next((meta for meta in info.metadata if isinstance(meta, Ref)), None)
        value = getattr(model, name)
        if ref is None or value is None:
            continue
        if isinstance(value, list):
            for index, item in enumerate(value):
                yield (*loc, name, index), ref.kind, item
        else:
            yield (*loc, name), ref.kind, value


@dataclass
class SourceTexts:
    """Folded source texts, read from the bundles or, lazily, from the database."""

    folded: dict[str, str] = field(default_factory=dict)
    fetch: Any = None  # callable(source_id) -> str | None, for sources already loaded

    def get(self, source_id: str) -> str | None:
        if source_id not in self.folded and self.fetch is not None:
            text = self.fetch(source_id)
            if text is not None:
                self.folded[source_id] = fold_whitespace(text)
        return self.folded.get(source_id)


def citation_problem(
    citation: CitationCreate, default_source: str | None, texts: SourceTexts
) -> tuple[str, str] | None:
    """`(field, message)` when the citation's source is unknown or its excerpt is not in it."""
    source_id = citation.source or default_source
    if source_id is None:
        return "source", "no source: name one, or set `default_source` in the bundle"
    text = texts.get(source_id)
    if text is None:
        return "source", f"unknown source '{source_id}'"
    if fold_whitespace(citation.excerpt) not in text:
        shown = citation.excerpt if len(citation.excerpt) <= 90 else citation.excerpt[:87] + "..."
        return "excerpt", f"excerpt not found in source '{source_id}': \"{shown}\""
    return None
