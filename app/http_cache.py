"""Strong ETags derived from the knowledge base revision, the code and the request.

A response is a pure function of the data (its revision), the code that renders it (the
build id) and the request (path, query and negotiated format), so equal inputs give equal
bytes and the ETag can be known, and a 304 answered, before any query runs.
"""

import hashlib
from functools import lru_cache
from pathlib import Path

from starlette.requests import Request

APP_DIR = Path(__file__).resolve().parent


@lru_cache(maxsize=1)
def build_id() -> str:
    """A digest of the application's own source: new code, new ETags."""
    digest = hashlib.sha256()
    for path in sorted(APP_DIR.rglob("*.py")):
        digest.update(path.relative_to(APP_DIR).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def make_etag(revision: int, request: Request, representation: str) -> str:
    key = f"{build_id()}|{revision}|{representation}|{request.url.path}?{request.url.query}"
    return '"' + hashlib.sha256(key.encode()).hexdigest()[:32] + '"'


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """RFC 9110 If-None-Match: `*` or any listed tag equal by weak comparison."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    tags = (tag.strip().removeprefix("W/") for tag in if_none_match.split(","))
    return etag in tags
