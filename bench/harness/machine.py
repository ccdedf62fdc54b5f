"""What the run ran on: CPU, memory, OS, the versions of Python, SQLite, wrk, Datasette,
Entente and its packages, for the report's Machine table."""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import platform
import sqlite3
import subprocess
from pathlib import Path

from . import postgres
from .builds import Build
from .servers import DATASETTE_VENV


def _version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "-"


def machine(args: argparse.Namespace, current: Build, baseline: Build | None) -> dict[str, str]:
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
    packages = ", ".join(
        f"{name} {_version(name)}"
        for name in ("fastapi", "starlette", "uvicorn", "httptools", "pydantic",
                     "sqlalchemy", "psycopg", "httpx")
    )  # fmt: skip
    datasette_packages = subprocess.run(
        [
            str(DATASETTE_VENV / "bin" / "python"),
            "-c",
            "import importlib.metadata as m; "
            "print(', '.join(f'{p} {m.version(p)}' for p in ('uvicorn', 'httptools')))",
        ],
        capture_output=True,
        text=True,
    )
    info = {
        "CPU": f"{cpu} ({os.cpu_count()} cores by nproc: {_nproc()})",
        "memory": memory,
        "OS": platform.platform(),
        "Python": platform.python_version(),
        "SQLite": f"{sqlite3.sqlite_version} (Entente), "
        f"{datasette_sqlite.stdout.strip() or '?'} (Datasette)",
        "wrk": (wrk_version.stdout + wrk_version.stderr).splitlines()[0].split(" [")[0]
        if (wrk_version.stdout + wrk_version.stderr)
        else "?",
        "Datasette": f"{datasette_version.stdout.strip() or '?'} "
        f"({datasette_packages.stdout.strip() or '?'}; bench/datasette_serve.py)",
        "Entente": f"{_version('entente')} at {current.commit or '?'}",
        "baseline": f"{baseline.commit} (bench/out/baseline-{baseline.commit}/)"
        if baseline
        else "not run (`--baseline none`)",
        "PostgreSQL": postgres.server_version(args.postgres)
        if args.postgres
        else "not run (`--postgres none`)",
        "packages": packages,
    }
    return info


def _nproc() -> str:
    proc = subprocess.run(["nproc"], capture_output=True, text=True)
    return proc.stdout.strip() or "?"
