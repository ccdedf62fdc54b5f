"""Reading an article: what is not an English plain text is refused with a clear message."""

import re
from pathlib import Path

MAX_BYTES = 1_000_000
"""An article is a few thousand words; a megabyte is far past any of them."""

_HTML = re.compile(r"<\s*(!doctype|html|head|body|div|p|span|br|a\s|script|table)\b", re.I)
_WORD = re.compile(r"[^\W\d_]+")
# The commonest English function words: an English text of any length is full of them.
_ENGLISH = frozenset(
    [
        "the",
        "of",
        "and",
        "to",
        "in",
        "a",
        "is",
        "that",
        "for",
        "on",
        "with",
        "as",
        "was",
        "by",
        "at",
        "from",
        "it",
        "his",
        "her",
        "their",
        "its",
        "be",
        "are",
        "has",
        "have",
        "had",
        "were",
        "an",
        "this",
        "which",
        "or",
        "not",
        "but",
        "will",
        "said",
        "after",
        "between",
        "two",
    ]
)


class ExtractError(Exception):
    """Input that cannot be extracted from; the message says why, naming the file."""


def read_article(path: Path) -> str:
    """The article's text, or ExtractError naming the file and what is wrong with it."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ExtractError(
                f"{path}: {size:,} bytes, more than an article ({MAX_BYTES:,} bytes at most)"
            )
        data = path.read_bytes()
    except OSError as exc:
        raise ExtractError(f"{path}: cannot read: {exc.strerror}") from None
    return check_text(str(path), data)


def check_text(name: str, data: bytes) -> str:
    if b"\x00" in data:
        raise ExtractError(f"{name}: a binary file, not a text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ExtractError(
            f"{name}: not UTF-8 text (byte {exc.start}); save the article as UTF-8"
        ) from None
    if not text.strip():
        raise ExtractError(f"{name}: empty: the file holds no text")
    if _HTML.search(text):
        raise ExtractError(f"{name}: HTML, not plain text: save the article's text alone")
    words = [w.lower() for w in _WORD.findall(text)]
    common = sum(w in _ENGLISH for w in words)
    if len(words) >= 20 and common / len(words) < 0.12:
        raise ExtractError(
            f"{name}: does not read as English ({common} of {len(words)} words are common "
            "English words); only English articles are extracted"
        )
    return text
