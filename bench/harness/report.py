"""The report: the results block (Markdown), the doc it goes in (docs/BENCHMARKS.md, or
another file, from a template when new), and the results an earlier run saved."""

from __future__ import annotations

import argparse
import json
from dataclasses import fields
from pathlib import Path
from typing import Any

from . import postgres
from .common import DEFAULT_BASELINE, DEFAULT_WORKERS, OUT, ROOT, log
from .knowledge_base import (
    DATASETTE_DOCUMENTS_QUERY,
    WORKERS_CONNECTIONS,
    Load,
    SizeResult,
)
from .targets import (
    BASELINE,
    DEEP_PAGE_LATENCY,
    FLAT_N,
    TARGET_N,
    _fmt_ms,
    order,
    question,
    verdicts,
)
from .wrk import Wrk

DOC = ROOT / "docs" / "BENCHMARKS.md"
QUICK_DOC = OUT / "BENCHMARKS-quick.md"
BEGIN, END = "<!-- bench:results:begin -->", "<!-- bench:results:end -->"


def _rounds(args: argparse.Namespace) -> str:
    repeats = getattr(args, "repeats", 1) or 1
    if repeats == 1:
        return ""
    return (
        f"the 32-connection questions asked in {repeats} rounds, each row the median run by "
        "requests/s (*samples*: every round's requests/s); "
    )


def _load_line(label: str, load: Load) -> list[str]:
    if load.failure:
        return [f"{label}: **failed**: `{load.failure}`", ""]
    if load.seconds is None:
        return []
    rss = f", peak memory {load.peak_rss_mb:,.0f} MiB" if load.peak_rss_mb else ""
    reused = " (loaded by an earlier run, `--reuse-db`)" if load.reused else ""
    lines = [
        f"{label}: **{load.seconds:.1f} s**{rss}{reused} ({load.output}); "
        f"{load.where}, {load.size_mb:,} MiB.",
        "",
    ]
    if load.phases:
        phases = "; ".join(f"{phase} {took:.1f} s" for phase, took in load.phases.items())
        lines += [f"Its phases (`entente seed --timings`): {phases}.", ""]
    return lines


def _errors(w: Wrk) -> str:
    errors = str(w.errors)
    if w.errors:
        parts = [f"{k} {v}" for k, v in w.socket_errors.items() if v]
        if w.non_2xx:
            parts.append(f"non-2xx {w.non_2xx}")
        errors += f" ({', '.join(parts)})"
    return errors


def _baseline_cells(w: Wrk, b: Wrk | None) -> str:
    """The baseline's requests/s and p99 for the same question, and the ratio."""
    if b is None:
        return " | | "
    errors = f" ({b.errors} errors)" if b.errors else ""
    p99 = f"{_fmt_ms(b.p99_ms)} (max {b.max_ms:,.0f})" if b.max_ms else "-"
    ratio = f"{w.rps / b.rps:.2f}x" if b.rps else "-"
    return f"{b.rps:,.0f}{errors} | {p99} | {ratio}"


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
        f"wrk `-t2 -c32 -d{args.seconds}s --latency` (the 256-connection runs: "
        f"`-c256 -d{args.soak_seconds}s`, with `-t1` where the row says so; the workers' "
        f"runs `-c{WORKERS_CONNECTIONS}`), each run after a {args.warmup} s warm-up; "
        f"{_rounds(args)}"
        "servers and wrk share the machine's cores; one uvicorn worker each but in the "
        "workers' rows. *alone ms*: one request at a time before the run (median of 3); "
        "*requests*: answers wrk received; *errors*: wrk's socket errors (connect, read, "
        "write, timeout: no answer within 2 s) plus non-2xx answers; *backlog s*: how long "
        "the server went on working after wrk stopped (on requests whose connections wrk "
        f"had closed) before it answered promptly again; the next run waits for it, or "
        f"restarts the server past {args.max_backlog:g} s. *baseline*: the same question "
        "asked of the baseline's code on its own SQLite file of the same data, in the same "
        "round; *vs baseline*: Entente's requests/s over the baseline's.",
        "",
    ]
    for n, r in results.items():
        lines += [f"### {n:,} events", ""]
        counts = ", ".join(f"{c:,} {kind}" for kind, c in r.counts.items())
        lines += [f"Knowledge base: {counts} (synthetic); {r.pair_events:,} RU-FR events.", ""]
        if r.generate_seconds is not None:
            lines += [f"Generated (`bench/generate.py`) in {r.generate_seconds:.0f} s.", ""]
        for key, label in (
            ("entente", "Bulk load (`entente seed`, SQLite)"),
            ("baseline", f"The baseline's bulk load ({r.baseline}, its own loader, SQLite)"),
            ("postgres", "Bulk load into PostgreSQL (`entente seed`)"),
        ):
            if key in r.loads:
                lines += _load_line(label, r.loads[key])
        if r.failure:
            lines += [f"**Failed**: `{r.failure}`", ""]
        for problem in r.problems:
            lines += [f"**Not measured**: {problem}.", ""]
        if not r.runs:
            continue
        for check, held in r.checks.items():
            lines.append(
                f"- {check}: "
                + ("yes." if held else "**NO** (the comparison is not like for like).")
            )
        if r.checks:
            lines.append("")
        lines += [
            "| question | alone ms | connections | requests | requests/s | p50 ms | p99 ms "
            "| max ms | errors | backlog s | samples | baseline requests/s "
            "| baseline p99 ms | vs baseline |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|",
        ]
        for name in order(r.runs):
            if name.startswith(BASELINE):
                continue
            w = r.runs[name]
            timing = (
                f"{_fmt_ms(w.p50_ms)} | {_fmt_ms(w.p99_ms)} | {w.max_ms:,.0f}"
                if w.max_ms  # wrk records no latency when every answer timed out
                else "- | - | -"
            )
            alone = _fmt_ms(w.solo_ms) if w.solo_ms is not None else f"failed: {w.solo_error}"
            backlog = "> max, restarted" if w.drain_seconds is None else f"{w.drain_seconds:.1f}"
            samples = " / ".join(f"{rps:,.0f}" for rps in w.samples)
            lines.append(
                f"| {question(name, r.deep_page)} | {alone} | {w.connections} | "
                f"{w.requests:,} | {w.rps:,.0f} | {timing} | {_errors(w)} | {backlog} | "
                f"{samples} | {_baseline_cells(w, r.runs.get(BASELINE + name))} |"
            )
        lines.append("")
        e = r.runs.get("events")
        ratios = [
            (label, r.runs.get(other))
            for label, other in (
                ("Entente/Datasette (the same documents)", "datasette_documents"),
                ("Entente/Datasette (bare rows)", "datasette_rows"),
                ("Entente/floor", "floor"),
                ("Entente/baseline", BASELINE + "events"),
            )
        ]
        parts = [f"{label} **{e.rps / o.rps:.2f}x**" for label, o in ratios if e and o and o.rps]
        pg = r.runs.get("postgres_events")
        if e and pg and e.rps:
            parts.append(f"PostgreSQL/SQLite **{pg.rps / e.rps:.2f}x**")
        d = r.runs.get("event_detail")
        if e and d and e.rps:
            parts.append(f"event detail/events page **{d.rps / e.rps:.2f}x**")
        one = r.runs.get("workers_1")
        for name in order(r.runs):
            if name.startswith("workers_") and name != "workers_1" and one and one.rps:
                workers = name.removeprefix("workers_")
                parts.append(f"{workers} workers/1 **{r.runs[name].rps / one.rps:.2f}x**")
        if parts:
            lines += ["Ratios (requests/s): " + ", ".join(parts) + ".", ""]
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
data and the same question, against the code before the latest change (the baseline) in
the same run, against the framework floor, on PostgreSQL, with several workers, as the
knowledge base grows, and under concurrency.

## How to run

```sh
make bench        # 10,000 and 1,000,000 events: generate, load, serve, wrk; writes this file
make bench-quick  # 10,000 events only, 3 s wrk runs: a smoke test (bench/out/BENCHMARKS-quick.md)
```

They run `.venv/bin/python bench/run.py`. Options: `--events N [N ...]`, `--quick`,
`--seconds`, `--soak-seconds`, `--warmup`, `--repeats`, `--max-backlog`;
`--baseline REV` (default `{baseline}`; `none` skips it), the commit whose code is asked
the same questions beside the working tree's; `--postgres URL` (default
`{postgres}`; `none` skips it), the PostgreSQL
server on which the run drops and creates its own databases `entente_bench_N` (kept after
the run, for `--reuse-db`); `--workers N [N ...]` (default {workers}), the worker counts
of the `entente serve --workers N` runs; `--reuse-db` to skip reloading the
databases an earlier run loaded (each is reused only when the data, the code's newest
migration, and for the baseline its commit, are the same); `--doc PATH`; `--report-only`
to write this file again from `bench/out/results.json`. The full run takes about 45
minutes, by the lengths of its parts: the wrk runs about 16 minutes a size (seventeen
32-connection questions in three rounds of 10 s, five 30 s runs at 256 connections, the
workers' runs), and at 1,000,000 events three loads (the working tree's SQLite file, the
baseline's, PostgreSQL) of a few minutes each; `--quick` takes about 4 minutes. Needs
[wrk](https://github.com/wg/wrk) (`apt-get install -y wrk`; the harness installs it when
run as root), git (the baseline comes from this repository's history), the PostgreSQL
server, and network access to PyPI once, to make `bench/.venv-datasette` with a pinned
`datasette==0.65.5` and `httptools==0.9.0`. Everything it makes goes to `bench/out/`
(git-ignored).

Two in-process tools for the profile below, on a database `make bench` loaded (the app
reads `ENTENTE_DATABASE_URL`, a SQLite file or a PostgreSQL database alike):
`bench/cpu_profile.py PATH` (CPU time a request, and cProfile's top functions with
`--profile`), and `bench/instructions.py PATH [PATH ...]`, which counts a request's
instructions with valgrind's callgrind and gives each path as a ratio to the first.
Timings here vary by 10% and more between runs; a count does not (the same code and data
give the same count within a fraction of a percent, however busy the machine is), so two
ways of answering, or page 1 and page 100, compare without the noise:

```sh
ENTENTE_DATABASE_URL=sqlite:///bench/out/kb-1000000.sqlite3 ENTENTE_LOG_LEVEL=WARNING \\
  .venv/bin/python bench/instructions.py "/api/v1/events?country=RU&country=FR&limit=50" \\
  "/api/v1/events?country=RU&country=FR&limit=50&cursor=..."   # about 4 minutes
```

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
- **Load**: the same bundles, three times. Into a fresh SQLite file
  (`bench/out/kb-N.sqlite3`): `entente migrate`, then `entente seed --timings`, timed from
  start to exit: the project's own bulk-load path, which checks every reference and
  excerpt and builds the derived tables (event documents, search index); the phases are
  what `--timings` prints. Into the baseline's own SQLite file
  (`bench/out/kb-N-baseline.sqlite3`) by the baseline's own `entente migrate` and
  `entente seed --timings` (its schema and its loader). Into PostgreSQL: the database
  `entente_bench_N` on the `--postgres` server, dropped and created again, then the working
  tree's `entente migrate` and timed `entente seed --timings` with `ENTENTE_DATABASE_URL`
  naming it. *Peak memory* is the loading process's, with the processes it waited for
  (`wait4`), not PostgreSQL's.
- **Baseline**: `--baseline {baseline}` exports that commit with `git archive` into
  `bench/out/baseline-<sha>/` and runs its `entente` as `python -m app.cli` in that folder,
  with a venv of its own (`bench/out/baseline-<sha>/.venv`, made once with the packages
  the baseline's pyproject.toml pins) and `PYTHONPATH` set to the folder, so that `import
  app` is the baseline's code (the harness checks it): the same interpreter, the baseline's
  code, packages, migrations and loader. Its server is asked the same questions as the
  working tree's (the events list, its page 100 by its own cursors, the event detail, the
  dossier, the timeline, search, 256 connections), each right after the working tree's in
  the same round; the results table gives its requests/s and p99 beside each row.
- **Servers**: `entente serve` (one uvicorn worker, `ENTENTE_LOG_LEVEL=WARNING`) on the
  SQLite file; the baseline's `entente serve` on its file; the working tree's
  `entente serve` on the PostgreSQL database; Datasette 0.65.5 on Entente's SQLite file,
  served as its users run it rather than by `datasette serve` (which logs every
  request): `bench/datasette_serve.py`, run by `bench/.venv-datasette`'s Python, hands
  `Datasette([file], metadata=..., settings={{"sql_time_limit_ms": 60000}}).app()` to
  uvicorn with httptools and the asyncio loop, no access log. Datasette is asked for the
  same content as Entente's first page, as a **canned query**
  (`/kb-N/pair_documents.json?a=RU&b=FR&_shape=array`):

  ```sql
{query}
  ```

  It reads what Entente's own page reads: RU's rows of `event_country` in date order from
  the index `(country, start_first, event_id)`, each joined to FR's row and to the
  event's JSON document in `event_document`, so both run the same plan on the same file.
  The harness checks that the 50 bodies, parsed, equal the items of Entente's first page,
  in order. Entente answers the same documents in its page (`items`, with `next_cursor`,
  and `total` and `facets`, null unless asked for), with an ETag and a `Link` header to
  the next page. For reference only, a second canned query (`pair_rows`) returns the same 50
  events' bare rows of the `event` table instead of their documents (the Datasette-versus-
  bare-rows ratio is reported, not a target).
  The floor is `bench/floor.py`, one async FastAPI endpoint returning a constant small JSON,
  served by the same uvicorn with the same event loop and HTTP parser (Python's asyncio loop
  and httptools: `app/cli.py`, `SERVER_OPTIONS`); its ratio is reported, not a target.
- **wrk**: `-t2 -c32 -d10s --latency` at each question after a 2 s warm-up, in three
  rounds (`--repeats`), keeping for each question the median run by requests/s. A round
  asks the floor, Datasette's two canned queries, then each of Entente's questions (the
  events list, page 100, the event detail `/api/v1/events/<id>` of the first page's first
  event, the dossier, the timeline, search) each followed by the baseline's same question,
  then the events list and the detail on PostgreSQL. The 256 connections runs are
  `-c256 -d30s` at the events list (the working tree's, then the baseline's), then at the
  floor (what the machine, wrk and uvicorn do under that load with no application in the
  way), then Entente's and the floor's again with one wrk thread (`-t1`), which leaves the
  server more of the machine's two cores. Before each run, the question is asked alone
  three times (*alone ms*, the median). Errors are wrk's socket errors (connect, read,
  write, timeout) plus non-2xx answers; wrk's timeout is its default 2 s, and a late
  answer counts as a timeout error, not in the latencies; the 256-connection target asks
  for no error and no answer over 1 s (wrk's max latency).
- **Workers**: once the servers above are stopped, `entente serve --workers N` on the
  SQLite file for each N of `--workers`, a server started for its run alone, each round:
  wrk `-c64` at the events list. "N workers are never slower than one": each N's
  requests/s at least `--workers 1`'s in the same run.
- **Backlog**: when wrk stops, it closes its connections, but the server may still work
  on the requests they sent. Before the next run, the harness waits until the server
  answers a request that queues behind them (`/readyz` for Entente, `select 1` for
  Datasette) promptly twice, and reports how long that took; past `--max-backlog` (60 s)
  it restarts the server instead, so that one slow question does not slow the next.
- **Page 100**: the harness follows `next_cursor` 99 times from the first page, then runs
  wrk at that URL; "within {deep:g}x page 1's latency" is read as page 100's p50 latency at
  32 connections at most {deep:g}x the first page's (the note gives the requests/s ratio
  too). At 10,000 events RU-FR has too few events for 100 pages: the deepest page is used
  there and the target is judged on 1,000,000.
- **Flat with size**: the events list's requests/s on 1,000,000 events over those on
  10,000, in one run.
- **Targets**: judged on the 1,000,000-event results (a run without them says which size
  each was measured on); ratios are of figures of the same run.

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
        indented = "\n".join("  " + line for line in DATASETTE_DOCUMENTS_QUERY.splitlines())
        doc = DOC_TEMPLATE.format(
            query=indented,
            deep=DEEP_PAGE_LATENCY,
            baseline=DEFAULT_BASELINE,
            postgres=postgres.DEFAULT_URL,
            workers=" ".join(map(str, DEFAULT_WORKERS)),
            results_begin=BEGIN,
            results_end=END,
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
    known = {f.name for f in fields(SizeResult)}
    for n, raw in data["results"].items():
        runs = {name: Wrk(**w) for name, w in raw.pop("runs").items()}
        loads = {key: Load(**load) for key, load in raw.pop("loads", {}).items()}
        kept = {key: value for key, value in raw.items() if key in known}
        results[int(n)] = SizeResult(**kept, runs=runs, loads=loads)
    return results, data["machine"], data.get("args", {})
