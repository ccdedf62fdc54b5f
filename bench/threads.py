"""How many database threads a process should run: the events pair page served by
`entente serve` with `ENTENTE_DATABASE_THREADS` set to each count in turn, in rounds, at 32
connections (wrk), on a database `make bench` loaded.

    .venv/bin/python bench/threads.py bench/out/kb-1000000.sqlite3 --threads 1 2 4

Prints, per count, the median round by requests/s (every round's requests/s beside it): its
p50 and p99, and the server's CPU time (user + system) a request.
Figures go to docs/BENCHMARKS.md, "Database threads".
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness.builds import current
from harness.servers import Server, free_port, serving
from harness.wrk import ensure_wrk, wrk

EVENTS_PAGE = "/api/v1/events?country=RU&country=FR&limit=50"


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (/proc/PID/stat, in clock ticks)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database", type=Path, help="a SQLite file `make bench` loaded")
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--path", default=EVENTS_PAGE)
    args = parser.parse_args()
    wrk_bin, build = ensure_wrk(), current()
    runs: dict[int, list[tuple[float, float, float, float]]] = {}
    for _ in range(args.rounds):
        for threads in args.threads:
            port = free_port()
            env = build.environ(
                {
                    **os.environ,
                    "ENTENTE_DATABASE_URL": f"sqlite:///{args.database.resolve()}",
                    "ENTENTE_LOG_LEVEL": "WARNING",
                    "ENTENTE_DATABASE_THREADS": str(threads),
                }
            )
            argv = build.command("serve", "--host", "127.0.0.1", "--port", str(port))
            at = f"http://127.0.0.1:{port}"
            server = Server(f"threads-{threads}", argv, env, f"{at}/readyz", cwd=build.cwd)
            with serving(server):
                assert server.proc is not None
                url, ready = at + args.path, f"{at}/readyz"
                ask = dict(server=server, drain_url=ready, max_backlog=60, warmup=0)
                wrk(wrk_bin, "warm-up", url, connections=32, seconds=2, **ask)
                before = cpu_seconds(server.proc.pid)
                run = wrk(
                    wrk_bin, f"threads_{threads}", url, connections=32, seconds=args.seconds, **ask
                )
                cpu = cpu_seconds(server.proc.pid) - before
                runs.setdefault(threads, []).append(
                    (run.rps, run.p50_ms, run.p99_ms, cpu * 1000 / max(run.requests, 1))
                )
    print("| database threads | requests/s | p50 ms | p99 ms | CPU ms a request |")
    print("|---:|---:|---:|---:|---:|")
    for threads, samples in runs.items():
        rps, p50, p99, cpu = sorted(samples)[len(samples) // 2]
        spread = " / ".join(f"{s[0]:,.0f}" for s in samples)
        print(f"| {threads} | {rps:,.0f} ({spread}) | {p50:.1f} | {p99:.1f} | {cpu:.2f} |")


if __name__ == "__main__":
    main()
