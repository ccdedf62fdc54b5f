"""`entente extract`'s speed: how long the pipeline takes to load, and how many articles a
second one core drafts once it is loaded (docs/EXTRACTION.md).

    .venv/bin/python bench/extract.py [--rounds N]     # also run by `make bench`

The articles are the seed's sources and the test articles (tests/extract/); each is drafted
`--rounds` times. CPU time is this process's (the model runs on one thread); wall time is
shown beside it, as other jobs on the machine slow it and not the extraction."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.extract.known import Known  # noqa: E402


def _articles() -> list[str]:
    folders = [ROOT / "seed" / "sources", ROOT / "tests" / "extract" / "articles",
               ROOT / "tests" / "extract" / "heldout"]  # fmt: skip
    return [p.read_text(encoding="utf-8") for f in folders for p in sorted(f.glob("*.txt"))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)

    cpu, wall = time.process_time(), time.perf_counter()
    from app.extract.draft import extract
    from app.extract.nlp import pipeline

    pipeline()
    extract("Warm-up: Russian President Vladimir Putin visited France.", dt.date(2019, 8, 20),
            {"id": "x", "title": "x"}, Known())  # fmt: skip
    print(f"load: {time.process_time() - cpu:.2f} s CPU, {time.perf_counter() - wall:.2f} s wall")

    articles = _articles()
    words = sum(len(text.split()) for text in articles)
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(args.rounds):
        for text in articles:
            extract(text, dt.date(2023, 1, 1), {"id": "x", "title": "x"}, Known())
    spent_cpu, spent_wall = time.process_time() - cpu, time.perf_counter() - wall
    drafted = len(articles) * args.rounds
    print(
        f"{drafted} drafts of {len(articles)} articles ({words / len(articles):.0f} words each "
        f"on average): {drafted / spent_cpu:.1f} articles/s on one core (CPU time), "
        f"{drafted / spent_wall:.1f} articles/s by the wall clock; "
        f"{1000 * spent_cpu / drafted / (words / len(articles)) * 500:.0f} ms CPU for 500 words"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
