"""The regular expressions the OpenAPI document states for inputs, exactly what the server
takes: a client (or a fuzzer) that fills a parameter from its `pattern` is never refused.

Written for every engine that reads them: ECMA-262 in a browser, Python's `re`, and the Rust
`regex` crate behind pydantic (no lookaround, no backreference; `[0-9]`, not `\\d`, which
the latter two read as any Unicode digit).
"""

from collections import defaultdict
from collections.abc import Iterable

import pycountry

# Years 0001 to 9999 (Python's dates start at year 1).
_YEAR = "(?:[0-9]{3}[1-9]|[0-9]{2}[1-9]0|[0-9][1-9]00|[1-9]000)"
# Leap years: divisible by 4 but not by 100, or by 400.
_LEAP_YEAR = "(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:0[48]|[2468][048]|[13579][26])00)"
_MONTH = "(?:0[1-9]|1[0-2])"
# A month and a day of it in any year: 29 February only in `_LEAP_YEAR`s.
_MONTH_DAY = (
    "(?:(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8])"
    "|(?:0[13-9]|1[0-2])-(?:29|30)"
    "|(?:0[13578]|1[02])-31)"
)
REAL_DATE = f"(?:{_YEAR}-{_MONTH_DAY}|{_LEAP_YEAR}-02-29)"
"""A day of the calendar as YYYY-MM-DD: `2019-02-30` and `2019-02-29` are not."""

PARTIAL_DATE = f"^(?:{_YEAR}(?:-{_MONTH})?|{REAL_DATE})$"
"""`YYYY`, `YYYY-MM` or `YYYY-MM-DD`, each a real year, month or day."""

_TIME = "[0-5][0-9]"
ISO_MOMENT = (
    f"^{REAL_DATE}"
    f"(?:[T ](?:[01][0-9]|2[0-3]):{_TIME}(?::{_TIME}(?:\\.[0-9]{{1,6}})?)?"
    f"(?:Z|[+-](?:[01][0-9]|2[0-3]):?{_TIME})?)?$"
)
"""A date, or a date and a time (to the minute, second or microsecond) with an optional
zone (`Z` or an offset under 24 hours)."""

CONTROL_CHARACTERS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f"
"""The control characters no text of the API may hold (a character class's body): all but
tab and the line breaks."""

TEXT = f"^[^{CONTROL_CHARACTERS}]*$"
"""Free text: anything but the control characters (tab and line breaks are allowed)."""

NO_NUL = r"^[^\x00]*$"
"""Any text but NUL, which PostgreSQL cannot store: what a string of a write may hold."""


def _case_insensitive(codes: Iterable[str]) -> str:
    """A pattern matching `codes` (upper-case letters, all of one length) in any case, as a
    trie of character classes: `[Ff][RrIi]` for FR and FI."""
    codes = list(codes)
    if len(codes[0]) == 1:
        return "[" + "".join(sorted(codes)) + "".join(sorted(codes)).lower() + "]"
    rest: defaultdict[str, list[str]] = defaultdict(list)
    for code in codes:
        rest[code[0]].append(code[1:])
    branches = [
        f"[{first}{first.lower()}]{_case_insensitive(tails)}"
        for first, tails in sorted(rest.items())
    ]
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"


COUNTRY_CODE = (
    "^(?:"
    + _case_insensitive(country.alpha_2 for country in pycountry.countries)
    + "|"
    + _case_insensitive(country.alpha_3 for country in pycountry.countries)
    + ")$"
)
"""An ISO 3166-1 code pycountry knows, alpha-2 or alpha-3, in any case."""
