"""Entente's benchmark: Entente against Datasette and the framework floor, with wrk.

    make bench          # .venv/bin/python bench/run.py: 10,000 and 1,000,000 events
    make bench-quick    # .venv/bin/python bench/run.py --quick: 10,000 events, short runs

For each knowledge-base size N it generates a SYNTHETIC knowledge base (bench/generate.py,
cached in bench/out/kb-N/), loads it into a fresh SQLite file (bench/out/kb-N.sqlite3)
with `entente migrate` and a timed `entente seed`, into another with the baseline's code
(`--baseline`, an earlier commit exported into bench/out/baseline-<sha>/), and into a
PostgreSQL database (`--postgres`), then serves it with Entente (one worker; then with
`--workers N`), the baseline, Entente on PostgreSQL, Datasette (in its own venv,
bench/.venv-datasette, made here when missing, served by bench/datasette_serve.py) on the
same file, and the framework floor (bench/floor.py), and drives wrk at the same questions.
It writes the results between the markers of docs/BENCHMARKS.md (a full run) or of
bench/out/BENCHMARKS-quick.md (a quick run; `--doc` chooses another file), and the raw
numbers to bench/out/results.json. Every server it starts is stopped, even on failure.
This file is the command line; the harness itself is the package bench/harness/.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import signal
import sys
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench/: harness, generate
from harness import builds, postgres
from harness.common import DEFAULT_BASELINE, DEFAULT_WORKERS, OUT, log
from harness.knowledge_base import SizeResult, measure, prepare
from harness.machine import machine
from harness.report import DOC, QUICK_DOC, load_results, report, write_doc
from harness.servers import _terminate, ensure_datasette
from harness.targets import FLAT_N, TARGET_N, verdicts
from harness.wrk import ensure_wrk


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, nargs="+", help="knowledge-base sizes")
    parser.add_argument("--quick", action="store_true", help="10,000 events, short wrk runs")
    parser.add_argument("--seconds", type=int, help="each wrk run (default 10, quick 3)")
    parser.add_argument("--soak-seconds", type=int, help="the 256-connection run (30, quick 5)")
    parser.add_argument("--warmup", type=int, help="warm-up before each run (2, quick 1)")
    parser.add_argument(
        "--repeats",
        type=int,
        help="rounds of the 32-connection runs; the median by requests/s is kept (3, quick 1)",
    )
    parser.add_argument(
        "--reuse-db", action="store_true", help="keep a database loaded by an earlier run"
    )
    parser.add_argument(
        "--baseline",
        default=DEFAULT_BASELINE,
        help="the commit whose code is asked the same questions in the same run "
        f"(default {DEFAULT_BASELINE}; 'none' to skip)",
    )
    parser.add_argument(
        "--postgres",
        default=postgres.DEFAULT_URL,
        help="the PostgreSQL server to load and serve the knowledge base from, in databases "
        f"entente_bench_N it drops and creates (default {postgres.DEFAULT_URL}; 'none' to skip)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        nargs="+",
        default=list(DEFAULT_WORKERS),
        help="worker counts of the `entente serve --workers N` runs (default 1 2 4; 1 is "
        "the reference the others are compared with)",
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
    args.repeats = args.repeats or (1 if args.quick else 3)
    args.command = " ".join(["bench/run.py", *(sys.argv[1:] if argv is None else argv)])
    args.baseline = None if args.baseline.lower() == "none" else args.baseline
    args.postgres = None if args.postgres.lower() == "none" else args.postgres
    args.workers = sorted({1, *args.workers})
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
    current = builds.current()
    baseline = builds.baseline(args.baseline) if args.baseline else None
    info = machine(args, current, baseline)
    results: dict[int, SizeResult] = {}
    failed = False
    for n in sizes:
        result = results[n] = SizeResult(events=n)
        try:
            databases = prepare(n, result, args, current, baseline)
            measure(n, databases, result, args, current, baseline)
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
        for key in (
            "quick",
            "seconds",
            "soak_seconds",
            "warmup",
            "repeats",
            "max_backlog",
            "baseline",
            "postgres",
            "workers",
            "command",
            "when",
        )
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
