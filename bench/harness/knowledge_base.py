"""One knowledge-base size: the questions asked of it, generating and loading it
(`prepare`: into SQLite for the working tree's Entente, into SQLite again for the
baseline's, and into PostgreSQL), then serving it with every server and driving wrk at
every question (`measure`); `SizeResult` holds what that gives."""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import generate  # bench/generate.py: bench/ is on sys.path (bench/run.py puts it there)
import httpx

from . import postgres
from .builds import Build
from .common import BENCH, OUT, ROOT, log
from .servers import DATASETTE_PYTHON, Server, free_port, run_command, serving
from .wrk import Wrk, wrk

PAIR = ("RU", "FR")
COMMON_WORD = "cooperation"
PAGE_DEPTH = 100
EVENTS_PATH = f"/api/v1/events?country={PAIR[0]}&country={PAIR[1]}&limit=50"
WORKERS_CONNECTIONS = 64  # the `entente serve --workers N` runs
# Datasette asked for the content of Entente's first page: the event documents of the 50
# newest events of both countries, read the way Entente reads them (the first country's
# rows of event_country in date order from its index, each joined to the second
# country's row and to its document).
DATASETTE_DOCUMENTS_QUERY = """select doc.body
from event_country as a
join event_country as b on b.event_id = a.event_id and b.country = :b
join event_document as doc on doc.event_id = a.event_id
where a.country = :a
order by a.start_first desc, a.event_id desc
limit 50"""
# The same 50 events as their bare rows of the event table (no countries, people, topics,
# places or citations): a reported figure, not a target's.
DATASETTE_ROWS_QUERY = """select event.*
from event_country as a
join event_country as b on b.event_id = a.event_id and b.country = :b
join event on event.id = a.event_id
where a.country = :a
order by a.start_first desc, a.event_id desc
limit 50"""
DATASETTE_QUERIES = {"pair_documents": DATASETTE_DOCUMENTS_QUERY, "pair_rows": DATASETTE_ROWS_QUERY}


@dataclass
class Load:
    """One bulk load: `entente migrate`, then `entente seed --timings`, timed."""

    seconds: float | None = None
    peak_rss_mb: float | None = None
    output: str = ""  # its `seeded: ...` line
    phases: dict[str, float] = field(default_factory=dict)  # as `--timings` prints them
    size_mb: float = 0.0  # the SQLite file, or the PostgreSQL database
    reused: bool = False  # --reuse-db: loaded by an earlier run
    where: str = ""  # the file or database
    failure: str | None = None


@dataclass
class SizeResult:
    events: int
    generate_seconds: float | None = None
    counts: dict[str, int] = field(default_factory=dict)
    pair_events: int = 0
    deep_page: int = 0  # the page reached by following next_cursor (100 when there are enough)
    # "entente" (the working tree on SQLite), "baseline" (its own SQLite file), "postgres"
    loads: dict[str, Load] = field(default_factory=dict)
    # What the harness checked before measuring (e.g. that Datasette's documents are
    # Entente's first page), and whether it held.
    checks: dict[str, bool] = field(default_factory=dict)
    # The wrk runs by question; the baseline's are "baseline_<question>".
    runs: dict[str, Wrk] = field(default_factory=dict)
    baseline: str = ""  # the baseline's commit, when it ran
    problems: list[str] = field(default_factory=list)  # what was not measured, and why
    failure: str | None = None


def check_json(url: str) -> Any:
    """The JSON of a 200 answer to `url`, or an error saying what came instead."""
    response = httpx.get(url, timeout=120)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url}: {response.status_code} {response.text[:500]}")
    return response.json()


def head_revision(build: Build) -> str:
    """The newest migration of `build`'s tree (the revision no other revision follows)."""
    revisions, follows = set(), set()
    for path in (build.cwd / "migrations" / "versions").glob("*.py"):
        text = path.read_text()
        if m := re.search(r'^revision(?:: str)? = "(\w+)"', text, re.M):
            revisions.add(m.group(1))
        if m := re.search(r'^down_revision(?:: [^=]+)? = "(\w+)"', text, re.M):
            follows.add(m.group(1))
    heads = sorted(revisions - follows)
    return ",".join(heads)


def _load(
    build: Build,
    n: int,
    files: list[str],
    url: str,
    log_name: str,
    recreate: Any,
) -> Load:
    """`recreate()` (an empty database at `url`), `entente migrate`, then a timed
    `entente seed --timings` of `files`, all by `build`."""
    recreate()
    env = build.environ({**os.environ, "ENTENTE_DATABASE_URL": url})
    run_command(build.command("migrate"), env, f"migrate-{log_name}", cwd=build.cwd)
    log(f"{build.label}: loading {n:,} events into {url.rsplit('/', 1)[-1]}")
    done = run_command(
        build.command("seed", "--timings", *files), env, f"seed-{log_name}", build.cwd
    )
    lines = done.output.strip().splitlines()
    load = Load(
        seconds=round(done.seconds, 1),
        peak_rss_mb=done.peak_rss_mb,
        output=next((line for line in lines if line.startswith("seeded:")), ""),
        phases={
            phase: float(took.removesuffix(" s"))
            for phase, _, took in (
                line.removeprefix("took ").rpartition(": ")
                for line in lines
                if line.startswith("took ")
            )
        },
    )
    log(f"{build.label}: loaded in {done.seconds:.1f} s ({load.output})")
    return load


def _reusable(stamp: Path, expect: dict[str, str]) -> Load | None:
    """The load an earlier run stamped, when it was of the same data, code and place."""
    if not stamp.exists():
        return None
    saved = json.loads(stamp.read_text())
    if any(saved.get(key) != value for key, value in expect.items()):
        return None
    load = Load(**saved["load"])
    load.reused = True
    return load


def _stamp(stamp: Path, expect: dict[str, str], load: Load) -> None:
    stamp.write_text(json.dumps({**expect, "load": asdict(load)}, indent=1))


def load_sqlite(
    build: Build, n: int, kb: Path, manifest: dict[str, Any], database: Path, reuse: bool
) -> Load:
    files = [str(kb / name) for name in manifest["files"]]
    stamp = database.with_suffix(".loaded.json")
    expect = {"generator": manifest["generator"], "revision": head_revision(build)}
    if build.label == "baseline":
        expect["commit"] = build.commit
    if reuse and database.exists() and (load := _reusable(stamp, expect)):
        log(f"{database.name}: reusing the database loaded earlier (--reuse-db)")
    else:

        def recreate() -> None:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{database}{suffix}").unlink(missing_ok=True)
            stamp.unlink(missing_ok=True)

        load = _load(build, n, files, f"sqlite:///{database}", database.stem, recreate)
        _stamp(stamp, expect, load)
    load.size_mb = round(database.stat().st_size / 2**20, 1)
    load.where = str(database.relative_to(ROOT))
    return load


def load_postgres(
    build: Build, n: int, kb: Path, manifest: dict[str, Any], server_url: str, reuse: bool
) -> tuple[Load, str]:
    """The knowledge base loaded into a PostgreSQL database of its own on `server_url`'s
    server (`entente_bench_<n>`, dropped and created again); returns (load, its URL)."""
    files = [str(kb / name) for name in manifest["files"]]
    name = postgres.database_name(n)
    url = postgres.url_of(server_url, name)
    stamp = OUT / f"kb-{n}-postgres.loaded.json"
    expect = {"generator": manifest["generator"], "revision": head_revision(build), "url": url}
    if reuse and postgres.exists(server_url, name) and (load := _reusable(stamp, expect)):
        log(f"{name}: reusing the PostgreSQL database loaded earlier (--reuse-db)")
    else:
        stamp.unlink(missing_ok=True)
        load = _load(
            build, n, files, url, f"{n}-postgres", lambda: postgres.recreate(server_url, name)
        )
        _stamp(stamp, expect, load)
    load.size_mb = postgres.size_mb(url)
    load.where = f"PostgreSQL database `{name}`"
    return load, url


@dataclass
class Databases:
    """Where each build's copy of a knowledge base is (None: not loaded)."""

    sqlite: Path
    baseline: Path | None = None
    postgres: str | None = None


def prepare(
    n: int,
    result: SizeResult,
    args: argparse.Namespace,
    current: Build,
    baseline: Build | None,
) -> Databases:
    """Generates (cached) and loads the knowledge base of `n` events into each database
    of the run; a failed baseline or PostgreSQL load is recorded, and the rest goes on."""
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
    databases = Databases(sqlite=OUT / f"kb-{n}.sqlite3")
    result.loads["entente"] = load_sqlite(current, n, kb, manifest, databases.sqlite, args.reuse_db)
    if baseline is not None:
        result.baseline = baseline.commit
        path = OUT / f"kb-{n}-baseline.sqlite3"
        try:
            result.loads["baseline"] = load_sqlite(baseline, n, kb, manifest, path, args.reuse_db)
            databases.baseline = path
        except Exception as exc:
            result.loads["baseline"] = Load(failure=_first_line(exc))
            log(f"the baseline's load failed: {exc}")
    if args.postgres:
        try:
            result.loads["postgres"], databases.postgres = load_postgres(
                current, n, kb, manifest, args.postgres, args.reuse_db
            )
        except Exception as exc:
            result.loads["postgres"] = Load(failure=_first_line(exc))
            log(f"the PostgreSQL load failed: {exc}")
    return databases


def _first_line(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}".splitlines()[0][:300]


def _entente(build: Build, name: str, url: str, port: int, *extra: str) -> Server:
    env = build.environ({**os.environ, "ENTENTE_DATABASE_URL": url, "ENTENTE_LOG_LEVEL": "WARNING"})
    argv = build.command("serve", "--host", "127.0.0.1", "--port", str(port), *extra)
    return Server(name, argv, env, f"http://127.0.0.1:{port}/readyz", cwd=build.cwd)


def _deep_page(events_url: str, page: dict[str, Any]) -> tuple[str, int]:
    """The URL of page PAGE_DEPTH of a list (or its last page), by following next_cursor."""
    deep_url, depth, cursor = events_url, 1, page["next_cursor"]
    with httpx.Client(timeout=120) as client:
        while cursor and depth < PAGE_DEPTH:
            url = f"{events_url}&cursor={quote(cursor)}"
            response = client.get(url)
            response.raise_for_status()
            deep_url, depth, cursor = url, depth + 1, response.json()["next_cursor"]
    return deep_url, depth


def _body(value: Any) -> Any:
    """A document as Datasette gives it (text, or a BLOB as base64), parsed."""
    if isinstance(value, dict) and value.get("$base64"):
        import base64

        value = base64.b64decode(value["encoded"])
    return json.loads(value)


@dataclass
class Question:
    name: str
    url: str
    connections: int
    seconds: int
    server: Server | None
    drain_url: str | None
    threads: int = 2


def _ask(q: Question, args: argparse.Namespace) -> Wrk:
    return wrk(
        args.wrk,
        q.name,
        q.url,
        connections=q.connections,
        seconds=q.seconds,
        warmup=args.warmup,
        server=q.server,
        drain_url=q.drain_url,
        max_backlog=args.max_backlog,
        threads=q.threads,
    )


def measure(
    n: int,
    databases: Databases,
    result: SizeResult,
    args: argparse.Namespace,
    current: Build,
    baseline: Build | None,
) -> None:
    seconds, soak = args.seconds, args.soak_seconds
    database = databases.sqlite
    metadata = OUT / f"datasette-metadata-{n}.json"
    metadata.write_text(
        json.dumps(
            {
                "databases": {
                    database.stem: {
                        "queries": {name: {"sql": q} for name, q in DATASETTE_QUERIES.items()}
                    }
                }
            },
            indent=1,
        )
    )
    port = {name: free_port() for name in ("entente", "baseline", "postgres", "datasette", "floor")}
    base = {name: f"http://127.0.0.1:{p}" for name, p in port.items()}
    entente = _entente(current, f"entente-{n}", f"sqlite:///{database}", port["entente"])
    datasette = Server(
        f"datasette-{n}",
        [
            str(DATASETTE_PYTHON),
            str(BENCH / "datasette_serve.py"),
            str(database),
            "--metadata",
            str(metadata),
            "--port",
            str(port["datasette"]),
        ],
        dict(os.environ),
        f"{base['datasette']}/-/versions.json",
    )
    floor = Server(
        f"floor-{n}",
        [sys.executable, str(BENCH / "floor.py"), "--port", str(port["floor"])],
        dict(os.environ),
        f"{base['floor']}/floor",
    )
    old = (
        _entente(baseline, f"baseline-{n}", f"sqlite:///{databases.baseline}", port["baseline"])
        if baseline is not None and databases.baseline is not None
        else None
    )
    pg = (
        _entente(current, f"entente-{n}-postgres", databases.postgres, port["postgres"])
        if databases.postgres
        else None
    )
    with ExitStack() as stack:
        for server in (entente, datasette, floor):
            stack.enter_context(serving(server))
        # The baseline and PostgreSQL are compared with; when one does not start, the rest
        # is measured all the same, and the report says why it is missing.
        try:
            if old is not None:
                stack.enter_context(serving(old))
        except RuntimeError as exc:
            result.problems.append(f"the baseline's server did not start: {_first_line(exc)}")
            old = None
        try:
            if pg is not None:
                stack.enter_context(serving(pg))
        except RuntimeError as exc:
            result.problems.append(f"the PostgreSQL server did not start: {_first_line(exc)}")
            pg = None

        events_url = base["entente"] + EVENTS_PATH
        page = check_json(events_url)
        datasette_url = {
            name: f"{base['datasette']}/{quote(database.stem)}/{name}.json"
            f"?a={PAIR[0]}&b={PAIR[1]}&_shape=array"
            for name in DATASETTE_QUERIES
        }
        # The same question, the same answer: Datasette's documents are Entente's page.
        documents = check_json(datasette_url["pair_documents"])
        result.checks["Datasette's 50 documents are the items of Entente's first page"] = [
            _body(row["body"]) for row in documents
        ] == page["items"]
        rows = check_json(datasette_url["pair_rows"])
        result.checks["Datasette's 50 bare rows are the events of Entente's first page"] = [
            row["id"] for row in rows
        ] == [item["id"] for item in page["items"]]
        detail = f"/api/v1/events/{quote(page['items'][0]['id'])}"
        check_json(base["entente"] + detail)
        check_json(base["floor"] + "/floor")
        datasette_drain = (
            f"{base['datasette']}/{quote(database.stem)}.json?sql=select+1&_shape=array"
        )
        check_json(datasette_drain)
        pair = f"/api/v1/relations/{PAIR[0]}/{PAIR[1]}"

        def entente_questions(prefix: str, server: Server, at: str) -> list[Question]:
            ready = f"{at}/readyz"
            first = check_json(at + EVENTS_PATH)
            deep, depth = _deep_page(at + EVENTS_PATH, first)
            if not prefix:
                result.deep_page = depth
            return [
                Question(f"{prefix}events", at + EVENTS_PATH, 32, seconds, server, ready),
                Question(f"{prefix}events_deep_page", deep, 32, seconds, server, ready),
                Question(f"{prefix}event_detail", at + detail, 32, seconds, server, ready),
                Question(f"{prefix}relations", at + pair, 32, seconds, server, ready),
                Question(f"{prefix}timeline", f"{at}{pair}/timeline", 32, seconds, server, ready),
                Question(
                    f"{prefix}search",
                    f"{at}/api/v1/search?q={COMMON_WORD}",
                    32,
                    seconds,
                    server,
                    ready,
                ),
            ]

        new = entente_questions("", entente, base["entente"])
        before = entente_questions("baseline_", old, base["baseline"]) if old else []
        if old:
            baseline_page = check_json(base["baseline"] + EVENTS_PATH)
            result.checks["The baseline's first page lists the same events"] = [
                item["id"] for item in baseline_page["items"]
            ] == [item["id"] for item in page["items"]]
        # Each of Entente's questions, then the baseline's same question, one after the other.
        plan = [
            Question("floor", base["floor"] + "/floor", 32, seconds, floor, None),
            Question(
                "datasette_documents",
                datasette_url["pair_documents"],
                32,
                seconds,
                datasette,
                datasette_drain,
            ),
            Question(
                "datasette_rows",
                datasette_url["pair_rows"],
                32,
                seconds,
                datasette,
                datasette_drain,
            ),
        ]
        for i, q in enumerate(new):
            plan += [q, *before[i : i + 1]]
        if pg:
            pg_url = base["postgres"] + EVENTS_PATH
            pg_page = check_json(pg_url)
            result.checks["PostgreSQL's first page is SQLite's"] = pg_page["items"] == page["items"]
            ready = f"{base['postgres']}/readyz"
            plan += [
                Question("postgres_events", pg_url, 32, seconds, pg, ready),
                Question(
                    "postgres_event_detail", base["postgres"] + detail, 32, seconds, pg, ready
                ),
            ]
        ready = f"{base['entente']}/readyz"
        soaks = [
            Question("events_c256", events_url, 256, soak, entente, ready),
            *(
                [
                    Question(
                        "baseline_events_c256", before[0].url, 256, soak, old, before[0].drain_url
                    )
                ]
                if old
                else []
            ),
            Question("floor_c256", base["floor"] + "/floor", 256, soak, floor, None),
            # The same two with one wrk thread, which leaves the server more of the machine's
            # two cores: beside the -t2 runs, they show what wrk's second thread costs.
            Question("events_c256_t1", events_url, 256, soak, entente, ready, threads=1),
            Question("floor_c256_t1", base["floor"] + "/floor", 256, soak, floor, None, threads=1),
        ]
        # The 32-connection questions are asked in `repeats` rounds, one after another, so
        # that each has samples spread over the run; the run kept is the median by
        # requests/s. The 256-connection runs are long enough to be asked once.
        repeats = getattr(args, "repeats", 1) or 1
        samples: dict[str, list[Wrk]] = {}
        for round_ in range(repeats):
            for q in plan + (soaks if round_ == repeats - 1 else []):
                samples.setdefault(q.name, []).append(_ask(q, args))
        # The server must still answer once the load is over: not stalled, not dead.
        for at in (base["entente"], base["baseline"] if old else None):
            if at:
                check_json(at + EVENTS_PATH)
        if pg:
            check_json(base["postgres"] + EVENTS_PATH)

    # `entente serve --workers N`, each a server of its own, started for its run only (the
    # others stopped): the events list at WORKERS_CONNECTIONS connections.
    for _ in range(repeats):
        for workers in args.workers:
            p = free_port()
            server = _entente(
                current,
                f"entente-{n}-workers-{workers}",
                f"sqlite:///{database}",
                p,
                "--workers",
                str(workers),
            )
            with serving(server):
                at = f"http://127.0.0.1:{p}"
                check_json(at + EVENTS_PATH)
                q = Question(
                    f"workers_{workers}",
                    at + EVENTS_PATH,
                    WORKERS_CONNECTIONS,
                    seconds,
                    server,
                    f"{at}/readyz",
                )
                samples.setdefault(q.name, []).append(_ask(q, args))
    for name, runs in samples.items():
        kept = sorted(runs, key=lambda run: run.rps)[len(runs) // 2]
        if len(runs) > 1:
            kept.samples = [round(run.rps, 1) for run in runs]
        result.runs[name] = kept
