"""Which Entente a command runs: the working tree's (the project's venv, `entente`), or the
code of an earlier commit, the baseline, side by side with it in the same run.

The baseline's tree is exported with `git archive` into bench/out/baseline-<sha>/ and run
by a venv of its own (bench/out/baseline-<sha>/.venv, the packages its pyproject.toml pins,
installed once) with that tree first on the import path (`python -m app.cli` in that folder,
PYTHONPATH set to it): the baseline's code, packages, migrations and defaults. `baseline()`
checks that `import app` resolves to the baseline's tree.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from .common import BIN, OUT, ROOT, log, make_venv


@dataclass
class Build:
    """How to run one Entente: its `entente` command, the folder it runs in, and what it
    adds to the environment."""

    label: str  # "entente" (the working tree) or "baseline"
    argv: list[str]
    cwd: Path = ROOT
    env: dict[str, str] = field(default_factory=dict)
    commit: str = ""

    def command(self, *args: str) -> list[str]:
        return [*self.argv, *args]

    def environ(self, env: dict[str, str]) -> dict[str, str]:
        return {**env, **self.env}


def current() -> Build:
    """The working tree's Entente, as `make` runs it."""
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "describe", "--always", "--dirty"], capture_output=True, text=True
    )
    return Build("entente", [str(BIN / "entente")], commit=commit.stdout.strip())


def baseline(revision: str) -> Build:
    """The code of `revision`, exported into bench/out/baseline-<sha>/ (once: the folder is
    kept for later runs), run by the project's venv Python."""
    resolved = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--verify", f"{revision}^{{commit}}"],
        capture_output=True,
        text=True,
    )
    if resolved.returncode != 0:
        raise RuntimeError(f"baseline {revision!r}: not a commit of {ROOT}")
    sha = resolved.stdout.strip()
    folder = OUT / f"baseline-{sha[:12]}"
    stamp = folder / ".exported"
    if not stamp.exists():
        log(f"exporting the baseline {sha[:12]} into {folder.relative_to(ROOT)}")
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        archive = subprocess.Popen(["git", "-C", str(ROOT), "archive", sha], stdout=subprocess.PIPE)
        untar = subprocess.run(["tar", "-x", "-C", str(folder)], stdin=archive.stdout)
        assert archive.stdout is not None
        archive.stdout.close()
        if archive.wait() != 0 or untar.returncode != 0:
            raise RuntimeError(f"git archive {sha} | tar -x -C {folder} failed")
        stamp.write_text(sha + "\n")
    python = _venv(folder)
    build = Build(
        "baseline",
        [str(python), "-m", "app.cli"],
        cwd=folder,
        env={"PYTHONPATH": str(folder)},
        commit=sha[:12],
    )
    # The import path must give the baseline's tree, not the working tree's editable install.
    probe = subprocess.run(
        [str(python), "-c", "import app; print(app.__file__)"],
        cwd=folder,
        env=build.environ(dict(os.environ)),
        capture_output=True,
        text=True,
    )
    where = Path(probe.stdout.strip() or "?").resolve()
    if probe.returncode != 0 or not where.is_relative_to(folder.resolve()):
        raise RuntimeError(
            f"the baseline's `import app` gives {where}, not {folder}: {probe.stderr[-500:]}"
        )
    return build


def _venv(folder: Path) -> Path:
    """The Python of `folder`'s own venv, made once with the packages its pyproject.toml
    pins (its dependencies, not the working tree's: the baseline imports orjson, which the
    working tree no longer does)."""
    venv = folder / ".venv"
    stamp = venv / ".installed"
    if not stamp.exists():
        log(f"making {venv.relative_to(ROOT)} with the baseline's dependencies")
        python = make_venv(venv, str(folder))
        # Its dependencies only: the code itself is run from `folder` (PYTHONPATH).
        uninstall = [str(python), "-m", "pip", "uninstall", "--quiet", "--yes", "entente"]
        subprocess.run(uninstall, check=True)
        stamp.write_text("ok\n")
    return venv / "bin" / "python"
