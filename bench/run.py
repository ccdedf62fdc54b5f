"""Entente's benchmark: Entente against Datasette and the framework floor, with wrk.

    make bench          # .venv/bin/python bench/run.py: 10,000 and 1,000,000 events
    make bench-quick    # .venv/bin/python bench/run.py --quick: 10,000 events, short runs

For each knowledge-base size N it generates a SYNTHETIC knowledge base (bench/generate.py,
cached in bench/out/kb-N/), loads it into a fresh SQLite file (bench/out/kb-N.sqlite3)
with `entente migrate` and a timed `entente seed`, then serves it with Entente (one
worker), Datasette (in its own venv, bench/.venv-datasette, made here when missing) on the
same file, and the framework floor (bench/floor.py), and drives wrk at the same questions.
It writes the results between the markers of docs/BENCHMARKS.md (a full run) or of
bench/out/BENCHMARKS-quick.md (a quick run; `--doc` chooses another file), and the raw
numbers to bench/out/results.json. Every server it starts is stopped, even on failure.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import json
import os
import platform
import re
import resource
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
OUT = BENCH / "out"
LOGS = OUT / "logs"
BIN = Path(sys.executable).parent  # the project's .venv/bin
DATASETTE_VENV = BENCH / ".venv-datasette"
DATASETTE_PIN = "datasette==0.65.5"
DOC = ROOT / "docs" / "BENCHMARKS.md"
QUICK_DOC = OUT / "BENCHMARKS-quick.md"
BEGIN, END = "<!-- bench:results:begin -->", "<!-- bench:results:end -->"

sys.path.insert(0, str(BENCH))
import generate  # noqa: E402

PAIR = ("RU", "FR")
COMMON_WORD = "cooperation"
PAGE_DEPTH = 100
EVENTS_PATH = f"/api/v1/events?country={PAIR[0]}&country={PAIR[1]}&limit=50"
# Datasette's equivalent of EVENTS_PATH: the event table's rows of the events involving
# both countries, 50, newest first. The same plan as Entente's (app/events/service.py):
# the first country's rows of event_country, in date order from its index, each checked
# for the second country through the primary key.
DATASETTE_QUERY = """select event.*
from event
join event_country as driving
  on driving.event_id = event.id and driving.country = :a
where exists (
  select 1 from event_country
  where event_country.event_id = event.id and event_country.country = :b
)
order by driving.start_first desc, driving.event_id desc
limit 50"""
DATASETTE_QUERY_NAME = "pair_events"

# The targets of the issue, measured on the 1,000,000-event knowledge base.
TARGET_N = 1_000_000
FLAT_N = 10_000
DATASETTE_FACTOR = 5.0
FLOOR_FACTOR = 0.35
EVENTS_P99_MS = 15.0
FLAT_RATIO = 0.9
DEEP_PAGE_RATIO = 0.9
DOSSIER_P99_MS = 50.0
LOAD_SECONDS = 90.0
STALL_MS = 2000.0  # wrk's default --timeout: a request slower than this is a timeout error


@dataclass
class Wrk:
    """What one wrk run says."""

    name: str
    url: str
    connections: int
    seconds: int
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

    @property
    def errors(self) -> int:
        return sum(self.socket_errors.values()) + self.non_2xx


@dataclass
class SizeResult:
    events: int
    generate_seconds: float | None = None
    load_seconds: float | None = None
    load_peak_rss_mb: float | None = None
    load_output: str = ""
    db_mb: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)
    pair_events: int = 0
    deep_page: int = 0  # the page reached by following next_cursor (100 when there are enough)
    same_rows: bool | None = None  # Entente's page and Datasette's rows name the same events
    runs: dict[str, Wrk] = field(default_factory=dict)
    failure: str | None = None


# -- processes ----------------------------------------------------------------------------


def log(message: str) -> None:
    print(f"[bench {dt.datetime.now():%H:%M:%S}] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """A server process of this run, in a process group of its own, logging to a file."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], ready_url: str) -> None:
        self.name, self.argv, self.env, self.ready_url = name, argv, env, ready_url
        LOGS.mkdir(parents=True, exist_ok=True)
        self.log_path = LOGS / f"{name}.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 300.0) -> None:
        log(f"starting {self.name}: {' '.join(self.argv)}")
        with self.log_path.open("wb") as out:
            self.proc = subprocess.Popen(
                self.argv,
                env=self.env,
                cwd=ROOT,
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


def run_command(argv: list[str], env: dict[str, str], log_name: str) -> tuple[float, str]:
    """Runs a command to its end; returns (seconds, output); raises when it fails."""
    LOGS.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    proc = subprocess.run(
        argv, env=env, cwd=ROOT, capture_output=True, text=True, stdin=subprocess.DEVNULL
    )
    seconds = time.monotonic() - started
    output = proc.stdout + proc.stderr
    (LOGS / f"{log_name}.log").write_text(output)
    if proc.returncode != 0:
        raise RuntimeError(
            f"{' '.join(argv)} failed ({proc.returncode}):\n" + "\n".join(output.splitlines()[-30:])
        )
    return seconds, output


# -- tools ------------------------------------------------------------------------------


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


def ensure_datasette() -> Path:
    """bench/.venv-datasette with the pinned Datasette; made on first use."""
    datasette = DATASETTE_VENV / "bin" / "datasette"
    version_ok = False
    if datasette.exists():
        probe = subprocess.run([str(datasette), "--version"], capture_output=True, text=True)
        version_ok = probe.returncode == 0 and DATASETTE_PIN.split("==")[1] in probe.stdout
    if not version_ok:
        log(f"making {DATASETTE_VENV.relative_to(ROOT)} with {DATASETTE_PIN}")
        base = getattr(sys, "_base_executable", sys.executable)
        subprocess.run([base, "-m", "venv", "--clear", str(DATASETTE_VENV)], check=True)
        pip = [str(DATASETTE_VENV / "bin" / "python"), "-m", "pip", "install", "--quiet"]
        subprocess.run([*pip, DATASETTE_PIN], check=True)
    return datasette


# -- wrk --------------------------------------------------------------------------------

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
) -> Wrk:
    result = Wrk(name, url, connections, seconds)
    result.solo_ms, result.solo_error = solo(url)
    if result.solo_ms is not None:
        result.solo_ms = round(result.solo_ms, 2)
    if warmup:
        subprocess.run(
            [wrk_bin, "-t2", f"-c{connections}", f"-d{warmup}s", url],
            capture_output=True,
            check=False,
        )
        settle(server, drain_url, max_backlog)
    argv = [wrk_bin, "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url]
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


def check_json(url: str) -> Any:
    """The JSON of a 200 answer to `url`, or an error saying what came instead."""
    response = httpx.get(url, timeout=120)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url}: {response.status_code} {response.text[:500]}")
    return response.json()


# -- one knowledge-base size --------------------------------------------------------------


def prepare(n: int, result: SizeResult, env: dict[str, str], reuse_db: bool) -> Path:
    """Generates (cached) and loads the knowledge base of `n` events; returns the SQLite file."""
    kb = OUT / f"kb-{n}"
    if generate.is_current(kb, n):
        log(f"{kb.relative_to(ROOT)}: generated already")
    else:
        log(f"generating {n:,} synthetic events in {kb.relative_to(ROOT)}")
        started = time.monotonic()
        generate.generate(n, kb)
        result.generate_seconds = round(time.monotonic() - started, 1)
    manifest = json.loads((kb / "manifest.json").read_text())
    result.counts = manifest["counts"]
    result.pair_events = manifest["pair_events"].get("-".join(PAIR), 0)
    database = OUT / f"kb-{n}.sqlite3"
    stamp = OUT / f"kb-{n}.loaded.json"
    env["ENTENTE_DATABASE_URL"] = f"sqlite:///{database}"
    if reuse_db and database.exists() and stamp.exists():
        loaded = json.loads(stamp.read_text())
        if loaded.get("generator") == manifest["generator"]:
            log(f"{database.name}: reusing the database loaded earlier (--reuse-db)")
            result.load_seconds = loaded.get("load_seconds")
            result.load_peak_rss_mb = loaded.get("load_peak_rss_mb")
            result.load_output = loaded.get("load_output", "") + "\n(reused, not reloaded)"
            result.db_mb = round(database.stat().st_size / 2**20, 1)
            return database
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    stamp.unlink(missing_ok=True)
    run_command([str(BIN / "entente"), "migrate"], env, f"migrate-{n}")
    files = [str(kb / name) for name in manifest["files"]]
    log(f"loading {n:,} events: entente seed {kb.relative_to(ROOT)}/*.ndjson")
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    seconds, output = run_command([str(BIN / "entente"), "seed", *files], env, f"seed-{n}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    result.load_seconds = round(seconds, 1)
    # ru_maxrss is the largest child so far: meaningful when the seed is the largest.
    result.load_peak_rss_mb = round(peak / 1024, 0) if peak > before else None
    result.load_output = output.strip().splitlines()[-1] if output.strip() else ""
    result.db_mb = round(database.stat().st_size / 2**20, 1)
    log(f"loaded in {seconds:.1f} s ({result.load_output}); {result.db_mb} MiB")
    stamp.write_text(
        json.dumps(
            {
                "generator": manifest["generator"],
                "load_seconds": result.load_seconds,
                "load_peak_rss_mb": result.load_peak_rss_mb,
                "load_output": result.load_output,
            }
        )
    )
    return database


def measure(
    n: int, database: Path, result: SizeResult, env: dict[str, str], args: argparse.Namespace
) -> None:
    wrk_bin = args.wrk
    seconds, warmup, soak = args.seconds, args.warmup, args.soak_seconds
    entente_port, datasette_port, floor_port = free_port(), free_port(), free_port()
    entente = f"http://127.0.0.1:{entente_port}"
    datasette = f"http://127.0.0.1:{datasette_port}"
    floor = f"http://127.0.0.1:{floor_port}"

    metadata = OUT / f"datasette-metadata-{n}.json"
    metadata.write_text(
        json.dumps(
            {
                "databases": {
                    database.stem: {
                        "queries": {DATASETTE_QUERY_NAME: {"sql": DATASETTE_QUERY}},
                    }
                }
            },
            indent=1,
        )
    )
    servers = [
        Server(
            f"entente-{n}",
            [str(BIN / "entente"), "serve", "--host", "127.0.0.1", "--port", str(entente_port)],
            {**env, "ENTENTE_LOG_LEVEL": "WARNING"},
            f"{entente}/readyz",
        ),
        Server(
            f"datasette-{n}",
            [
                str(args.datasette),
                "serve",
                str(database),
                "--host",
                "127.0.0.1",
                "--port",
                str(datasette_port),
                "--metadata",
                str(metadata),
                "--setting",
                "sql_time_limit_ms",
                "60000",
                "--setting",
                "max_returned_rows",
                "1000",
            ],
            dict(os.environ),
            f"{datasette}/-/versions.json",
        ),
        Server(
            f"floor-{n}",
            [sys.executable, str(BENCH / "floor.py"), "--port", str(floor_port)],
            dict(os.environ),
            f"{floor}/floor",
        ),
    ]
    with ExitStack() as stack:
        for server in servers:
            stack.enter_context(serving(server))

        events_url = entente + EVENTS_PATH
        datasette_url = (
            f"{datasette}/{quote(database.stem)}/{DATASETTE_QUERY_NAME}.json"
            f"?a={PAIR[0]}&b={PAIR[1]}&_shape=array"
        )
        # The same question, the same answer: Datasette's rows are Entente's page.
        page = check_json(events_url)
        rows = check_json(datasette_url)
        entente_ids = [item["id"] for item in page["items"]]
        result.same_rows = entente_ids == [row["id"] for row in rows]
        if not result.same_rows:
            log("WARNING: Datasette's rows are not the events of Entente's first page")

        # The page PAGE_DEPTH of the pair list, by following next_cursor.
        deep_url, depth, cursor = events_url, 1, page["next_cursor"]
        with httpx.Client(timeout=120) as client:
            while cursor and depth < PAGE_DEPTH:
                url = f"{events_url}&cursor={quote(cursor)}"
                response = client.get(url)
                response.raise_for_status()
                deep_url, depth, cursor = url, depth + 1, response.json()["next_cursor"]
        result.deep_page = depth
        check_json(floor + "/floor")
        entente_drain = f"{entente}/readyz"
        datasette_drain = f"{datasette}/{quote(database.stem)}.json?sql=select+1&_shape=array"
        check_json(datasette_drain)
        pair = f"{entente}/api/v1/relations/{PAIR[0]}/{PAIR[1]}"
        ent, dat, flo = servers
        plan = [
            ("floor", floor + "/floor", 32, seconds, flo, None),
            ("datasette_events", datasette_url, 32, seconds, dat, datasette_drain),
            ("events", events_url, 32, seconds, ent, entente_drain),
            ("events_deep_page", deep_url, 32, seconds, ent, entente_drain),
            ("relations", pair, 32, seconds, ent, entente_drain),
            ("timeline", f"{pair}/timeline", 32, seconds, ent, entente_drain),
            ("search", f"{entente}/api/v1/search?q={COMMON_WORD}", 32, seconds, ent, entente_drain),
            ("events_c256", events_url, 256, soak, ent, entente_drain),
        ]
        for name, url, connections, duration, server, drain_url in plan:
            result.runs[name] = wrk(
                wrk_bin,
                name,
                url,
                connections=connections,
                seconds=duration,
                warmup=warmup,
                server=server,
                drain_url=drain_url,
                max_backlog=args.max_backlog,
            )
        # The server must still answer once the load is over: not stalled, not dead.
        check_json(events_url)


# -- the report ---------------------------------------------------------------------------


def _version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "-"


def machine(args: argparse.Namespace) -> dict[str, str]:
    cpu = "unknown"
    memory = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 2**20:.1f} GiB"
                break
    except OSError:
        pass
    wrk_version = subprocess.run([args.wrk, "--version"], capture_output=True, text=True)
    datasette_version = subprocess.run(
        [str(args.datasette), "--version"], capture_output=True, text=True
    )
    datasette_sqlite = subprocess.run(
        [
            str(DATASETTE_VENV / "bin" / "python"),
            "-c",
            "import sqlite3; print(sqlite3.sqlite_version)",
        ],
        capture_output=True,
        text=True,
    )
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "describe", "--always", "--dirty"], capture_output=True, text=True
    )
    packages = ", ".join(
        f"{name} {_version(name)}"
        for name in ("fastapi", "starlette", "uvicorn", "uvloop", "httptools", "pydantic",
                     "sqlalchemy", "httpx")
    )  # fmt: skip
    return {
        "CPU": f"{cpu} ({os.cpu_count()} cores by nproc: {_nproc()})",
        "memory": memory,
        "OS": platform.platform(),
        "Python": platform.python_version(),
        "SQLite": f"{sqlite3.sqlite_version} (Entente), "
        f"{datasette_sqlite.stdout.strip() or '?'} (Datasette)",
        "wrk": (wrk_version.stdout + wrk_version.stderr).splitlines()[0].split(" [")[0]
        if (wrk_version.stdout + wrk_version.stderr)
        else "?",
        "Datasette": datasette_version.stdout.strip() or "?",
        "Entente": f"{_version('entente')} at {commit.stdout.strip() or '?'}",
        "packages": packages,
    }


def _nproc() -> str:
    proc = subprocess.run(["nproc"], capture_output=True, text=True)
    return proc.stdout.strip() or "?"


def _fmt_ms(value: float) -> str:
    return f"{value:.2f}" if value < 10 else f"{value:.1f}"


QUESTIONS = {
    "events": "Entente `GET /api/v1/events?country=RU&country=FR&limit=50`",
    "datasette_events": "Datasette, the equivalent canned query (`_shape=array`)",
    "floor": "Floor: FastAPI constant JSON",
    "events_deep_page": "Entente, the same list, page {page} (via cursor)",
    "relations": "Entente `GET /api/v1/relations/RU/FR` (dossier)",
    "timeline": "Entente `GET /api/v1/relations/RU/FR/timeline`",
    "search": f"Entente `GET /api/v1/search?q={COMMON_WORD}`",
    "events_c256": "Entente events list, 256 connections",
}
ORDER = list(QUESTIONS)


@dataclass
class Verdict:
    target: str
    threshold: str
    measured: str
    passed: bool | None  # None: not measured
    note: str = ""


def _ratio(a: float, b: float) -> float | None:
    return a / b if b else None


def verdicts(results: dict[int, SizeResult]) -> list[Verdict]:
    measured = [n for n, r in results.items() if r.runs]
    big = TARGET_N if TARGET_N in measured else (max(measured) if measured else None)
    loaded = [n for n, r in results.items() if r.load_seconds is not None]
    load_n = TARGET_N if TARGET_N in loaded else (max(loaded) if loaded else None)
    out: list[Verdict] = []

    def note(n: int | None) -> str:
        if n is None:
            return "not measured"
        return "" if n == TARGET_N else f"measured on {n:,} events, not {TARGET_N:,}"

    def run(name: str) -> Wrk | None:
        return results[big].runs.get(name) if big is not None else None

    def clean(*runs: Wrk | None) -> str:
        """What makes these runs' numbers no pass: errors, or no answer at all."""
        bad = []
        for r in runs:
            if r is None:
                continue
            if r.requests == 0:
                bad.append(f"{r.name}: no request completed in {r.seconds} s")
            elif r.errors:
                bad.append(f"{r.name}: {r.errors} error(s)")
        return "; ".join(bad)

    events, data, floor = run("events"), run("datasette_events"), run("floor")
    if events and data:
        ratio = _ratio(events.rps, data.rps) or 0.0
        errs = clean(events, data)
        out.append(
            Verdict(
                "Events pair list vs Datasette (requests/s)",
                f">= {DATASETTE_FACTOR:g}x",
                f"{ratio:.2f}x",
                ratio >= DATASETTE_FACTOR and not errs,
                "; ".join(filter(None, [note(big), errs])),
            )
        )
    if events and floor:
        ratio = _ratio(events.rps, floor.rps) or 0.0
        errs = clean(events, floor)
        out.append(
            Verdict(
                "Events pair list vs framework floor (requests/s)",
                f">= {FLOOR_FACTOR:g}x",
                f"{ratio:.2f}x",
                ratio >= FLOOR_FACTOR and not errs,
                "; ".join(filter(None, [note(big), errs])),
            )
        )
    if events:
        errs = clean(events)
        out.append(
            Verdict(
                "Events pair list p99",
                f"<= {EVENTS_P99_MS:g} ms",
                f"{_fmt_ms(events.p99_ms)} ms" if events.max_ms else "no answer within 2 s",
                events.p99_ms <= EVENTS_P99_MS and not errs,
                "; ".join(filter(None, [note(big), errs])),
            )
        )
    small, large = results.get(FLAT_N), results.get(TARGET_N)
    if small and large and small.runs.get("events") and large.runs.get("events"):
        s, g = small.runs["events"], large.runs["events"]
        ratio = _ratio(g.rps, s.rps) or 0.0
        errs = clean(s, g)
        out.append(
            Verdict(
                f"Flat with size: events list requests/s, {TARGET_N:,} over {FLAT_N:,}",
                f">= {FLAT_RATIO:g}",
                f"{ratio:.2f}",
                ratio >= FLAT_RATIO and not errs,
                errs,
            )
        )
    else:
        out.append(
            Verdict(
                f"Flat with size: events list requests/s, {TARGET_N:,} over {FLAT_N:,}",
                f">= {FLAT_RATIO:g}",
                "-",
                None,
                f"needs both {FLAT_N:,} and {TARGET_N:,} in one run",
            )
        )
    deep = run("events_deep_page")
    if events and deep and big is not None:
        page = results[big].deep_page
        ratio = _ratio(deep.rps, events.rps) or 0.0
        errs = clean(events, deep)
        extra = "" if page >= PAGE_DEPTH else f"only {page} page(s) of RU-FR events"
        out.append(
            Verdict(
                f"Page {PAGE_DEPTH} via cursor costs the first's (requests/s ratio)",
                f">= {DEEP_PAGE_RATIO:g}",
                f"{ratio:.2f} (page {page})",
                (ratio >= DEEP_PAGE_RATIO and not errs) if page >= PAGE_DEPTH else None,
                "; ".join(filter(None, [note(big), extra, errs])),
            )
        )
    for name, label in (
        ("relations", "Relations dossier RU-FR p99"),
        ("timeline", "Relations timeline RU-FR p99"),
        ("search", f"Search `{COMMON_WORD}` p99"),
    ):
        r = run(name)
        if r:
            errs = clean(r)
            out.append(
                Verdict(
                    label,
                    f"<= {DOSSIER_P99_MS:g} ms",
                    f"{_fmt_ms(r.p99_ms)} ms" if r.max_ms else "no answer within 2 s",
                    r.p99_ms <= DOSSIER_P99_MS and not errs,
                    "; ".join(filter(None, [note(big), errs])),
                )
            )
    soak = run("events_c256")
    if soak:
        stalled = soak.max_ms >= STALL_MS or soak.requests == 0
        problems = [f"{soak.errors} error(s)"] if soak.errors else []
        if stalled:
            problems.append(f"stall: max latency {soak.max_ms:.0f} ms")
        if soak.seconds < 30:
            problems.append(f"{soak.seconds} s, not 30 s")
        out.append(
            Verdict(
                "256 connections: every request answered, no error, no stall",
                f"0 errors, max latency < {STALL_MS / 1000:g} s",
                f"{soak.requests:,} requests, {soak.errors} errors, max {soak.max_ms:.0f} ms",
                not soak.errors and not stalled,
                "; ".join(filter(None, [note(big), *problems])),
            )
        )
    if load_n is not None:
        seconds = results[load_n].load_seconds or 0.0
        out.append(
            Verdict(
                "Bulk load, every reference and excerpt checked",
                f"<= {LOAD_SECONDS:g} s",
                f"{seconds:.1f} s",
                seconds <= LOAD_SECONDS,
                note(load_n),
            )
        )
    return out


def report(results: dict[int, SizeResult], info: dict[str, str], args: argparse.Namespace) -> str:
    lines = [
        BEGIN,
        "",
        "## Results",
        "",
        f"Run of {args.when} UTC"
        + (" (**quick**: short wrk runs, not the targets' conditions)" if args.quick else "")
        + f": `{args.command}`",
        "",
        "### Machine",
        "",
        "| | |",
        "|---|---|",
        *[f"| {key} | {value} |" for key, value in info.items()],
        "",
        f"wrk `-t2 -c32 -d{args.seconds}s --latency` (the 256-connection run: "
        f"`-c256 -d{args.soak_seconds}s`), each run after a {args.warmup} s warm-up; "
        "servers and wrk share the machine's cores; one uvicorn worker each. "
        "*alone ms*: one request at a time before the run (median of 3); "
        "*requests*: answers wrk received; *errors*: wrk's socket errors (connect, read, "
        "write, timeout: no answer within 2 s) plus non-2xx answers; *backlog s*: how long "
        "the server went on working after wrk stopped (on requests whose connections wrk "
        f"had closed) before it answered promptly again; the next run waits for it, or "
        f"restarts the server past {args.max_backlog:g} s.",
        "",
    ]
    for n, r in results.items():
        lines += [f"### {n:,} events", ""]
        counts = ", ".join(f"{c:,} {kind}" for kind, c in r.counts.items())
        lines += [
            f"Knowledge base: {counts} (synthetic); {r.pair_events:,} RU-FR events; "
            f"SQLite file {r.db_mb:,} MiB.",
            "",
        ]
        if r.generate_seconds is not None:
            lines += [f"Generated (`bench/generate.py`) in {r.generate_seconds:.0f} s.", ""]
        if r.load_seconds is not None:
            rss = f", peak memory {r.load_peak_rss_mb:,.0f} MiB" if r.load_peak_rss_mb else ""
            lines += [
                f"Bulk load (`entente seed`): **{r.load_seconds:.1f} s**{rss} ({r.load_output}).",
                "",
            ]
        if r.failure:
            lines += [f"**Failed**: `{r.failure}`", ""]
        if not r.runs:
            continue
        if r.same_rows is not None:
            lines += [
                "Datasette's 50 rows are the events of Entente's first page, in the same order: "
                + ("yes." if r.same_rows else "**NO** (the comparison is not like for like)."),
                "",
            ]
        lines += [
            "| question | alone ms | connections | requests | requests/s | p50 ms | p99 ms "
            "| max ms | errors | backlog s |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for name in ORDER:
            w = r.runs.get(name)
            if w is None:
                continue
            question = QUESTIONS[name].format(page=r.deep_page)
            errors = str(w.errors)
            if w.errors:
                parts = [f"{k} {v}" for k, v in w.socket_errors.items() if v]
                if w.non_2xx:
                    parts.append(f"non-2xx {w.non_2xx}")
                errors += f" ({', '.join(parts)})"
            timing = (
                f"{_fmt_ms(w.p50_ms)} | {_fmt_ms(w.p99_ms)} | {w.max_ms:,.0f}"
                if w.max_ms  # wrk records no latency when every answer timed out
                else "- | - | -"
            )
            alone = _fmt_ms(w.solo_ms) if w.solo_ms is not None else f"failed: {w.solo_error}"
            backlog = "> max, restarted" if w.drain_seconds is None else f"{w.drain_seconds:.1f}"
            lines.append(
                f"| {question} | {alone} | {w.connections} | {w.requests:,} | {w.rps:,.0f} | "
                f"{timing} | {errors} | {backlog} |"
            )
        e, d, f = r.runs.get("events"), r.runs.get("datasette_events"), r.runs.get("floor")
        lines.append("")
        if e and d and f:
            lines += [
                f"Ratios (requests/s): Entente/Datasette **{e.rps / d.rps:.2f}x**, "
                f"Entente/floor **{e.rps / f.rps:.2f}x**.",
                "",
            ]
    small, large = results.get(FLAT_N), results.get(TARGET_N)
    if small and large and small.runs.get("events") and large.runs.get("events"):
        s, g = small.runs["events"], large.runs["events"]
        lines += [
            f"Same question, {FLAT_N:,} against {TARGET_N:,} events: requests/s "
            f"{s.rps:,.0f} / {g.rps:,.0f} = {s.rps / g.rps:.2f} ({TARGET_N:,} over {FLAT_N:,}: "
            f"**{g.rps / s.rps:.2f}**); p99 {_fmt_ms(s.p99_ms)} / {_fmt_ms(g.p99_ms)} ms.",
            "",
        ]
    lines += [
        "### Targets",
        "",
        "| target | threshold | measured | result | note |",
        "|---|---|---|---|---|",
    ]
    for v in verdicts(results):
        result = "not measured" if v.passed is None else ("**PASS**" if v.passed else "**FAIL**")
        lines.append(f"| {v.target} | {v.threshold} | {v.measured} | {result} | {v.note} |")
    lines += ["", END]
    return "\n".join(lines)


DOC_TEMPLATE = """# Benchmarks

Users who need a JSON API over a SQLite knowledge base would otherwise reach for
[Datasette](https://datasette.io). This benchmark measures Entente against it on the same
data and the same question, against the framework floor, as the knowledge base grows, and
under concurrency.

## How to run

```sh
make bench        # 10,000 and 1,000,000 events: generate, load, serve, wrk; writes this file
make bench-quick  # 10,000 events only, 3 s wrk runs: a smoke test (bench/out/BENCHMARKS-quick.md)
```

They run `.venv/bin/python bench/run.py` (options: `--events N [N ...]`, `--quick`,
`--seconds`, `--soak-seconds`, `--warmup`, `--max-backlog`, `--reuse-db` to skip reloading
a database an earlier run loaded, `--doc PATH`, `--report-only` to write this file again
from `bench/out/results.json`). The full run takes about half an hour, most of it
generating and loading the 1,000,000 events (about 600 MB of NDJSON, 2 GB of SQLite; the
load took 11 GB of memory when this was written). Needs
[wrk](https://github.com/wg/wrk) (`apt-get install -y wrk`; the harness installs it when
run as root) and network access to PyPI once, to make `bench/.venv-datasette` with a
pinned `datasette==0.65.5`. Everything it makes goes to `bench/out/` (git-ignored).

## What is measured

- **Data**: `bench/generate.py --events N --out DIR` writes a **synthetic** knowledge base
  (nothing in it is real: one source `synthetic-benchmark`, "Synthetic benchmark data (not
  real)", states every fact; every id starts with `syn-`) as NDJSON bundles: N events over
  200 pairs of real ISO country codes (RU-FR is one of the busier ones, 2% of events), each
  with 2 countries, a host, 2-3 participants (3,000 people), 1-3 topics (300), a place and a
  citation whose excerpt is a sentence of the source text (4,000 sentences); visits with
  child meetings; trade figures per pair and year, statements (one per ~20 events), three
  mechanisms for each of the 10 busiest pairs, assessments. Seeded: the same N gives the
  same files.
- **Load**: a fresh SQLite file, `entente migrate`, then `entente seed` of the bundles,
  timed: the project's own bulk-load path, which checks every reference and excerpt.
- **Servers**: `entente serve` (one uvicorn worker, `ENTENTE_LOG_LEVEL=WARNING`);
  `datasette serve` on the same file (`--setting sql_time_limit_ms 60000`), asked the
  equivalent question as a **canned query** (`/kb-N/pair_events.json?a=RU&b=FR&_shape=array`):

  ```sql
{query}
  ```

  It is the plan Entente's own query uses, so both read the same index; the harness checks
  that its 50 rows are the events of Entente's first page. Entente answers more: each event
  with its countries, participants, topics, place and citations, as a typed response.
  The floor is `bench/floor.py`, one async FastAPI endpoint returning a constant small JSON,
  served by the same uvicorn.
- **wrk**: `-t2 -c32 -d10s --latency` at each question after a 2 s warm-up; the 256
  connections run is `-c256 -d30s` at the events list. Before each, the question is asked
  alone three times (*alone ms*, the median). Errors are wrk's socket errors (connect,
  read, write, timeout) plus non-2xx answers; wrk's timeout is its default 2 s, and a
  late answer counts as a timeout error, not in the latencies. A stall is such a timeout,
  or a run with no answer.
- **Backlog**: when wrk stops, it closes its connections, but the server may still work
  on the requests they sent. Before the next run, the harness waits until the server
  answers a request that queues behind them (`/readyz` for Entente, `select 1` for
  Datasette) promptly twice, and reports how long that took; past `--max-backlog` (60 s)
  it restarts the server instead, so that one slow question does not slow the next.
- **Page 100**: the harness follows `next_cursor` 99 times from the first page, then runs
  wrk at that URL; "costs the same" is read as at least {deep:g}x the first page's
  requests/s. At 10,000 events RU-FR has too few events for 100 pages: the deepest page is
  used there and the target is judged on 1,000,000.
- **Flat with size**: the events list's requests/s on 1,000,000 events over those on
  10,000, in one run.

{results_begin}
{results_end}

## Profile

_Placeholder: the lead adds profile notes here (where the time of each question goes)._
"""


def write_doc(path: Path, block: str, refresh: bool = False) -> None:
    """Puts `block` between the results markers of `path`, leaving the rest as it is; a new
    file (or, with `refresh`, every part but the Profile section) comes from the template."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = path.read_text() if path.exists() else ""
    if not refresh and BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        path.write_text(head + block + tail)
    else:
        indented = "\n".join("  " + line for line in DATASETTE_QUERY.splitlines())
        doc = DOC_TEMPLATE.format(
            query=indented, deep=DEEP_PAGE_RATIO, results_begin=BEGIN, results_end=END
        )
        doc = doc.replace(f"{BEGIN}\n{END}", block)
        marker = "\n## Profile"
        if marker in text:  # the lead's notes stay
            doc = doc.split(marker, 1)[0] + marker + text.split(marker, 1)[1]
        path.write_text(doc)
    log(f"wrote {path}")


def load_results(path: Path) -> tuple[dict[int, SizeResult], dict[str, str], dict[str, Any]]:
    """The results, machine and run arguments saved by an earlier run."""
    data = json.loads(path.read_text())
    results = {}
    for n, raw in data["results"].items():
        runs = {name: Wrk(**w) for name, w in raw.pop("runs").items()}
        results[int(n)] = SizeResult(**raw, runs=runs)
    return results, data["machine"], data.get("args", {})


# -- main ---------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, nargs="+", help="knowledge-base sizes")
    parser.add_argument("--quick", action="store_true", help="10,000 events, short wrk runs")
    parser.add_argument("--seconds", type=int, help="each wrk run (default 10, quick 3)")
    parser.add_argument("--soak-seconds", type=int, help="the 256-connection run (30, quick 5)")
    parser.add_argument("--warmup", type=int, help="warm-up before each run (2, quick 1)")
    parser.add_argument(
        "--reuse-db", action="store_true", help="keep a database loaded by an earlier run"
    )
    parser.add_argument("--doc", type=Path, help="where to write the results")
    parser.add_argument(
        "--max-backlog",
        type=float,
        default=60.0,
        help="seconds to let a server work off the requests of a finished run before "
        "restarting it (default 60)",
    )
    parser.add_argument(
        "--report-only",
        action="store_true",
        help="write the doc again from the saved results (bench/out/results*.json), "
        "its fixed parts too (the Profile section stays), without measuring",
    )
    args = parser.parse_args(argv)
    args.seconds = args.seconds or (3 if args.quick else 10)
    args.soak_seconds = args.soak_seconds or (5 if args.quick else 30)
    args.warmup = args.warmup if args.warmup is not None else (1 if args.quick else 2)
    args.command = " ".join(["bench/run.py", *(sys.argv[1:] if argv is None else argv)])
    results_path = OUT / ("results-quick.json" if args.quick else "results.json")
    if args.report_only:
        saved_results, saved_info, saved = load_results(results_path)
        args.command = "bench/run.py" + (" --quick" if args.quick else "")
        mtime = dt.datetime.fromtimestamp(results_path.stat().st_mtime, dt.UTC)
        args.when = f"{mtime:%Y-%m-%d %H:%M}"
        for key, value in saved.items():
            setattr(args, key, value)
        block = report(saved_results, saved_info, args)
        write_doc(args.doc or (QUICK_DOC if args.quick else DOC), block, refresh=True)
        return 0
    args.when = f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M}"
    sizes = args.events or ([FLAT_N] if args.quick else [FLAT_N, TARGET_N])
    doc = args.doc or (QUICK_DOC if args.quick else DOC)

    signal.signal(signal.SIGTERM, _terminate)
    OUT.mkdir(parents=True, exist_ok=True)
    args.wrk = ensure_wrk()
    args.datasette = ensure_datasette()
    info = machine(args)
    results: dict[int, SizeResult] = {}
    failed = False
    for n in sizes:
        result = results[n] = SizeResult(events=n)
        env = {**os.environ}
        env.pop("ENTENTE_DATABASE_URL", None)
        try:
            database = prepare(n, result, env, args.reuse_db)
            measure(n, database, result, env, args)
        except KeyboardInterrupt:
            result.failure = "interrupted"
            # An interrupted run does not replace the results of a whole one.
            doc, results_path = OUT / "BENCHMARKS-interrupted.md", OUT / "results-interrupted.json"
            failed = True
            break
        except Exception as exc:
            result.failure = f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
            log(f"{n:,} events failed: {exc}")
            failed = True
    block = report(results, info, args)
    print(block)
    write_doc(doc, block)
    saved = {
        key: getattr(args, key)
        for key in ("quick", "seconds", "soak_seconds", "warmup", "max_backlog", "command", "when")
    }
    results_path.write_text(
        json.dumps(
            {
                "args": saved,
                "machine": info,
                "results": {
                    n: {**asdict(r), "runs": {k: asdict(w) for k, w in r.runs.items()}}
                    for n, r in results.items()
                },
                "targets": [asdict(v) for v in verdicts(results)],
            },
            indent=1,
            default=str,
        )
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
