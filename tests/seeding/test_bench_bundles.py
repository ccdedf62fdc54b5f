"""The benchmark's synthetic bundles pass every check of a seed: `make bench` loads them."""

import importlib.util
from pathlib import Path

from app.seeding.loader import validate
from tests.conftest import PROJECT_ROOT


def test_the_generated_benchmark_bundles_are_valid(tmp_path: Path):
    spec = importlib.util.spec_from_file_location(
        "generate", PROJECT_ROOT / "bench" / "generate.py"
    )
    assert spec is not None and spec.loader is not None
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    manifest = generator.generate(events=300, out=tmp_path)

    records = validate([tmp_path])  # raises SeedFailed, listing every error, if one is wrong
    assert records == sum(manifest["counts"].values())
