"""`entente seed` run as a process of its own, and killed with SIGKILL at random moments
(tests/seeding/test_killed_loads.py on SQLite, test_killed_loads_postgres.py on PostgreSQL)."""

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest

KILLS = 20
RANDOM_SEED = 20261205
# The last load, after the kills, finishes within this.
COMPLETES_WITHIN_S = 60


def _environment(url: str) -> dict[str, str]:
    return {**os.environ, "ENTENTE_DATABASE_URL": url}


def _command(paths: Sequence[Path]) -> list[str]:
    return [sys.executable, "-m", "app.cli", "seed", *map(str, paths)]


def seed_to_the_end(url: str, paths: Sequence[Path]) -> float:
    """Runs a load to its end; returns how long it took (seconds, the process's start
    included)."""
    started = time.monotonic()
    done = subprocess.run(
        _command(paths),
        env=_environment(url),
        capture_output=True,
        text=True,
        timeout=COMPLETES_WITHIN_S,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return time.monotonic() - started


@contextmanager
def seed_process(url: str, paths: Sequence[Path]) -> Iterator[subprocess.Popen[bytes]]:
    """A load in a session, and so a process group, of its own (led by the load); killed at
    the end if a failed assertion left it running."""
    process = subprocess.Popen(
        _command(paths),
        env=_environment(url),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        assert os.getpgid(process.pid) == process.pid
        yield process
    finally:
        if process.returncode is None:
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)


def moments(expected_s: float) -> list[float]:
    """When to kill each load: random, and the same on every run."""
    rng = random.Random(RANDOM_SEED)
    return [rng.uniform(0, expected_s) for _ in range(KILLS)]


def kill(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL to the load's process group, then: no process of it remains."""
    group = process.pid  # seed_process: the load leads a process group of its own
    with suppress(ProcessLookupError):
        os.killpg(group, signal.SIGKILL)
    process.wait(timeout=30)
    # Killed, or (a moment drawn near the end) finished just before.
    assert process.returncode in (-signal.SIGKILL, 0)
    with pytest.raises(ProcessLookupError):
        os.kill(process.pid, 0)
    with pytest.raises(ProcessLookupError):
        os.killpg(group, 0)
