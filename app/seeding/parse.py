"""Reading bundles: every record with the file and line it comes from, one at a time.

A bundle is a YAML mapping of sections, or NDJSON (`.ndjson`): one JSON object a line with
one key, the section, whose value is one record (`{"events": {...}}`), or the id of the
bundle's default source (`{"default_source": "id"}`). An NDJSON bundle is read a line at a
time, so a file of any size is never whole in memory.
"""

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel

from app.seeding.bundle import SECTION_KINDS, Bundle
from app.seeding.errors import SeedError
from app.seeding.yaml_lines import Loc, YamlSyntaxError, line_of, load_with_lines
from app.values import SLUG_PATTERN

BUNDLE_SUFFIXES = (".yaml", ".yml", ".ndjson")
SECTIONS = ("default_source", "countries", *SECTION_KINDS)


@dataclass(frozen=True, slots=True)
class BundleFile:
    path: Path
    display: str  # the path as errors name it
    lines: dict[Loc, int] | None  # YAML: the line of each path; NDJSON: None (a record a line)


@dataclass(slots=True)
class RawRecord:
    """One record as read, not yet validated."""

    file: BundleFile
    line: int  # the line of the record itself
    section: str
    index: int
    data: Any
    default_source: str | None

    @property
    def loc(self) -> Loc:
        return (self.section, self.index)

    def error(self, loc: Loc, message: str) -> SeedError:
        """An error about the field at `loc` (a path from the bundle's root)."""
        lines = self.file.lines
        line = self.line if lines is None else line_of(lines, loc)
        return SeedError(self.file.display, line, loc, message)


def bundle_files(paths: Iterable[Path]) -> list[Path]:
    """The bundles named, and those below the folders named, in a stable order."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.suffix in BUNDLE_SUFFIXES)
        else:
            files.append(path)
    return files


def display(path: Path) -> str:
    """The path as given when relative, else relative to the working folder if inside it."""
    if not path.is_absolute():
        return str(path)
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def item_model(section: str) -> type[BaseModel]:
    (model,) = get_args(Bundle.model_fields[section].annotation)
    return model  # type: ignore[no-any-return]


def _default_source(value: Any) -> str | None:
    return value if isinstance(value, str) and re.match(SLUG_PATTERN, value) else None


def read(path: Path) -> Iterator[RawRecord | SeedError]:
    """The records of one bundle, in order, and the errors of its syntax and sections."""
    shown = display(path)
    try:
        with path.open(encoding="utf-8") as stream:
            if path.suffix == ".ndjson":
                yield from _ndjson(BundleFile(path, shown, None), stream)
                return
            text = stream.read()
    except OSError as exc:
        yield SeedError(shown, None, (), f"cannot read: {exc.strerror}")
        return
    except UnicodeDecodeError:
        yield SeedError(shown, None, (), "not UTF-8 text")
        return
    yield from _yaml(path, shown, text)


def _yaml(path: Path, shown: str, text: str) -> Iterator[RawRecord | SeedError]:
    try:
        data, lines = load_with_lines(text)
    except YamlSyntaxError as exc:
        yield SeedError(shown, exc.line, (), str(exc))
        return
    file = BundleFile(path, shown, lines)
    if data is None:
        return
    if not isinstance(data, dict):
        yield SeedError(shown, 1, (), "a bundle is a mapping of sections")
        return
    default = data.get("default_source")
    if "default_source" in data and _default_source(default) is None:
        yield SeedError(
            shown,
            line_of(lines, ("default_source",)),
            ("default_source",),
            "must be a source id (a slug)",
        )
    for section, value in data.items():
        if section == "default_source":
            continue
        if section not in SECTIONS:
            yield SeedError(
                shown,
                line_of(lines, (section,)),
                (section,),
                f"unknown section (known: {', '.join(SECTIONS)})",
            )
        elif value is None:
            continue
        elif not isinstance(value, list):
            yield SeedError(shown, line_of(lines, (section,)), (section,), "must be a list")
        else:
            for index, item in enumerate(value):
                line = line_of(lines, (section, index))
                yield RawRecord(file, line, section, index, item, _default_source(default))


def _ndjson(file: BundleFile, lines: Iterable[str]) -> Iterator[RawRecord | SeedError]:
    counts: dict[str, int] = {}
    default: str | None = None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except ValueError as exc:
            yield SeedError(file.display, number, (), f"not JSON: {exc}")
            continue
        if not (isinstance(data, dict) and len(data) == 1):
            yield SeedError(
                file.display, number, (), "a line is an object with one key, a section name"
            )
            continue
        ((section, value),) = data.items()
        if section == "default_source":
            default = _default_source(value)
            if default is None:
                yield SeedError(file.display, number, (section,), "must be a source id (a slug)")
        elif section not in SECTIONS:
            yield SeedError(
                file.display, number, (section,), f"unknown section (known: {', '.join(SECTIONS)})"
            )
        else:
            index = counts[section] = counts.get(section, -1) + 1
            yield RawRecord(file, number, section, index, value, default)
