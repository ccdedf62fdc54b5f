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

from .common import ROOT
from .servers import DATASETTE_VENV


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
        for name in ("fastapi", "starlette", "uvicorn", "httptools", "pydantic",
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
