"""YAML read by YAML 1.2 rules, a record at a time, with the line of every key and list item.

Events come from ruamel.yaml's C parser; this module builds plain Python values from them
(ruamel.yaml's YAML 1.2 resolver and constructor decide what a scalar is: `NO`, `yes` and
`2019-02-30` stay strings, dates being the models' to read), so that a bundle's records are
built one at a time, never the whole file. Anything past the limits (`YamlLimits`) stops
the file with an error at its line, before it costs time or memory.
"""

import re
from collections.abc import Container, Iterator
from dataclasses import dataclass
from typing import IO, Any

from ruamel.yaml import YAML
from ruamel.yaml.cyaml import CParser
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
    StreamStartEvent,
)
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.reader import ReaderError
from ruamel.yaml.tag import Tag

Loc = tuple[str | int, ...]

_CORE = "tag:yaml.org,2002:"
_STR, _SEQ, _MAP = _CORE + "str", _CORE + "seq", _CORE + "map"
# What a scalar may be. A timestamp stays the string it is written as: YAML 1.2's core
# schema has none, and a bundle's dates (partial ones too) are the models' to read.
_SCALAR_TAGS = {_CORE + name for name in ("null", "bool", "int", "float")}
_KEPT_AS_WRITTEN = {_STR, _CORE + "timestamp"}


def _rules() -> tuple[Any, dict[str, list[tuple[str, Any]]]]:
    yaml = YAML(typ="safe", pure=True)
    yaml.version = (1, 2)
    table = yaml.resolver.versioned_resolver
    kept = _SCALAR_TAGS | _KEPT_AS_WRITTEN  # not YAML 1.1's merge keys (`<<`) or `=`
    return yaml.constructor, {
        first: [
            (str(tag), re.compile(rule.pattern, rule.flags))
            for tag, rule in table[first]
            if str(tag) in kept
        ]
        for first in table
    }


_CONSTRUCTOR, _IMPLICIT = _rules()


@dataclass(frozen=True, slots=True)
class YamlLimits:
    max_depth: int  # levels of lists and mappings, the root's included
    max_alias_nodes: int  # values that aliases may repeat in one file, in all
    max_string_chars: int  # the longest scalar


class YamlError(ValueError):
    """A file that cannot be read further, with the 1-based line of the problem."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True, slots=True)
class Section:
    """A key of the root mapping; `value` is None when it is a list (its items follow)."""

    name: Any
    line: int
    is_list: bool
    value: Any


@dataclass(frozen=True, slots=True)
class Item:
    """One item of a root key's list, and the line of each path inside it (from the root)."""

    index: int
    line: int
    value: Any
    lines: dict[Loc, int]


def read_sections(stream: IO[bytes], limits: YamlLimits) -> Iterator[Section | Item]:
    """The root mapping of the YAML document in `stream`: each key as a `Section`, and when
    its value is a list, each item after it as an `Item`, built one at a time."""
    builder = _Builder(stream, limits)
    try:
        yield from builder.sections()
    except YAMLError as exc:
        raise builder.error_of(exc) from None


def line_of(lines: dict[Loc, int], loc: Loc) -> int:
    """The line of `loc`, or of its nearest ancestor that the file names (a missing key)."""
    for end in range(len(loc), -1, -1):
        line = lines.get(loc[:end])
        if line is not None:
            return line
    return 1


class _Builder:
    def __init__(self, stream: IO[bytes], limits: YamlLimits) -> None:
        self.stream = stream
        self.limits = limits
        self.parser = CParser(stream)
        self.anchors: dict[str, tuple[Any, int]] = {}  # anchor -> (value, its values)
        self.built = 0  # values built so far, aliases counted as what they repeat
        self.alias_nodes = 0
        self.lines: dict[Loc, int] = {}

    def error_of(self, exc: YAMLError) -> YamlError:
        """The parser's error, at its line (libyaml gives a byte offset for bad characters)."""
        if isinstance(exc, ReaderError):
            return YamlError(self._line_at(exc.position), f"YAML: {exc.reason}")
        if isinstance(exc, MarkedYAMLError):
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark is not None else 1
            return YamlError(line, f"YAML syntax: {exc.problem or exc}")
        return YamlError(1, f"YAML syntax: {exc}")

    def _line_at(self, offset: int) -> int:
        self.stream.seek(0)
        newlines = 0
        while offset > 0:
            chunk = self.stream.read(min(offset, 1 << 20))
            if not chunk:
                break
            newlines += chunk.count(b"\n")
            offset -= len(chunk)
        return newlines + 1

    def document_start(self) -> Any:
        """Reads up to the document's root; returns its first event, None if empty."""
        self._expect(StreamStartEvent)
        if isinstance(self.parser.peek_event(), StreamEndEvent):
            return None
        self._expect(DocumentStartEvent)
        root = self.parser.peek_event()
        if isinstance(root, ScalarEvent) and self._scalar(root) is None:
            self.parser.get_event()
            return None
        return root

    def document_end(self) -> None:
        self._expect(DocumentEndEvent)
        event = self.parser.get_event()
        if not isinstance(event, StreamEndEvent):
            raise YamlError(_line(event), "a bundle is one YAML document (found a second)")

    def _expect(self, kind: type) -> None:
        event = self.parser.get_event()
        if not isinstance(event, kind):
            raise YamlError(_line(event), f"YAML: unexpected {type(event).__name__}")

    def sections(self) -> Iterator[Section | Item]:
        root = self.document_start()
        if root is None:
            self.document_end()
            return
        if not isinstance(root, MappingStartEvent):
            raise YamlError(_line(root), "a bundle is a mapping of sections")
        next_event = self.parser.get_event
        self._collection_tag(next_event(), _MAP)
        seen: set[Any] = set()
        while not isinstance(key := next_event(), MappingEndEvent):
            name = self._key(key, seen)
            seen.add(name)
            start = next_event()
            if not isinstance(start, SequenceStartEvent):
                self.lines = {}
                yield Section(name, _line(key), False, self.build(start, (name,), 2))
                continue
            yield Section(name, _line(key), True, None)
            self._collection_tag(start, _SEQ)
            index = 0
            while not isinstance(event := next_event(), SequenceEndEvent):
                self.lines = {}
                value = self.build(event, (name, index), 3)
                yield Item(index, _line(event), value, self.lines)
                index += 1
        self.document_end()

    def _key(self, event: Any, taken: Container[Any]) -> Any:
        if not isinstance(event, ScalarEvent):
            raise YamlError(_line(event), "keys must be strings")
        key = self._scalar(event)
        if not isinstance(key, str | int) or isinstance(key, bool):
            raise YamlError(_line(event), "keys must be strings")
        if key in taken:
            raise YamlError(_line(event), f"duplicate key '{key}'")
        return key

    def build(self, event: Any, path: Loc, depth: int) -> Any:
        """The value that starts with `event`, built whole (its events read); records the
        line of `path` and of the paths inside it."""
        self.lines.setdefault(path, event.start_mark.line + 1)
        kind = type(event)
        if kind is ScalarEvent:
            self.built += 1
            value = self._scalar(event)
            if event.anchor is not None:
                self.anchors[event.anchor] = (value, 1)
            return value
        if kind is AliasEvent:
            return self._alias(event)
        if depth > self.limits.max_depth:
            raise YamlError(
                _line(event),
                f"nested deeper than {self.limits.max_depth} levels (ENTENTE_SEED_MAX_DEPTH)",
            )
        before = self.built
        self.built += 1
        next_event = self.parser.get_event
        if kind is SequenceStartEvent:
            self._collection_tag(event, _SEQ)
            items: list[Any] = []
            while type(item := next_event()) is not SequenceEndEvent:
                items.append(self.build(item, (*path, len(items)), depth + 1))
            value = items
        else:
            self._collection_tag(event, _MAP)
            mapping: dict[Any, Any] = {}
            while type(key_event := next_event()) is not MappingEndEvent:
                key = self._key(key_event, mapping.keys())
                self.lines[(*path, key)] = key_event.start_mark.line + 1
                mapping[key] = self.build(next_event(), (*path, key), depth + 1)
            value = mapping
        if event.anchor is not None:
            self.anchors[event.anchor] = (value, self.built - before)
        return value

    def _alias(self, event: Any) -> Any:
        if event.anchor not in self.anchors:
            raise YamlError(_line(event), f"unknown alias '*{event.anchor}'")
        value, count = self.anchors[event.anchor]
        self.alias_nodes += count
        if self.alias_nodes > self.limits.max_alias_nodes:
            raise YamlError(
                _line(event),
                f"aliases repeat more than {self.limits.max_alias_nodes} values "
                "(ENTENTE_SEED_MAX_ALIAS_NODES)",
            )
        self.built += count
        return value

    def _scalar(self, event: Any) -> Any:
        value: str = event.value
        if len(value) > self.limits.max_string_chars:
            raise YamlError(
                _line(event),
                f"a value of {len(value)} characters (at most {self.limits.max_string_chars}: "
                "ENTENTE_SEED_MAX_STRING_CHARS)",
            )
        tag = event.tag
        if tag is None and event.implicit[0]:  # plain: YAML 1.2 says what it is
            tag = next((t for t, rule in _IMPLICIT.get(value[:1], ()) if rule.match(value)), _STR)
        if tag is None or tag == "!" or tag in _KEPT_AS_WRITTEN:
            if "\x00" in value:
                raise YamlError(_line(event), "a NUL character in a string")
            return value
        if tag not in _SCALAR_TAGS:
            raise YamlError(_line(event), f"could not determine a constructor for the tag '{tag}'")
        node = ScalarNode(Tag(suffix=tag), value, event.start_mark, event.end_mark)
        try:
            return _CONSTRUCTOR.yaml_constructors[tag](_CONSTRUCTOR, node)
        except ValueError as exc:
            raise YamlError(
                _line(event), f"cannot be read as {tag.removeprefix(_CORE)}: {exc}"
            ) from None

    def _collection_tag(self, event: Any, plain: str) -> None:
        if event.tag not in (None, "!", plain):
            raise YamlError(
                _line(event), f"could not determine a constructor for the tag '{event.tag}'"
            )


def _line(event: Any) -> int:
    return int(event.start_mark.line) + 1
