"""Instructions per request of API paths, counted by valgrind (callgrind), in-process.

    ENTENTE_DATABASE_URL=sqlite:///bench/out/kb-1000000.sqlite3 ENTENTE_LOG_LEVEL=WARNING \\
        .venv/bin/python bench/instructions.py "/api/v1/events?country=RU&country=FR&limit=50" \\
        "/api/v1/events?country=RU&country=FR&limit=50&cursor=..."

Timings on a shared machine vary by 10% and more between runs; an instruction count does
not (the same code, data and hash seed give the same count within a few hundred, whatever
else the machine does). Each path is called by `bench/cpu_profile.py --calls` under
callgrind twice, with a few and with many requests after the same warm-up; the difference,
divided by the extra requests, is the cost of one request, the app's startup and warm-up
taken out. The second and later paths are also given as a ratio to the first. Counts are
not time (a cache miss costs more than an instruction), but they compare two ways of
answering, or two answers, without the noise. Needs valgrind (Debian: `apt-get install
valgrind`); a few minutes a path (valgrind runs Python about fifty times slower).
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def collected(path: str, calls: int) -> int:
    """The instructions callgrind counts for the whole process making `calls` requests."""
    env = os.environ | {"PYTHONHASHSEED": "0"}  # dicts and sets laid out the same each run
    command = [
        "valgrind",
        "--tool=callgrind",
        "--callgrind-out-file=/dev/null",
        sys.executable,
        str(HERE / "cpu_profile.py"),
        path,
        "--calls",
        str(calls),
    ]
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    found = re.search(r"Collected : (\d+)", done.stderr)
    if done.returncode != 0 or not found:
        raise SystemExit(f"{path}: valgrind failed\n{done.stderr[-2000:]}")
    return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+", help="paths and query strings")
    parser.add_argument("--few", type=int, default=50, help="requests of the short run")
    parser.add_argument("--many", type=int, default=350, help="requests of the long run")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is missing: apt-get install -y valgrind")
    first = None
    for path in args.paths:
        per_request = (collected(path, args.many) - collected(path, args.few)) / (
            args.many - args.few
        )
        first = first or per_request
        print(f"{per_request:,.0f} instructions a request ({per_request / first:.3f}x)  {path}")


if __name__ == "__main__":
    main()
