"""The report: the results block (Markdown), the doc it goes in (docs/BENCHMARKS.md, or
another file, from a template when new), and the results an earlier run saved."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from .common import OUT, ROOT, log
from .knowledge_base import DATASETTE_QUERY, SizeResult
from .targets import DEEP_PAGE_RATIO, FLAT_N, ORDER, QUESTIONS, TARGET_N, _fmt_ms, verdicts
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
        f"`-c256 -d{args.soak_seconds}s`, with `-t1` where the row says so), each run after "
        f"a {args.warmup} s warm-up; "
        f"{_rounds(args)}"
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
            if r.load_phases:
                phases = "; ".join(f"{phase} {took:.1f} s" for phase, took in r.load_phases.items())
                lines += [f"Its phases (`entente seed --timings`): {phases}.", ""]
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
            "| max ms | errors | backlog s | samples |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
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
            samples = " / ".join(f"{rps:,.0f}" for rps in w.samples)
            lines.append(
                f"| {question} | {alone} | {w.connections} | {w.requests:,} | {w.rps:,.0f} | "
                f"{timing} | {errors} | {backlog} | {samples} |"
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
`--seconds`, `--soak-seconds`, `--warmup`, `--repeats`, `--max-backlog`, `--reuse-db` to
skip reloading a database an earlier run loaded, `--doc PATH`, `--report-only` to write this
file again from `bench/out/results.json`). The full run takes about 15 minutes: generating
the 1,000,000 events (15 s, 600 MB of NDJSON), loading them (about 80 s, 3 GB of SQLite,
under 1 GB of memory), and the wrk runs (about 6 minutes a size). Needs
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
- **Load**: a fresh SQLite file, `entente migrate`, then `entente seed --timings` of the
  bundles, timed from start to exit: the project's own bulk-load path, which checks every
  reference and excerpt, and builds the derived tables (search index, event documents,
  pair tables); the phases are what `--timings` prints.
- **Servers**: `entente serve` (one uvicorn worker, `ENTENTE_LOG_LEVEL=WARNING`);
  `datasette serve` on the same file (`--setting sql_time_limit_ms 60000`), asked the
  equivalent question as a **canned query** (`/kb-N/pair_events.json?a=FR&b=RU&_shape=array`):

  ```sql
{query}
  ```

  It reads the table and index Entente's own statement reads (the pair's event rows of
  `relation_item`, which every load keeps), so both run the same plan on the same file; the
  harness checks that its 50 rows are the events of Entente's first page. Entente answers
  more: each event with its countries, participants, topics, place and citations, as a
  typed response (its ready JSON document, `event_document`).
  The floor is `bench/floor.py`, one async FastAPI endpoint returning a constant small JSON,
  served by the same uvicorn with the same event loop and HTTP parser (Python's asyncio loop
  and httptools: `app/cli.py`, `SERVER_OPTIONS`).
- **wrk**: `-t2 -c32 -d10s --latency` at each question after a 2 s warm-up, in three
  rounds (`--repeats`), keeping for each question the median run by requests/s; the 256
  connections runs are `-c256 -d30s` at the events list, then at the floor (what the
  machine, wrk and uvicorn do under that load with no application in the way), then both
  again with one wrk thread (`-t1`), which leaves the server more of the machine's two
  cores. Before
  each, the question is asked alone three times (*alone ms*, the median). Errors are wrk's
  socket errors (connect, read, write, timeout) plus non-2xx answers; wrk's timeout is its
  default 2 s, and a late answer counts as a timeout error, not in the latencies. A stall
  is such a timeout, or a run with no answer.
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
