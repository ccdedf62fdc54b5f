"""Reading bundles: every record with the file and line it comes from, one at a time.

A bundle is a YAML mapping of sections, or NDJSON (`.ndjson`): one JSON object a line with
one key, the section, whose value is one record (`{"events": {...}}`), or the id of the
bundle's default source (`{"default_source": "id"}`). Either is read a record at a time
(YAML by YAML 1.2 rules: `app.seeding.yaml_lines`), so a file of any size is never whole in
memory; the settings' limits (`seed_max_*`) stop a hostile file early, with its line.
"""

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, get_args

from pydantic import BaseModel

from app.config import Settings, get_settings
from app.seeding.bundle import SECTION_KINDS, Bundle
from app.seeding.errors import SeedError
from app.seeding.yaml_lines import Item, Loc, Section, YamlError, YamlLimits, line_of, read_sections
from app.values import SLUG_PATTERN

BUNDLE_SUFFIXES = (".yaml", ".yml", ".ndjson")
SECTIONS = ("default_source", "countries", *SECTION_KINDS)


@dataclass(frozen=True, slots=True)
class BundleFile:
    path: Path
    display: str  # the path as errors name it


@dataclass(slots=True)
class RawRecord:
    """One record as read, not yet validated."""

    file: BundleFile
    line: int  # the line of the record itself
    section: str
    index: int
    data: Any
    default_source: str | None
    lines: dict[Loc, int] | None  # YAML: the line of each path; NDJSON: None (a record a line)

    @property
    def loc(self) -> Loc:
        return (self.section, self.index)

    def error(self, loc: Loc, message: str) -> SeedError:
        """An error about the field at `loc` (a path from the bundle's root)."""
        line = self.line if self.lines is None else line_of(self.lines, loc)
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
    """The records of one bundle, in order, and the errors of its syntax and sections; a
    file past the limits of the settings stops at the first error."""
    file = BundleFile(path, display(path))
    settings = get_settings()
    try:
        size = path.stat().st_size
        if not path.is_file():
            yield SeedError(file.display, None, (), "not a regular file")
            return
        if size > settings.seed_max_file_bytes:
            message = f"{size} bytes, more than {settings.seed_max_file_bytes} "
            yield SeedError(file.display, None, (), message + "(ENTENTE_SEED_MAX_FILE_BYTES)")
            return
        if path.suffix == ".ndjson":
            with path.open("rb") as stream:
                yield from _ndjson(file, stream, settings)
        else:
            with path.open("rb") as binary:
                yield from _yaml(file, binary, settings)
    except OSError as exc:
        yield SeedError(file.display, None, (), f"cannot read: {exc.strerror}")


def _yaml(
    file: BundleFile, stream: IO[bytes], settings: Settings
) -> Iterator[RawRecord | SeedError]:
    limits = YamlLimits(
        settings.seed_max_depth, settings.seed_max_alias_nodes, settings.seed_max_string_chars
    )
    default: str | None = None
    section: Section | None = None
    after_sections = False
    try:
        for part in read_sections(stream, limits):
            if isinstance(part, Item):
                if section is not None and section.name in SECTIONS:
                    yield RawRecord(
                        file, part.line, section.name, part.index, part.value, default, part.lines
                    )
                continue
            section = part
            error = _section_error(part, after_sections)
            if error is not None:
                yield SeedError(file.display, part.line, (part.name,), error)
            elif part.name == "default_source":
                default = _default_source(part.value)
            after_sections = after_sections or part.name != "default_source"
    except YamlError as exc:
        yield SeedError(file.display, exc.line, (), str(exc))


def _section_error(section: Section, after_sections: bool) -> str | None:
    if section.name == "default_source":
        if section.is_list or _default_source(section.value) is None:
            return "must be a source id (a slug)"
        if after_sections:
            return "must come before the sections (it applies to the records after it)"
        return None
    if section.name not in SECTIONS:
        return f"unknown section (known: {', '.join(SECTIONS)})"
    if not section.is_list and section.value is not None:
        return "must be a list"
    return None


def _ndjson(
    file: BundleFile, stream: IO[bytes], settings: Settings
) -> Iterator[RawRecord | SeedError]:
    counts: dict[str, int] = {}
    default: str | None = None
    longest = settings.seed_max_string_chars
    for number, line in enumerate(iter(lambda: stream.readline(longest + 1), b""), start=1):
        if len(line.rstrip(b"\n")) > longest:
            rest = line
            while rest and not rest.endswith(b"\n"):  # the rest of the line, a part at a time
                rest = stream.readline(longest)
            message = f"a line longer than {longest} bytes (ENTENTE_SEED_MAX_STRING_CHARS)"
            yield SeedError(file.display, number, (), message)
            continue
        if not line.strip():
            continue
        data, problem = _json(line, settings.seed_max_depth)
        if problem is not None:
            yield SeedError(file.display, number, (), problem)
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
            yield RawRecord(file, number, section, index, value, default, None)


def _json(line: bytes, max_depth: int) -> tuple[Any, str | None]:
    """One line's value, or why it cannot be read."""
    try:
        data = json.loads(line)
    except RecursionError:
        return None, f"nested deeper than {max_depth} levels (ENTENTE_SEED_MAX_DEPTH)"
    except ValueError as exc:
        return None, f"not JSON: {exc}"
    # Counting brackets is quick and bounds the depth, which is measured only past it.
    if line.count(b"[") + line.count(b"{") > max_depth and _depth(data) > max_depth:
        return None, f"nested deeper than {max_depth} levels (ENTENTE_SEED_MAX_DEPTH)"
    if b"\\u0000" in line:
        return None, "a NUL character (\\u0000) in a string"
    return data, None


def _depth(value: Any) -> int:
    """How deep lists and mappings nest in `value` (1: a flat list or mapping)."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, list):
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in item)
    return deepest
