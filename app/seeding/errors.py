"""Errors of a seed run, each pointing at a file, a line and a field path."""

from dataclasses import dataclass

from app.seeding.yaml_lines import Loc


def format_loc(loc: Loc) -> str:
    """`("events", 0, "participants", 1, "person")` -> `events[0].participants[1].person`."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


@dataclass(frozen=True, slots=True)
class SeedError:
    file: str
    line: int | None
    loc: Loc
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        field = format_loc(self.loc)
        return f"{where} {field}: {self.message}" if field else f"{where}: {self.message}"


class SeedFailed(Exception):
    """Raised when any bundle is invalid; nothing was written."""

    def __init__(self, errors: list[SeedError]) -> None:
        super().__init__(f"{len(errors)} error(s) in the seed bundles")
        self.errors = errors
