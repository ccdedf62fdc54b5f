"""The processes of a run: the servers, each in a process group of its own and stopped
even on failure; commands run to their end; waiting until a server has worked off the
requests of a finished run (or restarting it); Datasette's own venv."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from .common import BENCH, LOGS, ROOT, log, make_venv

DATASETTE_VENV = BENCH / ".venv-datasette"
DATASETTE_PYTHON = DATASETTE_VENV / "bin" / "python"
# Datasette, and the HTTP parser its users serve it with (bench/datasette_serve.py).
DATASETTE_PINS = ("datasette==0.65.5", "httptools==0.9.0")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """A server process of this run, in a process group of its own, logging to a file."""

    def __init__(
        self,
        name: str,
        argv: list[str],
        env: dict[str, str],
        ready_url: str,
        cwd: Path = ROOT,
    ) -> None:
        self.name, self.argv, self.env, self.ready_url, self.cwd = name, argv, env, ready_url, cwd
        LOGS.mkdir(parents=True, exist_ok=True)
        self.log_path = LOGS / f"{name}.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 300.0) -> None:
        log(f"starting {self.name}: {' '.join(self.argv)}")
        with self.log_path.open("wb") as out:
            self.proc = subprocess.Popen(
                self.argv,
                env=self.env,
                cwd=self.cwd,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited ({self.proc.returncode}):\n{self.tail()}")
            try:
                if httpx.get(self.ready_url, timeout=5).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"{self.name} not ready after {timeout:.0f} s:\n{self.tail()}")

    def tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        """SIGTERM to the server's own process group, then SIGKILL if it lingers."""
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=15)
        except ProcessLookupError:
            pass
        log(f"stopped {self.name}")


@contextmanager
def serving(server: Server) -> Iterator[Server]:
    try:
        server.start()
        yield server
    finally:
        server.stop()


def _terminate(signum: int, _frame: Any) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


@dataclass
class Finished:
    """A command run to its end: how long it took, the peak memory of its process (and of
    the processes it waited for: a loader's forked reader), and what it printed."""

    seconds: float
    peak_rss_mb: float
    output: str


def run_command(argv: list[str], env: dict[str, str], log_name: str, cwd: Path = ROOT) -> Finished:
    """Runs a command to its end, its output (stdout and stderr) to a log file; raises when
    it fails."""
    LOGS.mkdir(parents=True, exist_ok=True)
    log_path = LOGS / f"{log_name}.log"
    started = time.monotonic()
    with log_path.open("wb") as out:
        proc = subprocess.Popen(
            argv, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
        try:
            # wait4: the rusage of this child alone, not of every child of the harness so far.
            _, status, usage = os.wait4(proc.pid, 0)
        except BaseException:
            proc.kill()
            proc.wait()
            raise
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.monotonic() - started
    output = log_path.read_text(errors="replace")
    if proc.returncode != 0:
        raise RuntimeError(
            f"{' '.join(argv)} failed ({proc.returncode}):\n" + "\n".join(output.splitlines()[-30:])
        )
    return Finished(seconds, round(usage.ru_maxrss / 1024), output)


def _datasette_pinned() -> bool:
    """Whether bench/.venv-datasette has exactly the pinned versions."""
    if not DATASETTE_PYTHON.exists():
        return False
    check = (
        "import importlib.metadata as m, sys; "
        "sys.exit(any(m.version(p) != v for p, v in (a.split('==') for a in sys.argv[1:])))"
    )
    probe = subprocess.run(
        [str(DATASETTE_PYTHON), "-c", check, *DATASETTE_PINS], capture_output=True, text=True
    )
    return probe.returncode == 0


def ensure_datasette() -> Path:
    """bench/.venv-datasette with the pinned Datasette and httptools; made (or brought to
    the pins) on first use. Returns its `datasette` command."""
    if not _datasette_pinned():
        pins = " ".join(DATASETTE_PINS)
        if not DATASETTE_PYTHON.exists():
            log(f"making {DATASETTE_VENV.relative_to(ROOT)} with {pins}")
            make_venv(DATASETTE_VENV, *DATASETTE_PINS)
        else:
            log(f"installing {pins} into {DATASETTE_VENV.relative_to(ROOT)}")
            pip = [str(DATASETTE_PYTHON), "-m", "pip", "install", "--quiet"]
            subprocess.run([*pip, *DATASETTE_PINS], check=True)
    return DATASETTE_VENV / "bin" / "datasette"


def drain(url: str | None, timeout: float = 60.0) -> float | None:
    """Waits until the server has worked off the requests wrk left behind; returns seconds.

    wrk closes its connections when its time is up, but a server may still be working on
    the requests they sent. `url` goes through the same queue as they do (Entente's
    `/readyz` takes a database thread like any query; Datasette's `select 1` a SQL thread),
    so once it answers quickly twice, the backlog is gone and the next run starts clean.
    None when it is not gone after `timeout` seconds.
    """
    if url is None:
        return 0.0
    started = time.monotonic()
    quick = 0
    while quick < 2:
        left = timeout - (time.monotonic() - started)
        if left <= 0:
            return None
        sent = time.monotonic()
        try:
            ok = httpx.get(url, timeout=left).status_code == 200
        except httpx.HTTPError:
            ok = False
        quick = quick + 1 if ok and time.monotonic() - sent < 0.5 else 0
        if not ok:
            time.sleep(0.5)
    return time.monotonic() - started


def settle(server: Server | None, url: str | None, max_backlog: float) -> float | None:
    """Drains `server`; restarts it when its backlog outlasts `max_backlog` seconds.
    Returns the seconds drained, or None when it had to be restarted."""
    if server is None:
        return 0.0
    seconds = drain(url, max_backlog)
    if seconds is None:
        log(f"{server.name}: still busy after {max_backlog:.0f} s: restarting it")
        server.stop()
        server.start()
    return seconds


def solo(url: str, times: int = 3, timeout: float = 600.0) -> tuple[float | None, str]:
    """The median milliseconds of `url` asked alone, one request at a time (once only when
    it takes over 2 s), and what went wrong if anything."""
    took = []
    with httpx.Client(timeout=timeout) as client:
        for _ in range(times):
            sent = time.monotonic()
            try:
                response = client.get(url)
            except httpx.HTTPError as exc:
                return None, f"{type(exc).__name__}: {exc}"
            if response.status_code != 200:
                return None, f"{response.status_code}: {response.text[:200]}"
            took.append((time.monotonic() - sent) * 1000)
            if took[-1] > 2000:
                break
    return sorted(took)[len(took) // 2], ""
