"""What every part of the harness shares: the paths of a run, its log line, and the venvs
it makes for what it runs beside the working tree."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent
ROOT = BENCH.parent
OUT = BENCH / "out"
LOGS = OUT / "logs"
BIN = Path(sys.executable).parent  # the project's .venv/bin
# The code before the change that removed the pair tables: asked the same questions.
DEFAULT_BASELINE = "7edb6b6"
DEFAULT_WORKERS = (1, 2, 4)  # `entente serve --workers N`


def log(message: str) -> None:
    print(f"[bench {dt.datetime.now():%H:%M:%S}] {message}", flush=True)


def make_venv(venv: Path, *install: str) -> Path:
    """A venv at `venv` (made afresh, from the interpreter behind the project's venv) with
    `pip install *install` in it; returns its Python."""
    base = getattr(sys, "_base_executable", sys.executable)
    subprocess.run([base, "-m", "venv", "--clear", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", *install], check=True)
    return python
