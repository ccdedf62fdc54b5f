"""What each optimisation of the single path is worth: the code with it (the committed tree,
HEAD) against the same code without it, asked the same question in the same run, in turns.

    .venv/bin/python bench/ablate.py                      # every ablation
    .venv/bin/python bench/ablate.py load-collector-on    # some of them

An ablation takes one optimisation out: a patch of `bench/ablations/<name>.patch` applied to
a copy of HEAD's tree, or only a setting (`SETTINGS`). `load-*` ones are measured by the CPU
time (user + system) of `entente seed` of the generated knowledge base (`--events`, default
100,000) into an empty SQLite database (with `--postgres URL`, the wall time of the load
into a PostgreSQL database of that server, whose own work the loading process's CPU would
leave out); the others by `bench/cpu_profile.py`'s CPU a request
for their path, on the 10,000-event database that `bench/run.py` loads (or one loaded here).
Each side runs `--rounds` times, alternately; the table gives the medians and the ratio
without / with (above 1: the optimisation saves that much). The copies and databases go to
bench/out/ablate/ (git-ignored). Figures go to docs/BENCHMARKS.md, "Optimisations kept".
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out" / "ablate"
PATCHES = ROOT / "bench" / "ablations"
PYTHON = sys.executable
EVENTS_PAGE = "/api/v1/events?country=RU&country=FR&limit=50"
# The request each read-path ablation is measured by, and how many of it.
PATHS = {
    "events-statements-per-request": (EVENTS_PAGE, 2000),
    "timeline-statements-per-request": ("/api/v1/relations/RU/FR/timeline", 2000),
    "dossier-not-kept": ("/api/v1/relations/RU/FR", 100),  # each one computed: 0.1 s and more
}
# Ablations that are a setting only, no patch.
SETTINGS = {"dossier-not-kept": {"ENTENTE_COMPUTED_CACHE_ENTRIES": "0"}}


def tree(name: str) -> Path:
    """HEAD's `app/` (and what it reads) in bench/out/ablate/<name>/, with the ablation's
    patch applied; "head" is HEAD's own."""
    folder = OUT / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "HEAD", "app", "alembic.ini", "migrations", "seed"],
        capture_output=True,
        check=True,
    )
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive.stdout, check=True)
    patch = PATCHES / f"{name}.patch"
    if patch.exists():
        subprocess.run(["git", "apply", "-p1", str(patch)], cwd=folder, check=True)
    return folder


def _environ(code: Path, name: str, url: str) -> dict[str, str]:
    return {
        **os.environ,
        **SETTINGS.get(name, {}),
        "PYTHONPATH": str(code),
        "ENTENTE_DATABASE_URL": url,
        "ENTENTE_LOG_LEVEL": "WARNING",
    }


def _new_postgres(url: str) -> str:
    """`url`'s server with its database `entente_ablate` dropped and created again."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    server = make_url(url)
    with create_engine(server, isolation_level="AUTOCOMMIT").connect() as connection:
        connection.execute(text("DROP DATABASE IF EXISTS entente_ablate WITH (FORCE)"))
        connection.execute(text("CREATE DATABASE entente_ablate"))
    return server.set(database="entente_ablate").render_as_string(hide_password=False)


def load_cost(code: Path, name: str, kb: Path, postgres: str | None) -> float:
    """Seconds of `entente seed` of `kb` into a new database, by the code in `code`: the
    CPU of the loading process into SQLite; on PostgreSQL, whose server does part of the
    work, the wall time."""
    if postgres:
        url = _new_postgres(postgres)
    else:
        for old in OUT.glob(f"{code.name}.sqlite3*"):
            old.unlink()
        url = f"sqlite:///{OUT / f'{code.name}.sqlite3'}"
    env = _environ(code, name, url)
    entente = [PYTHON, "-m", "app.cli"]
    subprocess.run([*entente, "migrate"], cwd=code, env=env, check=True, capture_output=True)
    before, started = resource.getrusage(resource.RUSAGE_CHILDREN), time.monotonic()
    subprocess.run([*entente, "seed", str(kb)], cwd=code, env=env, check=True, capture_output=True)
    after, wall = resource.getrusage(resource.RUSAGE_CHILDREN), time.monotonic() - started
    return (
        wall
        if postgres
        else (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    )


def request_cpu(code: Path, name: str, database: Path, path: str, requests: int) -> float:
    """Milliseconds of CPU a request of `path`, by the code in `code` (with the settings of
    the ablation `name`)."""
    env = _environ(code, name, f"sqlite:///{database}")
    done = subprocess.run(
        [PYTHON, str(ROOT / "bench" / "cpu_profile.py"), path, "--requests", str(requests)],
        cwd=code,
        env=env,
        capture_output=True,
        text=True,
    )
    found = re.search(r": ([0-9.]+) ms CPU a request", done.stdout)
    if found is None:
        raise RuntimeError(f"{path}: no figure in {done.stdout!r} {done.stderr[-500:]!r}")
    return float(found[1])


def main() -> int:
    names = sorted([p.stem for p in PATCHES.glob("*.patch")] + list(SETTINGS))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help=f"ablations (default: all of {names})")
    parser.add_argument("--events", type=int, default=100_000, help="events of the load")
    parser.add_argument("--rounds", type=int, default=3, help="runs of each side")
    parser.add_argument(
        "--postgres",
        help="load into PostgreSQL instead (a server URL; its database entente_ablate is "
        "dropped and created for each load), timed by the wall clock",
    )
    args = parser.parse_args()
    chosen = args.names or names
    unknown = set(chosen) - set(names)
    if unknown:
        parser.error(f"unknown ablation(s): {', '.join(sorted(unknown))}")
    OUT.mkdir(parents=True, exist_ok=True)
    head = tree("head")
    kb = ROOT / "bench" / "out" / f"kb-{args.events}"
    if any(n.startswith("load-") for n in chosen) and not generate.is_current(kb, args.events):
        generate.generate(args.events, kb)
    database = ROOT / "bench" / "out" / "kb-10000.sqlite3"
    if any(not n.startswith("load-") for n in chosen) and not database.exists():
        small = ROOT / "bench" / "out" / "kb-10000"
        if not generate.is_current(small, 10_000):
            generate.generate(10_000, small)
        load_cost(head, "head", small, None)
        shutil.copy(OUT / "head.sqlite3", database)
    print("| ablation (HEAD without it) | measured by | with (HEAD) | without | without / with |")
    print("|---|---|---:|---:|---:|")
    for name in chosen:
        code = tree(name) if (PATCHES / f"{name}.patch").exists() else head
        with_it, without = [], []
        for _ in range(args.rounds):
            if name.startswith("load-"):
                with_it.append(load_cost(head, "head", kb, args.postgres))
                without.append(load_cost(code, name, kb, args.postgres))
            else:
                with_it.append(request_cpu(head, "head", database, *PATHS[name]))
                without.append(request_cpu(code, name, database, *PATHS[name]))
        a, b = statistics.median(with_it), statistics.median(without)
        seed = "seed wall s, PostgreSQL" if args.postgres else "seed CPU s"
        what = f"{seed}, {args.events:,} events" if name.startswith("load-") else PATHS[name][0]
        unit = "s" if name.startswith("load-") else "ms"
        print(f"| {name} | {what} | {a:.3f} {unit} | {b:.3f} {unit} | {b / a:.3f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
