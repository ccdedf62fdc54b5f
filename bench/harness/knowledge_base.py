"""One knowledge-base size: the questions asked of it, generating and loading it
(`prepare`), then serving it with Entente, Datasette and the floor and driving wrk at
every question (`measure`); `SizeResult` holds what that gives."""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import generate  # bench/generate.py: bench/ is on sys.path (bench/run.py puts it there)
import httpx

from .common import BENCH, BIN, OUT, ROOT, log
from .servers import Server, free_port, run_command, serving
from .wrk import Wrk, wrk

PAIR = ("RU", "FR")
COMMON_WORD = "cooperation"
PAGE_DEPTH = 100
EVENTS_PATH = f"/api/v1/events?country={PAIR[0]}&country={PAIR[1]}&limit=50"
# Datasette's equivalent of EVENTS_PATH: the event table's rows of the events involving
# both countries, 50, newest first. The same plan as Entente's (app/events/service.py):
# the first country's rows of event_country, in date order from its index, each checked
# for the second country through the primary key.
# Datasette reads the table and index Entente's own statement reads (the pair's event rows
# of relation_item, a < b): the same plan on the same file, so the stacks are compared.
DATASETTE_QUERY = """select event.*
from relation_item as pair
join event on event.id = pair.id
where pair.a = :a and pair.b = :b and pair.type = 'event'
order by pair.date_first desc, pair.id desc
limit 50"""
DATASETTE_PAIR = tuple(sorted(PAIR))  # relation_item stores a pair as a < b
DATASETTE_QUERY_NAME = "pair_events"


@dataclass
class SizeResult:
    events: int
    generate_seconds: float | None = None
    load_seconds: float | None = None
    load_peak_rss_mb: float | None = None
    load_output: str = ""
    # How long each phase of the load took, as `entente seed --timings` prints it.
    load_phases: dict[str, float] = field(default_factory=dict)
    db_mb: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)
    pair_events: int = 0
    deep_page: int = 0  # the page reached by following next_cursor (100 when there are enough)
    same_rows: bool | None = None  # Entente's page and Datasette's rows name the same events
    runs: dict[str, Wrk] = field(default_factory=dict)
    failure: str | None = None


def check_json(url: str) -> Any:
    """The JSON of a 200 answer to `url`, or an error saying what came instead."""
    response = httpx.get(url, timeout=120)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url}: {response.status_code} {response.text[:500]}")
    return response.json()


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
            result.load_phases = loaded.get("load_phases", {})
            result.db_mb = round(database.stat().st_size / 2**20, 1)
            return database
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    stamp.unlink(missing_ok=True)
    run_command([str(BIN / "entente"), "migrate"], env, f"migrate-{n}")
    files = [str(kb / name) for name in manifest["files"]]
    log(f"loading {n:,} events: entente seed {kb.relative_to(ROOT)}/*.ndjson")
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    seconds, output = run_command(
        [str(BIN / "entente"), "seed", "--timings", *files], env, f"seed-{n}"
    )
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    result.load_seconds = round(seconds, 1)
    # ru_maxrss is the largest child so far: meaningful when the seed is the largest.
    result.load_peak_rss_mb = round(peak / 1024, 0) if peak > before else None
    lines = output.strip().splitlines()
    result.load_output = next((line for line in lines if line.startswith("seeded:")), "")
    result.load_phases = {
        phase: float(took.removesuffix(" s"))
        for phase, _, took in (
            line.removeprefix("took ").rpartition(": ")
            for line in lines
            if line.startswith("took ")
        )
    }
    result.db_mb = round(database.stat().st_size / 2**20, 1)
    log(f"loaded in {seconds:.1f} s ({result.load_output}); {result.db_mb} MiB")
    stamp.write_text(
        json.dumps(
            {
                "generator": manifest["generator"],
                "load_seconds": result.load_seconds,
                "load_peak_rss_mb": result.load_peak_rss_mb,
                "load_output": result.load_output,
                "load_phases": result.load_phases,
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
            f"?a={DATASETTE_PAIR[0]}&b={DATASETTE_PAIR[1]}&_shape=array"
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
            ("floor_c256", floor + "/floor", 256, soak, flo, None),
            # The same two with one wrk thread, which leaves the server more of the machine's
            # two cores: beside the -t2 runs, they show what wrk's second thread costs.
            ("events_c256_t1", events_url, 256, soak, ent, entente_drain),
            ("floor_c256_t1", floor + "/floor", 256, soak, flo, None),
        ]
        # The 32-connection questions are asked in `repeats` rounds, one after another, so
        # that each has samples spread over the run; the run kept is the median by
        # requests/s. The 256-connection runs are long enough to be asked once.
        repeats = getattr(args, "repeats", 1) or 1
        rounds = [[q for q in plan if q[2] == 32] for _ in range(repeats)]
        rounds[-1] += [q for q in plan if q[2] != 32]
        samples: dict[str, list[Wrk]] = {}
        for questions in rounds:
            for name, url, connections, duration, server, drain_url in questions:
                samples.setdefault(name, []).append(
                    wrk(
                        wrk_bin,
                        name,
                        url,
                        connections=connections,
                        seconds=duration,
                        warmup=warmup,
                        server=server,
                        drain_url=drain_url,
                        max_backlog=args.max_backlog,
                        threads=1 if name.endswith("_t1") else 2,
                    )
                )
        for name, runs in samples.items():
            kept = sorted(runs, key=lambda run: run.rps)[len(runs) // 2]
            if len(runs) > 1:
                kept.samples = [round(run.rps, 1) for run in runs]
            result.runs[name] = kept
        # The server must still answer once the load is over: not stalled, not dead.
        check_json(events_url)
