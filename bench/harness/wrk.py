"""wrk: finding (or installing) it, running it at a URL, and reading what it says."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field

from .common import log
from .servers import Server, settle, solo


@dataclass
class Wrk:
    """What one wrk run says."""

    name: str
    url: str
    connections: int
    seconds: int
    threads: int = 2  # wrk's -t
    requests: int = 0
    rps: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    max_ms: float = 0.0
    socket_errors: dict[str, int] = field(default_factory=dict)
    non_2xx: int = 0
    drain_seconds: float | None = 0.0  # the server's work on requests wrk abandoned
    solo_ms: float | None = None  # one request at a time, before the run
    solo_error: str = ""
    raw: str = ""
    # requests/s of every run of this question, when it was run more than once (the kept
    # run is the median of them)
    samples: list[float] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(self.socket_errors.values()) + self.non_2xx


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        log("wrk is missing: apt-get install -y wrk")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        if subprocess.run(["apt-get", "install", "-y", "wrk"], env=env).returncode != 0:
            subprocess.run(["apt-get", "update"], env=env, check=False)
            subprocess.run(["apt-get", "install", "-y", "wrk"], env=env, check=False)
        found = shutil.which("wrk")
        if found:
            return found
    sys.exit("wrk is not installed: run `sudo apt-get install -y wrk` (Debian/Ubuntu) and retry")


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def _ms(value: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", value.strip())
    if not match:
        raise ValueError(f"not a wrk duration: {value!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def parse_wrk(output: str, result: Wrk) -> Wrk:
    result.raw = output
    if m := re.search(r"Requests/sec:\s+([\d.]+)", output):
        result.rps = float(m.group(1))
    if m := re.search(r"(\d+) requests in", output):
        result.requests = int(m.group(1))
    if m := re.search(r"^\s*Latency\s+(\S+)\s+(\S+)\s+(\S+)", output, re.M):
        result.max_ms = _ms(m.group(3))
    for percent, attr in (("50", "p50_ms"), ("99", "p99_ms")):
        if m := re.search(rf"^\s*{percent}%\s+(\S+)", output, re.M):
            setattr(result, attr, _ms(m.group(1)))
    if m := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    ):
        result.socket_errors = dict(
            zip(("connect", "read", "write", "timeout"), map(int, m.groups()), strict=True)
        )
    if m := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        result.non_2xx = int(m.group(1))
    return result


def wrk(
    wrk_bin: str,
    name: str,
    url: str,
    *,
    connections: int,
    seconds: int,
    warmup: int,
    server: Server | None,
    drain_url: str | None,
    max_backlog: float,
    threads: int = 2,
) -> Wrk:
    result = Wrk(name, url, connections, seconds, threads)
    result.solo_ms, result.solo_error = solo(url)
    if result.solo_ms is not None:
        result.solo_ms = round(result.solo_ms, 2)
    if warmup:
        subprocess.run(
            [wrk_bin, f"-t{threads}", f"-c{connections}", f"-d{warmup}s", url],
            capture_output=True,
            check=False,
        )
        settle(server, drain_url, max_backlog)
    argv = [wrk_bin, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    proc = subprocess.run(argv, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed:\n{proc.stdout}{proc.stderr}")
    parse_wrk(proc.stdout, result)
    drained = settle(server, drain_url, max_backlog)
    result.drain_seconds = None if drained is None else round(drained, 1)
    backlog = "restarted" if drained is None else f"{drained:.1f} s"
    log(
        f"{name}: alone {result.solo_ms} ms; {result.requests:,} requests, "
        f"{result.rps:,.0f} req/s, p50 {result.p50_ms:.2f} ms, p99 {result.p99_ms:.2f} ms, "
        f"max {result.max_ms:.0f} ms, errors {result.errors}; backlog {backlog}"
    )
    return result
