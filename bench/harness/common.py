"""What every part of the harness shares: the paths of a run and its log line."""

from __future__ import annotations

import datetime as dt
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
