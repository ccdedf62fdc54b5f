"""CPU per request of one API path, measured in-process, and optionally its profile.

    ENTENTE_DATABASE_URL=sqlite:///bench/out/kb-10000.sqlite3 ENTENTE_LOG_LEVEL=WARNING \\
        .venv/bin/python bench/cpu_profile.py "/api/v1/events?country=RU&country=FR&limit=50"

The app (`app.main.create_app()`) is called directly as ASGI (no HTTP, no wrk), on the
database of the settings (`ENTENTE_DATABASE_URL`, which `app.deps.get_database` serves), so
the figures are the application's own cost: `time.process_time` over all threads per
request, and apart the CPU that database threads spent (`time.thread_time` inside
`app.db.Database.call`, the work a request runs in a database thread). `--profile` prints
cProfile's top functions of the event loop's thread, `--threads` those of the database
threads. Used for the Profile section of docs/BENCHMARKS.md.
"""

import argparse
import asyncio
import cProfile
import gc
import logging
import pstats
import time
from typing import Any

from app.db import Database
from app.main import create_app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", help="path and query string, e.g. /api/v1/events?limit=50")
    parser.add_argument("--requests", type=int, default=1500, help="requests measured")
    parser.add_argument("--profile", action="store_true", help="profile the event loop")
    parser.add_argument("--threads", action="store_true", help="profile the database threads")
    parser.add_argument(
        "--calls",
        type=int,
        help="only make this many requests after the warm-up, and print nothing (for "
        "bench/instructions.py, which counts the instructions they take)",
    )
    args = parser.parse_args()
    logging.disable(logging.INFO)

    thread_cpu = [0.0, 0]
    thread_profile = cProfile.Profile()
    database_call = Database.call

    def timed(self: Database, work: Any) -> Any:
        started = time.thread_time()
        if args.threads:
            thread_profile.enable()
        try:
            return database_call(self, work)
        finally:
            if args.threads:
                thread_profile.disable()
            thread_cpu[0] += time.thread_time() - started
            thread_cpu[1] += 1

    Database.call = timed  # type: ignore[method-assign]
    app = create_app()
    path, _, query = args.path.partition("?")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(b"host", b"localhost")],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
    }

    async def call() -> None:
        status = []

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status.append(message["status"])

        await app(dict(scope), receive, send)
        if status != [200]:
            raise SystemExit(f"{args.path}: answered {status}")

    async def run() -> None:
        # The lifespan is not run (no startup, no shutdown): the app's database is opened
        # on its first request by app.deps.default_database().
        for _ in range(50):
            await call()
        if args.calls is not None:
            # The objects of the startup and warm-up kept out of the collector's passes, so
            # that the count is of the requests alone.
            gc.collect()
            gc.freeze()
            for _ in range(args.calls):
                await call()
            return
        thread_cpu[:] = [0.0, 0]
        started = time.process_time()
        for _ in range(args.requests):
            await call()
        per_request = (time.process_time() - started) / args.requests * 1e3
        in_threads = thread_cpu[0] / thread_cpu[1] * 1e6 if thread_cpu[1] else 0.0
        print(
            f"{args.path}: {per_request:.3f} ms CPU a request, {in_threads:.0f} µs of it in "
            "database threads"
        )
        if args.profile:
            profile = cProfile.Profile()
            profile.enable()
            for _ in range(args.requests):
                await call()
            profile.disable()
            pstats.Stats(profile).sort_stats("tottime").print_stats(30)

    asyncio.run(run())
    if args.threads and thread_cpu[1]:
        pstats.Stats(thread_profile).sort_stats("tottime").print_stats(30)


if __name__ == "__main__":
    main()
