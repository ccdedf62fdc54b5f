"""A source's text: given inline, or read from its `text_file`, which must be a UTF-8 text
file inside the bundle's folder (or a sources folder: `allowed_folders`) and no larger than the
settings allow, so that a bundle cannot serve `/etc/passwd` or read `/dev/zero` for ever."""

import os
import stat
from pathlib import Path

from app.config import get_settings
from app.sources.models import SourceCreate


def allowed_folders(folder: Path) -> list[Path]:
    """Where the `text_file` of a bundle in `folder` may lie: that folder and those below
    it, the `sources/` folder beside it (a seed folder holds `bundles/` and `sources/`),
    and the settings' sources folder."""
    extra = get_settings().sources_dir
    return [folder, folder.parent / "sources", *([extra] if extra is not None else [])]


def read_source_text(folder: Path, record: SourceCreate) -> tuple[str | None, str | None]:
    """A source's text, given inline or in its `text_file` (relative to the bundle's
    `folder`): `(text, None)`, or `(None, why)` when the file may not or cannot be read."""
    if record.text is not None:
        return record.text, None
    assert record.text_file is not None
    named = folder / record.text_file
    limit = get_settings().seed_max_source_bytes
    try:
        path = named.resolve(strict=True)
        roots = [root.resolve() for root in allowed_folders(folder)]
        if not any(path.is_relative_to(root) for root in roots):
            where = ", ".join(map(str, roots))
            return None, f"{record.text_file} is outside {where} (ENTENTE_SOURCES_DIR)"
        # Opened without blocking, then checked: a FIFO or a device is refused unread.
        with open(os.open(path, os.O_RDONLY | os.O_NONBLOCK), "rb") as stream:
            if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
                return None, f"{record.text_file} is not a regular file"
            data = stream.read(limit + 1)
    except OSError as exc:
        return None, f"cannot read {named}: {exc.strerror}"
    if len(data) > limit:
        return None, (
            f"{record.text_file} is larger than {limit} bytes (ENTENTE_SEED_MAX_SOURCE_BYTES)"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None, f"{record.text_file} is not UTF-8 text"
    if "\x00" in text:
        return None, f"{record.text_file} is not text (it holds NUL characters)"
    return text, None
